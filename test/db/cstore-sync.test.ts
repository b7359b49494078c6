import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncRun } from '../../src/app/cstore/model.ts';
import { loadSecretKey } from '../../src/lib/secret-key.ts';
import { createCstore } from '../../src/server.ts';
import { ENGINES } from '../support/engines.ts';
import { type CstoreHarness, cstoreHarness, snapshot } from '../support/cstore.ts';

describe.each(ENGINES)('RJR daily sync on %s', (engine) => {
  let h: CstoreHarness;
  beforeAll(async () => {
    h = await cstoreHarness(engine);
  });
  afterAll(() => h.close());

  const sync = async (locationId: string): Promise<SyncRun> => {
    const r = await h.api('POST', `/admin/v1/cstore/locations/${locationId}/sync`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as SyncRun;
  };
  const pending = async (locationId: string) =>
    (await h.api('GET', `/admin/v1/cstore/locations/${locationId}/changes`)).json() as {
      id: string;
      kind: string;
      externalId: string;
      before: unknown;
      after: { amountCents: number } | null;
    }[];

  it('queues one add per live promotion of the feed, with a sync-run record', async () => {
    const loc = await h.pilotLocation();
    const run = await sync(loc);
    const outlet = ((await h.api('GET', `/admin/v1/cstore/locations/${loc}`)).json() as { outletIds: { rjr: string } }).outletIds.rjr;
    const live = h.sim.feed(outlet).filter((r) => r.status === 'ACTIVE' && r.endDate >= h.sim.date());
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'api', asOf: '2026-12-01', added: live.length, modified: 0, ended: 0, rejected: 0, error: null });
    expect(run.pages).toBeGreaterThanOrEqual(1);
    const queue = await pending(loc);
    expect(queue).toHaveLength(live.length);
    expect(new Set(queue.map((c) => c.externalId))).toEqual(new Set(live.map((r) => r.promotionId)));
    expect(queue.every((c) => c.kind === 'add' && c.before === null)).toBe(true);
  });

  it('adds nothing when run again on the same data', async () => {
    const loc = await h.pilotLocation();
    const first = await sync(loc);
    const before = await snapshot(h, loc);
    const again = await sync(loc);
    expect(first.added).toBeGreaterThan(0);
    expect(again).toMatchObject({ status: 'succeeded', added: 0, modified: 0, ended: 0, superseded: 0 });
    expect(await snapshot(h, loc)).toEqual(before);
  });

  it('turns the next day’s feed into modify and end changes against what was accepted', async () => {
    const loc = await h.pilotLocation();
    await sync(loc);
    const acc = await h.api('POST', `/admin/v1/cstore/locations/${loc}/changes/accept`, { all: true });
    expect(acc.statusCode, acc.body).toBe(200);
    const register = (await h.api('GET', `/admin/v1/cstore/locations/${loc}/register`)).json() as { promotion: { externalId: string } }[];
    expect(register.length).toBeGreaterThan(0);
    // Walk forward until the feed has changed enough to show every kind of change.
    const kinds = new Set<string>();
    for (let i = 0; i < 6 && kinds.size < 3; i++) {
      h.nextDay();
      const run = await sync(loc);
      expect(run.status).toBe('succeeded');
      for (const c of await pending(loc)) kinds.add(c.kind);
      const all = await h.api('POST', `/admin/v1/cstore/locations/${loc}/changes/accept`, { all: true });
      expect([200, 409]).toContain(all.statusCode);
    }
    expect(kinds).toEqual(new Set(['add', 'modify', 'end']));
    // The register now mirrors the live feed of the day.
    const outlet = ((await h.api('GET', `/admin/v1/cstore/locations/${loc}`)).json() as { outletIds: { rjr: string } }).outletIds.rjr;
    const live = h.sim.feed(outlet).filter((r) => r.status === 'ACTIVE' && r.endDate >= h.sim.date());
    const now = (await h.api('GET', `/admin/v1/cstore/locations/${loc}/register`)).json() as { promotion: { externalId: string } }[];
    expect(new Set(now.map((e) => e.promotion.externalId))).toEqual(new Set(live.map((r) => r.promotionId)));
  });

  it('accepts at once at an auto-accepting location, with a batch on the run', async () => {
    const loc = await h.pilotLocation({ autoAccept: true, posSystem: 'other' });
    const run = await sync(loc);
    expect(run.batchId).toBeTruthy();
    expect(await pending(loc)).toHaveLength(0);
    const batches = (await h.api('GET', `/admin/v1/cstore/locations/${loc}/batches`)).json() as {
      id: string;
      acceptedBy: string;
      format: string;
      changeCount: number;
    }[];
    expect(batches).toEqual([expect.objectContaining({ id: run.batchId, acceptedBy: 'auto-accept', format: 'json', changeCount: run.added })]);
  });

  it('fails the run, changing nothing, when the secret key no longer opens the stored credentials', async () => {
    const loc = await h.pilotLocation();
    const before = await snapshot(h, loc);
    const rekeyed = createCstore(h.db, undefined, {
      ...h.cstore.deps,
      config: { ...h.cstore.deps.config, secrets: loadSecretKey({ keyText: 'b'.repeat(64), production: false }).box },
    });
    const run = await rekeyed.syncLocation(loc, { trigger: 'api' });
    expect(run).toMatchObject({ status: 'failed', errorCode: 'credentials_unreadable' });
    expect(await snapshot(h, loc)).toEqual(before);
  });
});
