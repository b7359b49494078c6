import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkAgainst, type FieldResult, fillExample, type Json } from './check.ts';
import type { CallLike } from './report.ts';
import { isTillSample, POS_TYPE, VENDORS, type Vendor } from './scenario.ts';
import { type SeedExample, seedExamples } from './seed-examples.ts';

/**
 * The POS side of certification: a loyalty server that answers every call with the seeds' example
 * answer (ids kept consistent: one loyalty transaction per identify, the same guest throughout) and
 * checks each request the POS sends against the seeds' example request, field by field, with the
 * headers the contract requires.
 */

export interface ListenerOptions {
  port: number;
  host: string;
  /** the POS's dialect; default: read from each identify's posVendor.posType */
  vendor?: Vendor;
  /** the x-api-key the POS must send; default: any non-empty key */
  key?: string;
  /** identify with this identifier, and that sale's validate answers the RulesError example */
  shortIdentifier?: string;
  /** answer values for `$placeholders`, e.g. `$benefitPlu` */
  values: Record<string, string>;
  onCall?: (call: CallLike) => void;
}

export interface PosReport {
  kind: 'pos';
  calls: CallLike[];
  passed: number;
  failed: number;
  ok: boolean;
}

/** The guest and incentive the answers show: the reference example's own guest. */
export const ANSWER_DEFAULTS: Record<string, string> = {
  $loyaltyUserId: '4711fc2a-3a8f-414f-a9e7-44dd5231dca7',
  $loyaltyUserName: 'Farhan',
  $benefitPlu: '900102',
  $incentivePlu: '900102',
  $loyaltyIncentiveId: 'rwd-whopper',
};

interface Sale {
  id: string;
  vendor: Vendor;
  short: boolean;
  /** the request's placeholders seen so far in this sale: the same matchingId, guest, incentive throughout */
  bindings: Map<string, string>;
}

interface Route {
  step: string;
  title: string;
  request: SeedExample;
  answer: SeedExample;
  status: number;
}

function vendorOf(body: unknown, fixed: Vendor | undefined): Vendor {
  if (fixed) return fixed;
  const posType = (body as { posVendor?: { posType?: unknown } } | null)?.posVendor?.posType;
  const found = VENDORS.find((v) => typeof posType === 'string' && POS_TYPE[v].toLowerCase() === posType.toLowerCase());
  return found ?? 'partner';
}

