import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RjrClient, parseRetryAfter, type RjrClientConfig, type RjrCredentials } from '../../src/adapters/manufacturers/rjr/rjr.client.ts';
import { createRjrConnector } from '../../src/adapters/manufacturers/rjr/rjr.connector.ts';
import { mapRecord } from '../../src/adapters/manufacturers/rjr/rjr.mapping.ts';
import { SIM_CHAIN_CLIENT, SIM_PROVIDER_CLIENT, startRjrSimulator, type RjrSimulator } from '../../src/simulators/rjr/simulator.ts';
import { ConnectorError, EnrollmentBroken, type PageProgress } from '../../src/app/ports/manufacturer-connector.ts';

const AS_OF = '2026-12-01';
const OUTLET = '7000001';
const single: RjrCredentials = { kind: 'single_store', outletId: OUTLET, ...SIM_PROVIDER_CLIENT };
const chain: RjrCredentials = { kind: 'chain', ...SIM_CHAIN_CLIENT };

let sim: RjrSimulator;
let sleeps: number[];
let warnings: string[];

/** A client whose waits are recorded, not slept. */
function client(config: Partial<RjrClientConfig> = {}): RjrClient {
  return new RjrClient({
    baseUrl: sim.url,
    pageSize: 100,
    backoffBaseMs: 100,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    logger: { debug: () => {}, warn: (o, msg) => warnings.push(`${msg} ${JSON.stringify(o)}`) },
    ...config,
  });
}

/** What the thrown error (or rejection) was. */
async function failure(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectorError);
    return e as ConnectorError;
  }
  throw new Error('expected the fetch to fail');
}

function everywhere(e: Error): string {
  return [e.message, e.stack, JSON.stringify(e), inspect(e, { depth: 5 }), String(e.cause ?? '')].join('\n');
}

beforeAll(async () => {
  sim = await startRjrSimulator({ seed: 'connector-tests', outlets: 5, promotionsPerOutlet: 250, baseDate: AS_OF });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.faults.clear();
  sim.resetStats();
  sleeps = [];
  warnings = [];
});

