import { randomBytes } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import {
  RJR,
  isCalendarDate,
  type RjrErrorBody,
  type RjrPromotionRecord,
  type RjrPromotionsPage,
  type RjrTokenResponse,
} from '../../adapters/manufacturers/rjr/rjr.mapping.ts';
import { SimFeed } from './simulator.feed.ts';

/**
 * A stand-in for the R.J. Reynolds Discount API, speaking the contract of rjr.mapping.ts, with
 * deterministic data (simulator.feed.ts) and faults switchable from code or over HTTP
 * (`POST /_sim/faults`). Used by the connector tests, the demo (`npm start`), the sync benchmark
 * and `tillpoint rjr-simulator`. See docs/rjr-simulator.md.
 */

export interface SimClient {
  clientId: string;
  clientSecret: string;
  /** chain clients: the X-Account-Number every call must carry */
  accountNumber?: string;
}

/** Tillpoint's provider credentials on the simulator (single-store outlets). */
export const SIM_PROVIDER_CLIENT: SimClient = { clientId: 'tillpoint-provider', clientSecret: 'sim-provider-secret' };
/** A chain's own credentials on the simulator. */
export const SIM_CHAIN_CLIENT: Required<SimClient> = { clientId: 'demo-chain', clientSecret: 'sim-chain-secret', accountNumber: '700100' };

export interface RjrSimulatorOptions {
  /** 0 (default) picks a free port */
  port?: number;
  host?: string;
  seed?: string | number;
  /** default 50 */
  outlets?: number;
  /** default 40 */
  promotionsPerOutlet?: number;
  /** simulated day, 0 = baseDate. Default 0. */
  day?: number;
  /** calendar date of day 0; default today (UTC) */
  baseDate?: string;
  /** share of promotions changing per simulated day. Default 0.05. */
  changeRate?: number;
  /** accepted client credentials; default the provider and chain clients above */
  clients?: SimClient[];
  /** default 3600 */
  tokenTtlSeconds?: number;
  /** largest pageSize accepted. Default 500. */
  maxPageSize?: number;
  /** epoch ms, for token expiry. Default Date.now. */
  now?: () => number;
}

/** Which endpoint a fault hits. */
export type FaultTarget = 'promotions' | 'token' | 'any';

export interface FaultState {
  rateLimit: { remaining: number; retryAfterSeconds: number; httpDate: boolean; target: FaultTarget } | null;
  serverErrors: { remaining: number; status: number; target: FaultTarget } | null;
  slow: { remaining: number; delayMs: number; target: FaultTarget } | null;
  malformedPage: { remaining: number; page: number; outletId: string | null } | null;
  invalidRecords: { count: number; outletId: string | null } | null;
  forbiddenOutlets: Record<string, string>;
}

const Target = Type.Union([Type.Literal('promotions'), Type.Literal('token'), Type.Literal('any')]);
const Times = Type.Integer({ minimum: 1, maximum: 1_000_000 });