function route(method: string, path: string, body: unknown, sale: Sale | undefined, vendor: Vendor): Route | 'no-sale' | null {
  const ref = seedExamples('winrest');
  const ncr = seedExamples('ncr');
  const winrest = vendor === 'winrest';
  const status = (body as { status?: unknown } | null)?.status;
  const ncrBody = status === 'PENDING' ? ncr.pending : ncr.claimed;
  if (method === 'POST' && path === '/loyalty/identify') {
    return { step: 'identify', title: 'Identify', ...(vendor === 'ncr' ? ncr.identify : ref.identify), status: 200 };
  }
  if (method === 'POST' && path === '/loyalty/transaction/pos') return { step: 'unclaimed', title: 'Unclaimed transaction', ...ref.unclaimed, status: 200 };
  const m = /^\/loyalty\/transaction\/pos\/(validate\/)?([^/]+)(\/void)?$/.exec(path);
  if (!m) return null;
  if (!sale) return 'no-sale';
  const request = sale.vendor === 'ncr' ? ncrBody.request : ref.void.request;
  if (m[1] && !m[3] && method === 'POST') {
    if (sale.short)
      return {
        step: 'rules-error',
        title: 'Validate (answered with the RulesError example)',
        request,
        answer: (winrest ? ref.rulesErrorWinrest : ref.rulesError).answer,
        status: 400,
      };
    return { step: 'validate', title: 'Validate', request, answer: (winrest ? ref.validateWinrest : ref.validate).answer, status: 200 };
  }
  if (!m[1] && m[3] && (method === 'PUT' || method === 'POST')) return { step: 'void', title: 'Void', request, answer: ref.void.answer, status: 200 };
  if (!m[1] && !m[3] && method === 'PUT') {
    if (sale.vendor === 'ncr')
      return { step: status === 'PENDING' ? 'pending' : 'claimed', title: `Update ${status === 'PENDING' ? 'PENDING' : 'CLAIMED'}`, ...ncrBody, status: 200 };
    return { step: 'claimed', title: 'Update', request, answer: (winrest ? ref.updateWinrest : ref.update).answer, status: 200 };
  }
  return null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function listenAsLoyaltyServer(options: ListenerOptions): Promise<{ url: string; report(): PosReport; close(): Promise<void> }> {
  const sales = new Map<string, Sale>();
  const calls: CallLike[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    const text = await readBody(req);
    const fields: FieldResult[] = [];
    const key = req.headers['x-api-key'];
    fields.push({
      path: 'header x-api-key',
      expected: options.key ? 'the key given to the kit' : 'present',
      actual: typeof key === 'string' && key ? (options.key && key !== options.key ? 'another key' : 'present') : '(absent)',
      ok: typeof key === 'string' && key.length > 0 && (!options.key || key === options.key),
    });
    const type = req.headers['content-type'] ?? '';
    fields.push({
      path: 'header content-type',
      expected: 'application/json',
      actual: type || '(absent)',
      ok: type.split(';')[0]!.trim() === 'application/json',
    });

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const call: CallLike = {
      step: '?',
      title: 'not a Loyalty API v1 call',
      method,
      path,
      example: '-',
      status: { expected: null, actual: null },
      fields,
      ok: false,
    };
    const answer = (status: number, json: string) => {
      call.status.actual = status;
      call.ok = !call.error && fields.every((f) => f.ok);
      calls.push(call);
      options.onCall?.(call);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(json);
    };
    const error = (status: number, code: string, message: string) => {
      call.error = message;
      answer(status, JSON.stringify({ code, statusCode: status, message }));
    };
    if (body === undefined) return error(400, 'ValidationError', 'the body is not JSON');

    const txnId = /^\/loyalty\/transaction\/pos\/(?:validate\/)?([^/]+)/.exec(path)?.[1];
    const sale = path === '/loyalty/transaction/pos' ? undefined : txnId ? sales.get(txnId) : undefined;
    const vendor = sale?.vendor ?? vendorOf(body, options.vendor);
    const r = route(method, path, body, sale, vendor);
    if (r === null) return error(404, 'NotFound', `${method} ${path} is not a Loyalty API v1 call`);
    if (r === 'no-sale') return error(404, 'TransactionNotFoundError', `no loyalty transaction ${txnId} (identify first)`);

    let current = sale;
    if (!current) {
      const identifier = (body as { identifier?: unknown } | null)?.identifier;
      current = {
        id: randomUUID(),
        vendor,
        short: r.step === 'identify' && options.shortIdentifier !== undefined && identifier === options.shortIdentifier,
        bindings: new Map(),
      };
      if (r.step === 'identify') sales.set(current.id, current);
      const values = { ...ANSWER_DEFAULTS, ...options.values };
      for (const name of ['$loyaltyTransactionId', '$transactionId']) current.bindings.set(name, current.id);
      current.bindings.set('$loyaltyUserId', values.$loyaltyUserId!);
    }
    call.step = r.step === 'identify' && current.short ? 'rules-error.identify' : r.step;
    call.title = current.short && r.step === 'identify' ? 'Identify (the RulesError guest)' : r.title;
    call.example = `loyalty-api-v1-${r.request.source}.txt line ${r.request.line}`;
    fields.push(...checkAgainst(r.request.node, body, { bindings: current.bindings, samples: isTillSample }));

    const values = new Map<string, Json>(Object.entries({ ...ANSWER_DEFAULTS, ...options.values }));
    for (const name of ['$loyaltyTransactionId', '$transactionId']) values.set(name, current.id);
    values.set('$url', `${path}`);
    const json = fillExample(r.answer.node, { values, at: (p) => (p === '$.transactionId' ? current.id : undefined) });
    answer(r.status, json);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'KitError', statusCode: 500, message: e.message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    report() {
      const failed = calls.filter((c) => !c.ok).length;
      return { kind: 'pos', calls: [...calls], passed: calls.length - failed, failed, ok: failed === 0 };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