describe('RjrClient against the simulator', () => {
  it('reads every page of an outlet and maps every record', async () => {
    const pages: PageProgress[] = [];
    const result = await client().fetchPromotions(single, OUTLET, AS_OF, { onPage: (p) => pages.push(p) });
    const expected = sim.feed(OUTLET, AS_OF).map((r) => {
      const m = mapRecord(r);
      if (!('ok' in m)) throw new Error(m.rejected.reason);
      return m.ok;
    });
    expect(result.pages).toBe(3);
    expect(result.rejected).toEqual([]);
    expect(result.promotions).toEqual(expected);
    expect(new Set(result.promotions.map((p) => p.externalId)).size).toBe(expected.length);
    expect(pages).toEqual([
      { page: 1, totalPages: 3, promotions: 100, rejected: 0 },
      { page: 2, totalPages: 3, promotions: 100, rejected: 0 },
      { page: 3, totalPages: 3, promotions: expected.length - 200, rejected: 0 },
    ]);
    expect(sleeps).toEqual([]);
  });

  it('asks for one token for many pages and outlets, and a new one shortly before it expires', async () => {
    let now = Date.parse('2026-12-01T03:00:00Z');
    const c = client({ now: () => now });
    await c.fetchPromotions(chain, '7000001', AS_OF);
    await c.fetchPromotions(chain, '7000002', AS_OF);
    expect(sim.stats()).toMatchObject({ tokenRequests: 1, promotionRequests: 6 });
    now += 3540 * 1000 - 1; // the simulator's token lives 3600 s; the client renews 60 s early
    await c.fetchPromotions(chain, '7000003', AS_OF);
    expect(sim.stats().tokenRequests).toBe(1);
    now += 1;
    await c.fetchPromotions(chain, '7000003', AS_OF);
    expect(sim.stats().tokenRequests).toBe(2);
  });

  it('shares one token request between concurrent fetches', async () => {
    const c = client();
    await Promise.all(sim.outletIds().map((id) => c.fetchPromotions(chain, id, AS_OF)));
    expect(sim.stats().tokenRequests).toBe(1);
  });

  it('refreshes an expired token once on 401 and carries on', async () => {
    const c = client();
    await c.fetchPromotions(single, OUTLET, AS_OF);
    sim.faults.expireTokens();
    const result = await c.fetchPromotions(single, OUTLET, AS_OF);
    expect(result.pages).toBe(3);
    expect(sim.stats()).toMatchObject({ tokenRequests: 2, statuses: { '401': 1 } });
    expect(sleeps).toEqual([]);
  });

  it('fails as auth_failed when the API refuses even a fresh token', async () => {
    let calls = 0;
    const c = client({
      fetch: async (input, init) => {
        const url = String(input);
        if (url.includes('/promotions')) {
          calls++;
          return new Response('{"error":"invalid_token"}', { status: 401 });
        }
        return fetch(input, init);
      },
    });
    const e = await failure(c.fetchPromotions(single, OUTLET, AS_OF));
    expect(e.code).toBe('auth_failed');
    expect(calls).toBe(2);
  });

  it('waits what Retry-After says on 429, in seconds or as an HTTP date', async () => {
    sim.faults.rateLimit({ times: 2, retryAfterSeconds: 7 });
    const result = await client().fetchPromotions(single, OUTLET, AS_OF);
    expect(result.pages).toBe(3);
    expect(sleeps).toEqual([7000, 7000]);

    sleeps = [];
    sim.faults.rateLimit({ times: 1, retryAfterSeconds: 30, httpDate: true });
    await client().fetchPromotions(single, OUTLET, AS_OF);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(25_000);
    expect(sleeps[0]).toBeLessThanOrEqual(30_000);
  });

  it('gives up at once when Retry-After is longer than it is willing to wait', async () => {
    sim.faults.rateLimit({ times: 1, retryAfterSeconds: 3600 });
    const e = await failure(client({ maxRetryAfterMs: 60_000 }).fetchPromotions(single, OUTLET, AS_OF));
    expect(e.code).toBe('unavailable');
    expect(e.message).toMatch(/Retry-After 3600 s/);
    expect(sleeps).toEqual([]);
  });

  it('retries 5xx with jittered exponential backoff, then succeeds', async () => {
    sim.faults.serverErrors({ times: 2, status: 503 });
    const result = await client().fetchPromotions(single, OUTLET, AS_OF);
    expect(result.pages).toBe(3);
    // base 100 ms doubling; jitter between half and all of each step (random() = 0.5 → ¾ of it)
    expect(sleeps).toEqual([75, 150]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('HTTP 503');
  });

  it('retries a failing token endpoint too', async () => {
    sim.faults.serverErrors({ times: 1, target: 'token' });
    await client().fetchPromotions(single, OUTLET, AS_OF);
    expect(sim.stats().tokenRequests).toBe(2);
    expect(sleeps).toEqual([75]);
  });

  it('fails with a typed unavailable error after maxRetries 5xx answers', async () => {
    sim.faults.serverErrors({ times: 100 });
    const e = await failure(client({ maxRetries: 3 }).fetchPromotions(single, OUTLET, AS_OF));
    expect(e.code).toBe('unavailable');
    expect(e.retryable).toBe(true);
    expect(e.details).toMatchObject({ status: 500, attempts: 4, outletId: OUTLET, page: 1 });
    expect(e.message).toBe('RJR promotions page 1 for outlet 7000001 failed after 4 attempts: HTTP 500');
    expect(sleeps).toEqual([75, 150, 300]);
    expect(sim.stats().promotionRequests).toBe(4);
  });

  it('times out a slow answer and retries it', async () => {
    const c = client({ timeoutMs: 50, maxRetries: 20 }); // generous: a loaded machine may time out a normal answer too
    await c.fetchPromotions(single, OUTLET, AS_OF); // warm: the outlet's feed is generated and cached
    sim.faults.slow({ times: 1, delayMs: 60_000 });
    const result = await c.fetchPromotions(single, OUTLET, AS_OF);
    expect(result.pages).toBe(3);
    expect(sleeps.length).toBeGreaterThanOrEqual(1);
    expect(warnings[0]).toContain('no answer within 50 ms');
  });

  it('fails the whole fetch when a page is not valid JSON, without retrying', async () => {
    sim.faults.malformedPage({ page: 2 });
    const pages: number[] = [];
    const e = await failure(client().fetchPromotions(single, OUTLET, AS_OF, { onPage: (p) => pages.push(p.page) }));
    expect(e.code).toBe('malformed_response');
    expect(e.details).toMatchObject({ outletId: OUTLET, page: 2 });
    expect(e.message).toMatch(/page 2 .* not valid JSON/);
    expect(pages).toEqual([1]);
    expect(sleeps).toEqual([]);
  });

  it('fails when the feed changes its page count while being read', async () => {
    const c = client({
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (!String(input).includes('page=2')) return res;
        const body = (await res.json()) as { totalPages: number };
        return new Response(JSON.stringify({ ...body, totalPages: 4 }), { status: 200 });
      },
    });
    const e = await failure(c.fetchPromotions(single, OUTLET, AS_OF));
    expect(e.code).toBe('malformed_response');
    expect(e.message).toMatch(/totalPages changed from 3 to 4/);
  });

  it('reports 403 as EnrollmentBroken with the reason, without retrying', async () => {
    sim.faults.forbidOutlet('7000002', 'Outlet 7000002 revoked Tillpoint as third-party provider');
    const e = await failure(client().fetchPromotions(chain, '7000002', AS_OF));
    expect(e).toBeInstanceOf(EnrollmentBroken);
    expect(e.code).toBe('enrollment_broken');
    expect(e.retryable).toBe(false);
    expect((e as EnrollmentBroken).reason).toBe('outlet 7000002: Outlet 7000002 revoked Tillpoint as third-party provider (HTTP 403)');
    expect(sim.stats().promotionRequests).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('reports a chain call with the wrong account number as EnrollmentBroken', async () => {
    const e = await failure(client().fetchPromotions({ ...chain, accountNumber: '999999' } as RjrCredentials, OUTLET, AS_OF));
    expect(e).toBeInstanceOf(EnrollmentBroken);
    expect(e.message).toMatch(/X-Account-Number does not match/);
  });

  it('rejects bad records with their reasons and keeps the rest', async () => {
    sim.faults.invalidRecords({ count: 4, outletId: OUTLET });
    const result = await client().fetchPromotions(single, OUTLET, AS_OF);
    const total = sim.feed(OUTLET, AS_OF).length;
    expect(result.promotions).toHaveLength(total - 4);
    expect(result.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^upcs\[0\] "\d{12}" UPC-A check digit is \d, expected \d$/),
      'discountAmount "0.5O" must be a decimal amount like "5.00"',
      expect.stringMatching(/^endDate 2000-01-01 is before startDate/),
      'promotionType "BOGO" is not BUYDOWN or MIX_AND_MATCH',
    ]);
    expect(result.rejected.every((r) => r.externalId !== null && r.raw !== null)).toBe(true);
  });

  it('refuses bad client credentials as auth_failed, and never shows the secret', async () => {
    const secret = 'Sup3r-s3cret-value';
    const e = await failure(client().fetchPromotions({ ...chain, clientSecret: secret } as RjrCredentials, OUTLET, AS_OF));
    expect(e.code).toBe('auth_failed');
    expect(e.message).toBe('RJR refused the client credentials (HTTP 401: Client authentication failed)');
    expect(everywhere(e)).not.toContain(secret);
  });

  it('never puts the secret or the token in an error, even when the API echoes them', async () => {
    const secret = 'echo-me-s3cret';
    const c = client({
      maxRetries: 1,
      fetch: async (input) => {
        if (String(input).endsWith('/oauth2/token')) return Response.json({ access_token: 'tok-123456', token_type: 'Bearer', expires_in: 3600 });
        return new Response(JSON.stringify({ error_description: `bad request for client_secret=${secret} with token tok-123456` }), { status: 400 });
      },
    });
    const e = await failure(c.fetchPromotions({ ...chain, clientSecret: secret } as RjrCredentials, OUTLET, AS_OF));
    expect(e.code).toBe('request_rejected');
    expect(e.message).toContain('client_secret=***');
    expect(everywhere(e)).not.toContain(secret);
    expect(everywhere(e)).not.toContain('tok-123456');

    sim.faults.serverErrors({ times: 100 });
    const unavailable = await failure(client({ maxRetries: 1 }).fetchPromotions(chain, OUTLET, AS_OF));
    expect(everywhere(unavailable)).not.toContain(SIM_CHAIN_CLIENT.clientSecret);
    sim.faults.clear();
    sim.faults.malformedPage({ page: 1 });
    const malformed = await failure(client().fetchPromotions(chain, OUTLET, AS_OF));
    expect(everywhere(malformed)).not.toContain(SIM_CHAIN_CLIENT.clientSecret);
    expect(warnings.join('\n')).not.toContain(SIM_CHAIN_CLIENT.clientSecret);
  });

  it('refuses a single-store enrollment for another outlet and a bad date before any call', async () => {
    expect((await failure(client().fetchPromotions(single, '7000002', AS_OF))).code).toBe('invalid_request');
    expect((await failure(client().fetchPromotions(single, OUTLET, '2026-12-32'))).code).toBe('invalid_request');
    expect(sim.stats().tokenRequests).toBe(0);
  });

  it('stops when the caller aborts', async () => {
    const ac = new AbortController();
    const e = await failure(client().fetchPromotions(single, OUTLET, AS_OF, { onPage: () => ac.abort(), signal: ac.signal }));
    expect(e.code).toBe('aborted');
    expect(sim.stats().promotionRequests).toBe(1);
  });

  it('reads an outlet without promotions as one empty page', async () => {
    const empty = await startRjrSimulator({ seed: 'empty', outlets: 1, promotionsPerOutlet: 0, baseDate: AS_OF });
    try {
      const result = await new RjrClient({ baseUrl: empty.url }).fetchPromotions(single, OUTLET, AS_OF);
      expect(result).toEqual({ promotions: [], rejected: [], pages: 1 });
    } finally {
      await empty.close();
    }
  });

  it('says which network failure it retried when nothing listens', async () => {
    const c = new RjrClient({ baseUrl: 'http://127.0.0.1:1', maxRetries: 1, sleep: async (ms) => void sleeps.push(ms), random: () => 0 });
    const e = await failure(c.fetchPromotions(single, OUTLET, AS_OF));
    expect(e.code).toBe('unavailable');
    expect(e.message).toMatch(/RJR token request failed after 2 attempts: network error/);
    expect(sleeps).toEqual([250]);
  });
});

