import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An RJR Discount API written from the contract in ../shared/spec/manufacturer-promotions.md alone,
 * apart from Tillpoint's simulator (src/simulators/rjr/simulator.ts) and mapping: if
 * both were built from one misreading, tests against the simulator would not see it. The test
 * sets each outlet's feed record by record (raw JSON, so it can serve a broken record), forbids
 * outlets, and reads back every call it received.
 *
 * - `POST /oauth2/token` (form `grant_type=client_credentials`, `client_id`, `client_secret`)
 * - `GET /discount/v1/outlets/{outletId}/promotions?asOf=&page=&pageSize=` with `Authorization:
 *   Bearer …` and, for chains, `X-Account-Number`
 */
export interface FakeRjrClient {
  clientId: string;
  clientSecret: string;
  /** chains send it with every call */
  accountNumber: string;
}

export interface FakeRjrCall {
  method: string;
  path: string;
  query: Record<string, string>;
  outletId: string | null;
  status: number;
}

/** A platform's own provider credentials (single-store outlets): no account number. */
export interface FakeRjrProvider {
  clientId: string;
  clientSecret: string;
}

export interface FakeRjrApi {
  url: string;
  client: FakeRjrClient;
  provider: FakeRjrProvider | null;
  calls: FakeRjrCall[];
  /** replaces the feed of an outlet (records exactly as they go on the wire) */
  setFeed(outletId: string, records: unknown[]): void;
  /** 403 for this outlet until allowed again */
  forbid(outletId: string, reason?: string): void;
  allow(outletId: string): void;
  close(): Promise<void>;
}

export async function startFakeRjrApi(client: FakeRjrClient, provider: FakeRjrProvider | null = null): Promise<FakeRjrApi> {
  const feeds = new Map<string, unknown[]>();
  const forbidden = new Map<string, string>();
  /** token → whether a chain client holds it (and so must send its account number) */
  const tokens = new Map<string, 'chain' | 'provider'>();
  const calls: FakeRjrCall[] = [];

  const send = (res: ServerResponse, status: number, body: unknown, call: FakeRjrCall) => {
    call.status = status;
    calls.push(call);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
      req.on('error', reject);
    });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake-rjr.test');
      const call: FakeRjrCall = { method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), outletId: null, status: 0 };
      if (req.method === 'POST' && url.pathname === '/oauth2/token') {
        const form = new URLSearchParams(await readBody(req));
        if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type' }, call);
        const id = form.get('client_id');
        const secret = form.get('client_secret');
        const who =
          id === client.clientId && secret === client.clientSecret
            ? 'chain'
            : provider && id === provider.clientId && secret === provider.clientSecret
              ? 'provider'
              : null;
        if (!who) return send(res, 401, { error: 'invalid_client', error_description: 'unknown client' }, call);
        const token = randomBytes(16).toString('hex');
        tokens.set(token, who);
        return send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 }, call);
      }
      const m = /^\/discount\/v1\/outlets\/([^/]+)\/promotions$/.exec(url.pathname);
      if (req.method === 'GET' && m) {
        const outletId = decodeURIComponent(m[1]!);
        call.outletId = outletId;
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        if (!bearer || !tokens.has(bearer)) return send(res, 401, { error: 'invalid_token' }, call);
        if (tokens.get(bearer) === 'chain' && req.headers['x-account-number'] !== client.accountNumber)
          return send(res, 403, { message: 'account number does not match the client' }, call);
        const refusal = forbidden.get(outletId);
        if (refusal !== undefined) return send(res, 403, { error: 'access_denied', error_description: refusal }, call);
        const records = feeds.get(outletId);
        if (!records) return send(res, 404, { message: `unknown outlet ${outletId}` }, call);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(url.searchParams.get('asOf') ?? '')) return send(res, 400, { message: 'asOf must be YYYY-MM-DD' }, call);
        const page = Number(url.searchParams.get('page') ?? '1');
        const pageSize = Number(url.searchParams.get('pageSize') ?? '50');
        const totalPages = Math.max(1, Math.ceil(records.length / pageSize));
        return send(res, 200, { page, pageSize, totalPages, promotions: records.slice((page - 1) * pageSize, page * pageSize) }, call);
      }
      return send(res, 404, { message: 'no such route' }, call);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    client,
    provider,
    calls,
    setFeed: (outletId, records) => void feeds.set(outletId, records),
    forbid: (outletId, reason = 'outlet is not authorized for this third-party provider') => void forbidden.set(outletId, reason),
    allow: (outletId) => void forbidden.delete(outletId),
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** A valid UPC-A from its first 11 digits: the check digit computed here, not by Tillpoint's code. */
export function upcA(first11: string): string {
  const d = [...first11].map(Number);
  const odd = d.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0);
  const even = d.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0);
  return first11 + String((10 - ((odd * 3 + even) % 10)) % 10);
}
