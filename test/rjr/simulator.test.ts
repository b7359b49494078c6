import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RjrClient } from '../../src/adapters/manufacturers/rjr/rjr.client.ts';
import { mapRecord, type RjrPromotionRecord } from '../../src/adapters/manufacturers/rjr/rjr.mapping.ts';
import { SIM_CHAIN_CLIENT, SIM_PROVIDER_CLIENT, runSimulatorCli, startRjrSimulator, type RjrSimulator } from '../../src/simulators/rjr/simulator.ts';
import { SimFeed } from '../../src/simulators/rjr/simulator.feed.ts';
import { applyChanges, planPromotionChanges } from '../../src/domain/promotions/diff.ts';
import type { Promotion } from '../../src/domain/promotions/promotion.ts';
import { isValidUpcA, normalizeUpc } from '../../src/domain/promotions/upc.ts';

const BASE = '2026-12-01';
const feedOf = (seed: string, opts: Partial<ConstructorParameters<typeof SimFeed>[0]> = {}) =>
  new SimFeed({ seed, outlets: 2000, promotionsPerOutlet: 200, baseDate: BASE, changeRate: 0.05, ...opts });

function mapAll(records: RjrPromotionRecord[]): Promotion[] {
  return records.map((r) => {
    const m = mapRecord(r);
    if (!('ok' in m)) throw new Error(`${r.promotionId}: ${m.rejected.reason}`);
    return m.ok;
  });
}

describe('simulated feed', () => {
  it('is a pure function of seed, outlet and day', () => {
    const a = feedOf('s1');
    const b = feedOf('s1');
    expect(a.records(1234, 3)).toEqual(b.records(1234, 3));
    expect(feedOf('s2').records(1234, 3)).not.toEqual(a.records(1234, 3));
    expect(a.records(1, 0)).not.toEqual(a.records(2, 0));
  });

  it('produces valid, realistic promotions: known brands, check digits, buydowns and multipacks', () => {
    const feed = feedOf('realism');
    const records = [0, 1, 2, 3, 4, 1999].flatMap((o) => feed.records(o, 0));
    expect(records).toHaveLength(6 * 200);
    const promotions = mapAll(records);
    expect(new Set(promotions.map((p) => p.brand))).toEqual(
      new Set(['Camel', 'Newport', 'Pall Mall', 'Kool', 'Doral', 'Natural American Spirit', 'Grizzly', 'Kodiak', 'Camel Snus', 'Velo', 'Vuse']),
    );
    expect(promotions.every((p) => p.upcs.every(isValidUpcA))).toBe(true);
    expect(records.some((r) => r.upcs.some((u) => u.length > 12))).toBe(true); // EAN-13 / GTIN-14 spellings occur
    expect(records.flatMap((r) => r.upcs).every((u) => normalizeUpc(u).ok)).toBe(true);
    const multipacks = promotions.filter((p) => p.type === 'multipack');
    expect(multipacks.length).toBeGreaterThan(promotions.length * 0.2);
    expect(multipacks.every((p) => p.quantity >= 2)).toBe(true);
    expect(promotions.some((p) => p.startDate > BASE)).toBe(true); // some start later
    expect(promotions.every((p) => p.endDate >= BASE)).toBe(true);
  });

  it('changes about the configured share of promotions from one day to the next, with cancellations', () => {
    const feed = feedOf('days');
    let changes = 0;
    let total = 0;
    const kinds = { add: 0, modify: 0, end: 0 };
    for (let o = 0; o < 60; o++) {
      const register = mapAll(feed.feed(o, 0, BASE));
      const next = mapAll(feed.feed(o, 1, feed.dateOf(1)));
      const plan = planPromotionChanges(register, [], next, feed.dateOf(1));
      total += register.length;
      changes += plan.changes.length;
      for (const c of plan.changes) kinds[c.kind]++;
      // queueing and accepting the changes leaves nothing to do on a re-run
      expect(planPromotionChanges(register, plan.changes, next, feed.dateOf(1)).changes).toEqual([]);
      expect(planPromotionChanges(applyChanges(register, plan.changes), [], next, feed.dateOf(1)).changes).toEqual([]);
    }
    expect(changes / total).toBeGreaterThan(0.04);
    expect(changes / total).toBeLessThan(0.09);
    expect(kinds.add).toBeGreaterThan(0);
    expect(kinds.modify).toBeGreaterThan(0);
    expect(kinds.end).toBeGreaterThan(0);
    const cancelled = Array.from({ length: 60 }, (_, o) => feed.records(o, 1))
      .flat()
      .filter((r) => r.status === 'CANCELLED');
    expect(cancelled.length).toBeGreaterThan(0);
  });

  it('keeps outlets filled over months as promotions expire and get replaced', () => {
    const feed = feedOf('months', { promotionsPerOutlet: 50 });
    const later = feed.feed(3, 120, feed.dateOf(120));
    expect(later.length).toBeGreaterThan(40);
    expect(mapAll(later).every((p) => p.endDate >= feed.dateOf(120))).toBe(true);
  });
});