/** The body of `POST /_sim/faults`; each key sets one fault, the rest stay as they are. */
export const FaultsBody = Type.Object(
  {
    expireTokens: Type.Optional(Type.Boolean()),
    rateLimit: Type.Optional(
      Type.Object(
        {
          times: Type.Optional(Times),
          retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
          httpDate: Type.Optional(Type.Boolean()),
          target: Type.Optional(Target),
        },
        { additionalProperties: false },
      ),
    ),
    serverErrors: Type.Optional(
      Type.Object(
        { times: Type.Optional(Times), status: Type.Optional(Type.Integer({ minimum: 500, maximum: 599 })), target: Type.Optional(Target) },
        { additionalProperties: false },
      ),
    ),
    slow: Type.Optional(
      Type.Object(
        { times: Type.Optional(Times), delayMs: Type.Integer({ minimum: 0, maximum: 600_000 }), target: Type.Optional(Target) },
        { additionalProperties: false },
      ),
    ),
    malformedPage: Type.Optional(
      Type.Object(
        { times: Type.Optional(Times), page: Type.Optional(Type.Integer({ minimum: 1 })), outletId: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    invalidRecords: Type.Optional(
      Type.Object({ count: Type.Integer({ minimum: 0, maximum: 10_000 }), outletId: Type.Optional(Type.String()) }, { additionalProperties: false }),
    ),
    forbidOutlets: Type.Optional(
      Type.Array(Type.Object({ outletId: Type.String({ minLength: 1 }), reason: Type.Optional(Type.String()) }, { additionalProperties: false })),
    ),
    allowOutlets: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);
export type FaultsBody = Static<typeof FaultsBody>;

const DEFAULT_FORBIDDEN_REASON = 'Outlet has not authorized this provider';

/** Faults the simulator injects; counted ones wear off after `times` hits. */
export class SimFaults {
  private state: FaultState = SimFaults.empty();
  /** bumped by expireTokens(); tokens issued before the bump are refused */
  tokenEpoch = 0;

  private static empty(): FaultState {
    return { rateLimit: null, serverErrors: null, slow: null, malformedPage: null, invalidRecords: null, forbiddenOutlets: {} };
  }

  /** Every token issued so far stops working: the next call gets 401 and must fetch a new one. */
  expireTokens(): void {
    this.tokenEpoch++;
  }

  /** The next `times` requests get 429 with `Retry-After` (delta-seconds, or an HTTP date). */
  rateLimit(opts: { times?: number; retryAfterSeconds?: number; httpDate?: boolean; target?: FaultTarget } = {}): void {
    this.state.rateLimit = {
      remaining: opts.times ?? 1,
      retryAfterSeconds: opts.retryAfterSeconds ?? 1,
      httpDate: opts.httpDate ?? false,
      target: opts.target ?? 'promotions',
    };
  }

  /** The next `times` requests get a 5xx (500 unless `status`). */
  serverErrors(opts: { times?: number; status?: number; target?: FaultTarget } = {}): void {
    this.state.serverErrors = { remaining: opts.times ?? 1, status: opts.status ?? 500, target: opts.target ?? 'promotions' };
  }

  /** The next `times` requests answer only after `delayMs`. */
  slow(opts: { delayMs: number; times?: number; target?: FaultTarget }): void {
    this.state.slow = { remaining: opts.times ?? 1, delayMs: opts.delayMs, target: opts.target ?? 'promotions' };
  }

  /** Page `page` (default 1) of `outletId` (default any) is cut in half, `times` times. */
  malformedPage(opts: { page?: number; outletId?: string; times?: number } = {}): void {
    this.state.malformedPage = { remaining: opts.times ?? 1, page: opts.page ?? 1, outletId: opts.outletId ?? null };
  }

  /** The first `count` records of every feed (or of one outlet's) are broken in turn: bad check digit, bad amount, end before start, unknown type. Stays until cleared. */
  invalidRecords(opts: { count: number; outletId?: string }): void {
    this.state.invalidRecords = opts.count > 0 ? { count: opts.count, outletId: opts.outletId ?? null } : null;
  }

  /** The outlet gets 403 with `reason` until allowed again. */
  forbidOutlet(outletId: string, reason = DEFAULT_FORBIDDEN_REASON): void {
    this.state.forbiddenOutlets[outletId] = reason;
  }

  allowOutlet(outletId: string): void {
    delete this.state.forbiddenOutlets[outletId];
  }

  clear(): void {
    this.state = SimFaults.empty();
  }

  snapshot(): FaultState {
    return structuredClone(this.state);
  }

  /** Applies an admin request body (see FaultsBody). */
  apply(body: FaultsBody): void {
    if (body.expireTokens) this.expireTokens();
    if (body.rateLimit) this.rateLimit(body.rateLimit);
    if (body.serverErrors) this.serverErrors(body.serverErrors);
    if (body.slow) this.slow(body.slow);
    if (body.malformedPage) this.malformedPage(body.malformedPage);
    if (body.invalidRecords) this.invalidRecords(body.invalidRecords);
    for (const f of body.forbidOutlets ?? []) this.forbidOutlet(f.outletId, f.reason);
    for (const id of body.allowOutlets ?? []) this.allowOutlet(id);
  }

  // -- used by the server --------------------------------------------------------------------

  /** Takes one hit of a counted fault aimed at `endpoint`. */
  take<K extends 'rateLimit' | 'serverErrors' | 'slow'>(kind: K, endpoint: 'promotions' | 'token'): NonNullable<FaultState[K]> | null {
    const f = this.state[kind];
    if (!f || (f.target !== 'any' && f.target !== endpoint)) return null;
    f.remaining--;
    if (f.remaining <= 0) this.state[kind] = null;
    return f as NonNullable<FaultState[K]>;
  }

  takeMalformed(outletId: string, page: number): boolean {
    const f = this.state.malformedPage;
    if (!f || f.page !== page || (f.outletId !== null && f.outletId !== outletId)) return false;
    f.remaining--;
    if (f.remaining <= 0) this.state.malformedPage = null;
    return true;
  }

  forbidden(outletId: string): string | null {
    return this.state.forbiddenOutlets[outletId] ?? null;
  }

  invalidCount(outletId: string): number {
    const f = this.state.invalidRecords;
    return f && (f.outletId === null || f.outletId === outletId) ? f.count : 0;
  }
}

export interface SimStats {
  tokenRequests: number;
  tokensIssued: number;
  promotionRequests: number;
  /** answers by HTTP status, both endpoints */
  statuses: Record<string, number>;
}

export interface RjrSimulator {
  /** base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  faults: SimFaults;
  /** the simulated day; changing it changes the feed deterministically */
  readonly day: number;
  setDay(day: number): void;
  /** the calendar date of the current day */
  date(): string;
  seed: string | number;
  outlets: number;
  promotionsPerOutlet: number;
  /** outlet ids, in order */
  outletIds(offset?: number, limit?: number): string[];
  /** what the API would answer for an outlet (all pages, before faults) */
  feed(outletId: string, asOf?: string): RjrPromotionRecord[];
  stats(): SimStats;
  resetStats(): void;
  close(): Promise<void>;
}

/**
 * Starts the simulator on `host:port` (127.0.0.1 and a free port by default).
 * @example
 * const sim = await startRjrSimulator({ seed: 'test', outlets: 3, promotionsPerOutlet: 250, baseDate: '2026-12-01' });
 * sim.faults.serverErrors({ times: 2 });
 * // … RjrClient against sim.url …
 * await sim.close();
 */
export async function startRjrSimulator(opts: RjrSimulatorOptions = {}): Promise<RjrSimulator> {
  const seed = opts.seed ?? 'tillpoint';
  const feed = new SimFeed({
    seed,
    outlets: opts.outlets ?? 50,
    promotionsPerOutlet: opts.promotionsPerOutlet ?? 40,
    baseDate: opts.baseDate ?? new Date().toISOString().slice(0, 10),
    changeRate: opts.changeRate ?? 0.05,
  });
  if (opts.baseDate !== undefined && !isCalendarDate(opts.baseDate)) throw new RangeError('baseDate must be a date YYYY-MM-DD');
  const clients = opts.clients ?? [SIM_PROVIDER_CLIENT, SIM_CHAIN_CLIENT];
  const tokenTtl = opts.tokenTtlSeconds ?? 3600;
  const maxPageSize = opts.maxPageSize ?? 500;
  const now = opts.now ?? Date.now;
  const faults = new SimFaults();
  const tokens = new Map<string, { client: SimClient; expiresAt: number; epoch: number }>();
  const emptyStats = (): SimStats => ({ tokenRequests: 0, tokensIssued: 0, promotionRequests: 0, statuses: {} });
  let stats = emptyStats();
  let day = checkDay(opts.day ?? 0);
  const waits = new Set<() => void>();

  const app = Fastify({ logger: false, forceCloseConnections: true }).withTypeProvider<TypeBoxTypeProvider>();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('onResponse', async (_req, reply) => {
    const k = String(reply.statusCode);
    stats.statuses[k] = (stats.statuses[k] ?? 0) + 1;
  });

  /** Waits, unless the client hangs up (→ false) or the simulator closes first. */
  const delay = (ms: number, reply: FastifyReply) =>
    new Promise<boolean>((resolve) => {
      const finish = (stillThere: boolean) => {
        clearTimeout(timer);
        waits.delete(wake);
        reply.raw.off('close', hungUp);
        resolve(stillThere);
      };
      const wake = () => finish(true);
      const hungUp = () => finish(false);
      const timer = setTimeout(wake, ms);
      waits.add(wake);
      reply.raw.on('close', hungUp);
    });

  const error = (reply: FastifyReply, status: number, body: RjrErrorBody) => reply.code(status).type('application/json').send(JSON.stringify(body));

  /** The counted faults every endpoint shares; true when one answered. */
  async function commonFaults(endpoint: 'promotions' | 'token', reply: FastifyReply): Promise<boolean> {
    const slow = faults.take('slow', endpoint);
    if (slow && !(await delay(slow.delayMs, reply))) {
      // The client gave up; answer into the void so Fastify finishes the request (nginx's 499).
      await error(reply, 499, { error: 'client_closed_request' });
      return true;
    }
    const limited = faults.take('rateLimit', endpoint);
    if (limited) {
      const retryAfter = limited.httpDate ? new Date(now() + limited.retryAfterSeconds * 1000).toUTCString() : String(limited.retryAfterSeconds);
      void reply.header('retry-after', retryAfter);
      await error(reply, 429, { error: 'rate_limited', error_description: 'Too many requests' });
      return true;
    }
    const failed = faults.take('serverErrors', endpoint);
    if (failed) {
      await error(reply, failed.status, { error: 'server_error', error_description: 'Simulated failure' });
      return true;
    }
    return false;
  }

  app.post('/oauth2/token', async (req: FastifyRequest, reply) => {
    stats.tokenRequests++;
    if (await commonFaults('token', reply)) return reply;
    const form = (req.body ?? {}) as Record<string, string>;
    if (form[RJR.form.grantType] !== RJR.grantType)
      return error(reply, 400, { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' });
    const client = clients.find((c) => c.clientId === form[RJR.form.clientId]);
    if (!client || client.clientSecret !== form[RJR.form.clientSecret])
      return error(reply, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    const token = `sim_${randomBytes(18).toString('base64url')}`;
    tokens.set(token, { client, expiresAt: now() + tokenTtl * 1000, epoch: faults.tokenEpoch });
    stats.tokensIssued++;
    const body: RjrTokenResponse = { access_token: token, token_type: 'Bearer', expires_in: tokenTtl };
    return reply.type('application/json').send(JSON.stringify(body));
  });

  app.get(
    '/discount/v1/outlets/:outletId/promotions',
    async (req: FastifyRequest<{ Params: { outletId: string }; Querystring: Record<string, string | undefined> }>, reply) => {
      stats.promotionRequests++;
      if (await commonFaults('promotions', reply)) return reply;
      const auth = req.headers.authorization ?? '';
      const held = auth.startsWith('Bearer ') ? tokens.get(auth.slice(7)) : undefined;
      if (!held || held.expiresAt <= now() || held.epoch !== faults.tokenEpoch) {
        void reply.header('www-authenticate', 'Bearer error="invalid_token"');
        return error(reply, 401, { error: 'invalid_token', error_description: 'Access token is missing, unknown or expired' });
      }
      const { outletId } = req.params;
      if (held.client.accountNumber !== undefined && req.headers[RJR.accountHeader.toLowerCase()] !== held.client.accountNumber) {
        return error(reply, 403, { error: 'account_mismatch', error_description: `${RJR.accountHeader} does not match this client's retailer account` });
      }
      const forbidden = faults.forbidden(outletId);
      const index = feed.outletIndex(outletId);
      if (forbidden !== null || index === null) {
        return error(reply, 403, { error: 'outlet_not_authorized', error_description: forbidden ?? `Outlet ${outletId} has not authorized this provider` });
      }
      const q = req.query;
      const asOf = q[RJR.query.asOf] ?? feed.dateOf(day);
      if (!isCalendarDate(asOf)) return error(reply, 400, { error: 'invalid_request', error_description: 'asOf must be YYYY-MM-DD' });
      const page = q[RJR.query.page] === undefined ? 1 : Number(q[RJR.query.page]);
      const pageSize = q[RJR.query.pageSize] === undefined ? 100 : Number(q[RJR.query.pageSize]);
      if (!Number.isInteger(page) || page < 1)
        return error(reply, 400, { error: 'invalid_request', error_description: 'page must be a positive whole number' });
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize)
        return error(reply, 400, { error: 'invalid_request', error_description: `pageSize must be 1…${maxPageSize}` });
      const all = withInvalidRecords(feed.feed(index, day, asOf), faults.invalidCount(outletId));
      const body: RjrPromotionsPage = {
        page,
        pageSize,
        totalPages: Math.ceil(all.length / pageSize),
        promotions: all.slice((page - 1) * pageSize, page * pageSize),
      };
      const text = JSON.stringify(body);
      return reply.type('application/json').send(faults.takeMalformed(outletId, page) ? text.slice(0, Math.floor(text.length / 2)) : text);
    },
  );

  // -- admin ----------------------------------------------------------------------------------
  const state = () => ({
    seed,
    outlets: feed.opts.outlets,
    promotionsPerOutlet: feed.opts.promotionsPerOutlet,
    baseDate: feed.opts.baseDate,
    day,
    date: feed.dateOf(day),
    changeRate: feed.opts.changeRate,
    faults: faults.snapshot(),
    stats,
  });
  app.get('/_sim/state', async () => state());
  app.post('/_sim/faults', { schema: { body: FaultsBody } }, async (req) => {
    faults.apply(req.body);
    return state();
  });
  app.delete('/_sim/faults', async () => {
    faults.clear();
    return state();
  });
  app.post(
    '/_sim/day',
    {
      schema: {
        body: Type.Object(
          { day: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })), advance: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      day = checkDay(req.body.day ?? day + (req.body.advance ?? 1));
      return state();
    },
  );
  app.get(
    '/_sim/outlets',
    {
      schema: {
        querystring: Type.Object({ offset: Type.Optional(Type.Integer({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) }),
      },
    },
    async (req) => ({
      outletIds: outletIds(req.query.offset ?? 0, req.query.limit ?? 100),
      total: feed.opts.outlets,
    }),
  );

  function outletIds(offset = 0, limit = feed.opts.outlets): string[] {
    const out: string[] = [];
    for (let i = offset; i < Math.min(feed.opts.outlets, offset + limit); i++) out.push(feed.outletId(i));
    return out;
  }

  const address = await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  return {
    url: address.replace('[::1]', 'localhost'),
    faults,
    get day() {
      return day;
    },
    setDay(n: number) {
      day = checkDay(n);
    },
    date: () => feed.dateOf(day),
    seed,
    outlets: feed.opts.outlets,
    promotionsPerOutlet: feed.opts.promotionsPerOutlet,
    outletIds,
    feed(outletId: string, asOf?: string) {
      const index = feed.outletIndex(outletId);
      if (index === null) throw new RangeError(`no simulated outlet ${outletId}`);
      return feed.feed(index, day, asOf ?? feed.dateOf(day));
    },
    stats: () => structuredClone(stats),
    resetStats() {
      stats = emptyStats();
    },
    async close() {
      for (const wake of [...waits]) wake();
      await app.close();
    },
  };
}

function checkDay(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 10_000) throw new RangeError('day must be a whole number 0…10000');
  return n;
}

/** Breaks the first `count` records in turn, in ways the connector must reject one by one. */
function withInvalidRecords(records: RjrPromotionRecord[], count: number): RjrPromotionRecord[] {
  if (count === 0) return records;
  return records.map((r, i) => {
    if (i >= count) return r;
    switch (i % 4) {
      case 0: {
        const upc = r.upcs[0]!;
        const last = upc.slice(-1) === '9' ? '0' : String(Number(upc.slice(-1)) + 1);
        return { ...r, upcs: [upc.slice(0, -1) + last, ...r.upcs.slice(1)] };
      }
      case 1:
        return { ...r, discountAmount: '0.5O' };
      case 2:
        return { ...r, endDate: '2000-01-01' };
      default:
        return { ...r, promotionType: 'BOGO' as RjrPromotionRecord['promotionType'] };
    }
  });
}

export interface SimulatorCliOptions {
  port?: number | string;
  host?: string;
  seed?: string;
  outlets?: number | string;
  promotionsPerOutlet?: number | string;
  day?: number | string;
  baseDate?: string;
  changeRate?: number | string;
}

/**
 * Starts the simulator for `tillpoint rjr-simulator` and prints where it is and how to use it.
 * Resolves with the running simulator; the caller decides when to close it.
 */
export async function runSimulatorCli(opts: SimulatorCliOptions = {}, out: NodeJS.WritableStream = process.stdout): Promise<RjrSimulator> {
  const num = (name: string, v: number | string | undefined, fallback: number) => {
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new RangeError(`--${name} must be a number, got "${v}"`);
    return n;
  };
  const sim = await startRjrSimulator({
    port: num('port', opts.port, 4010),
    host: opts.host ?? '127.0.0.1',
    seed: opts.seed ?? 'tillpoint',
    outlets: num('outlets', opts.outlets, 50),
    promotionsPerOutlet: num('promotions-per-outlet', opts.promotionsPerOutlet, 40),
    day: num('day', opts.day, 0),
    baseDate: opts.baseDate,
    changeRate: num('change-rate', opts.changeRate, 0.05),
  });
  const ids = sim.outletIds();
  const lines = [
    '',
    `RJR Discount API simulator on ${sim.url}`,
    `  seed ${String(sim.seed)}, ${sim.outlets} outlets × ${sim.promotionsPerOutlet} promotions, day ${sim.day} = ${sim.date()}`,
    `  token        POST ${sim.url}${RJR.tokenPath}`,
    `  promotions   GET  ${sim.url}${RJR.promotionsPath('{outletId}')}?asOf=YYYY-MM-DD&page=1&pageSize=100`.replace('%7BoutletId%7D', '{outletId}'),
    `  outlets      ${ids[0]} … ${ids[ids.length - 1]}`,
    `  single-store provider client   client_id=${SIM_PROVIDER_CLIENT.clientId}  client_secret=${SIM_PROVIDER_CLIENT.clientSecret}`,
    `  chain client                   client_id=${SIM_CHAIN_CLIENT.clientId}  client_secret=${SIM_CHAIN_CLIENT.clientSecret}  ${RJR.accountHeader}: ${SIM_CHAIN_CLIENT.accountNumber}`,
    `  next day     curl -X POST ${sim.url}/_sim/day -H 'content-type: application/json' -d '{"advance":1}'`,
    `  faults       curl -X POST ${sim.url}/_sim/faults -H 'content-type: application/json' -d '{"serverErrors":{"times":2}}'`,
    `  state        curl ${sim.url}/_sim/state      (docs/rjr-simulator.md lists every fault)`,
    '',
  ];
  out.write(lines.join('\n') + '\n');
  return sim;
}