describe('RjrConnector (the ManufacturerConnector port)', () => {
  it('fetches a single-store outlet with the provider credentials and a chain outlet with its own', async () => {
    const rjr = createRjrConnector({ baseUrl: sim.url, provider: SIM_PROVIDER_CLIENT });
    expect(rjr.manufacturer).toBe('rjr');
    const a = await rjr.fetchPromotions({ mode: 'single_store', outletId: OUTLET }, OUTLET, AS_OF);
    const b = await rjr.fetchPromotions({ mode: 'chain', ...SIM_CHAIN_CLIENT }, '7000003', AS_OF);
    expect(a.promotions.length).toBeGreaterThan(200);
    expect(b.promotions.length).toBeGreaterThan(200);
    expect(sim.stats().tokenRequests).toBe(2);
  });

  it('cannot serve a single-store enrollment without provider credentials', async () => {
    const rjr = createRjrConnector({ baseUrl: sim.url });
    const e = await failure(rjr.fetchPromotions({ mode: 'single_store', outletId: OUTLET }, OUTLET, AS_OF));
    expect(e.code).toBe('invalid_request');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-01T03:00:00Z');
  it.each<[string | null, number | null]>([
    ['5', 5000],
    ['0', 0],
    ['Tue, 01 Dec 2026 03:00:30 GMT', 30_000],
    ['Tue, 01 Dec 2026 02:59:00 GMT', 0],
    ['soon', null],
    [null, null],
  ])('%j → %j ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });
});