describe('simulator server', () => {
  let sim: RjrSimulator;
  beforeAll(async () => {
    sim = await startRjrSimulator({ seed: 'server', outlets: 2000, promotionsPerOutlet: 200, baseDate: BASE });
  });
  afterAll(() => sim.close());

  const post = (path: string, body: unknown) =>
    fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const token = (form: Record<string, string>) =>
    fetch(`${sim.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });

  it('serves 2,000 outlets × 200 promotions lazily, any outlet on demand', async () => {
    const client = new RjrClient({ baseUrl: sim.url, pageSize: 100 });
    const last = sim.outletIds(1999, 1)[0]!;
    expect(last).toBe('7002000');
    const result = await client.fetchPromotions({ kind: 'single_store', outletId: last, ...SIM_PROVIDER_CLIENT }, last, BASE);
    expect(result.promotions).toHaveLength(200);
    expect(result.pages).toBe(2);
  });

  it('issues tokens only for the configured clients and refuses a bad secret with 401', async () => {
    const ok = await token({ grant_type: 'client_credentials', client_id: SIM_CHAIN_CLIENT.clientId, client_secret: SIM_CHAIN_CLIENT.clientSecret });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600, access_token: expect.any(String) });
    const bad = await token({ grant_type: 'client_credentials', client_id: SIM_CHAIN_CLIENT.clientId, client_secret: 'guess' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
    expect((await token({ grant_type: 'password', client_id: 'x', client_secret: 'y' })).status).toBe(400);
  });

  it('refuses promotions without a valid token and unknown outlets with 403', async () => {
    expect((await fetch(`${sim.url}/discount/v1/outlets/7000001/promotions?asOf=${BASE}`)).status).toBe(401);
    const t = (await (
      await token({ grant_type: 'client_credentials', client_id: SIM_PROVIDER_CLIENT.clientId, client_secret: SIM_PROVIDER_CLIENT.clientSecret })
    ).json()) as { access_token: string };
    const res = await fetch(`${sim.url}/discount/v1/outlets/9999999/promotions?asOf=${BASE}`, { headers: { authorization: `Bearer ${t.access_token}` } });
    expect(res.status).toBe(403);
    const bad = await fetch(`${sim.url}/discount/v1/outlets/7000001/promotions?asOf=${BASE}&pageSize=5000`, {
      headers: { authorization: `Bearer ${t.access_token}` },
    });
    expect(bad.status).toBe(400);
  });

  it('switches faults over HTTP and clears them', async () => {
    const set = await post('/_sim/faults', { serverErrors: { times: 2, status: 502 }, forbidOutlets: [{ outletId: '7000005', reason: 'revoked' }] });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ faults: { serverErrors: { remaining: 2, status: 502 }, forbiddenOutlets: { '7000005': 'revoked' } } });
    expect((await post('/_sim/faults', { serverErrors: { times: 'many' } })).status).toBe(400);
    const cleared = await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
    expect(await cleared.json()).toMatchObject({ faults: { serverErrors: null, forbiddenOutlets: {} } });
  });

  it('a fault set over HTTP reaches the client: 403 for an outlet', async () => {
    await post('/_sim/faults', { forbidOutlets: [{ outletId: '7000005' }] });
    const client = new RjrClient({ baseUrl: sim.url });
    await expect(client.fetchPromotions({ kind: 'chain', ...SIM_CHAIN_CLIENT }, '7000005', BASE)).rejects.toMatchObject({ code: 'enrollment_broken' });
    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
  });

  it('advances the simulated day over HTTP and lists outlets', async () => {
    const before = sim.feed('7000010');
    const res = await post('/_sim/day', { advance: 3 });
    expect(await res.json()).toMatchObject({ day: 3, date: '2026-12-04' });
    expect(sim.day).toBe(3);
    expect(sim.feed('7000010')).not.toEqual(before);
    sim.setDay(0);
    expect(sim.feed('7000010')).toEqual(before);
    const outlets = (await (await fetch(`${sim.url}/_sim/outlets?offset=10&limit=2`)).json()) as { outletIds: string[]; total: number };
    expect(outlets).toEqual({ outletIds: ['7000011', '7000012'], total: 2000 });
  });
});

describe('runSimulatorCli', () => {
  it('starts the simulator and prints its URL, credentials and admin endpoints', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (b: Buffer) => (text += b.toString()));
    const sim = await runSimulatorCli({ port: '0', seed: 'cli', outlets: '3', baseDate: BASE }, out);
    try {
      expect(text).toContain(`RJR Discount API simulator on ${sim.url}`);
      expect(text).toContain('7000001 … 7000003');
      expect(text).toContain('/discount/v1/outlets/{outletId}/promotions');
      expect(text).toContain(`client_id=${SIM_PROVIDER_CLIENT.clientId}`);
      expect(text).toContain('/_sim/faults');
    } finally {
      await sim.close();
    }
    await expect(runSimulatorCli({ port: 'x' }, out)).rejects.toThrow('--port must be a number');
  });
});
