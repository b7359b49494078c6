import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SyncRun } from '../../src/app/cstore/model.ts';
import { ENGINES } from '../support/engines.ts';
import { type CstoreHarness, cstoreHarness, snapshot } from '../support/cstore.ts';

/**
 * Every simulator fault, seen from the operator's side: the sync-run record (status, error code,
 * message) and the location's review queue, register and batches, which must come out exactly as
 * they went in whenever the run fails.
 */
describe.each(ENGINES)('RJR sync faults on %s', (engine) => {
  let h: CstoreHarness;
  let loc: string;
  let outlet: string;
  beforeAll(async () => {
    h = await cstoreHarness(engine);
    loc = await h.pilotLocation();
    outlet = ((await h.api('GET', `/admin/v1/cstore/locations/${loc}`)).json() as { outletIds: { rjr: string } }).outletIds.rjr;
    // Some promotions accepted (on the register, in a batch), the rest pending.
    await sync();
    const queue = (await h.api('GET', `/admin/v1/cstore/locations/${loc}/changes`)).json() as { id: string }[];
    const acc = await h.api('POST', `/admin/v1/cstore/locations/${loc}/changes/accept`, { changeIds: queue.slice(0, 10).map((c) => c.id) });
    expect(acc.statusCode).toBe(200);
    h.nextDay();
  });
  beforeEach(() => {
    h.sim.faults.clear();
    h.sim.resetStats();
  });
  afterAll(() => h.close());

  async function sync(): Promise<SyncRun> {
    const r = await h.api('POST', `/admin/v1/cstore/locations/${loc}/sync`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as SyncRun;
  }
  const lastRun = async () => ((await h.api('GET', `/admin/v1/cstore/locations/${loc}/sync-runs?limit=1`)).json() as SyncRun[])[0]!;

  /** A failed run changes nothing but the sync log; the operator reads why in the run. */
  async function expectFailureLosesNothing(code: string, message: RegExp): Promise<SyncRun> {
    const before = await snapshot(h, loc);
    const run = await sync();
    expect(run).toMatchObject({ status: 'failed', errorCode: code, added: 0, modified: 0, ended: 0 });
    expect(run.error).toMatch(message);
    expect(await lastRun()).toEqual(run);
    expect(await snapshot(h, loc)).toEqual(before);
    expect(before.register.length).toBe(10);
    expect(before.changes.filter((c) => c.status === 'pending').length).toBeGreaterThan(0);
    return run;
  }

  it('an expired token: refreshed once, the run succeeds', async () => {
    h.sim.faults.expireTokens();
    const run = await sync();
    expect(run.status).toBe('succeeded');
    expect(h.sim.stats().statuses['401']).toBeGreaterThanOrEqual(1);
    expect(h.sim.stats().tokensIssued).toBe(1);
  });

  it('429 with Retry-After: waits and succeeds; beyond the retry budget the run fails as unavailable', async () => {
    h.sim.faults.rateLimit({ times: 1, retryAfterSeconds: 1 });
    expect((await sync()).status).toBe('succeeded');
    expect(h.sim.stats().statuses['429']).toBe(1);
    h.sim.faults.rateLimit({ times: 10, retryAfterSeconds: 1 });
    await expectFailureLosesNothing('unavailable', /429/);
  });

  it('500s: retried with backoff; when they persist the run fails and nothing changes', async () => {
    h.sim.faults.serverErrors({ times: 2 });
    expect((await sync()).status).toBe('succeeded');
    h.sim.faults.serverErrors({ times: 50, status: 503 });
    await expectFailureLosesNothing('unavailable', /HTTP 503/);
  });

  it('slow answers: past the per-request timeout on every attempt, the run fails', async () => {
    h.sim.faults.slow({ delayMs: 60_000, times: 3 });
    await expectFailureLosesNothing('unavailable', /no answer within/);
  });

  it('a malformed page fails the whole run: no half feed is diffed', async () => {
    h.sim.faults.malformedPage({ page: 1, outletId: outlet });
    await expectFailureLosesNothing('malformed_response', /not valid JSON/);
  });

  it('bad records are rejected one by one with their reason; the rest are kept', async () => {
    h.sim.faults.invalidRecords({ count: 4, outletId: outlet });
    const run = await sync();
    expect(run).toMatchObject({ status: 'succeeded', rejected: 4 });
    const detail = (await h.api('GET', `/admin/v1/cstore/sync-runs/${run.id}`)).json() as { rejectedRecords: { externalId: string | null; reason: string }[] };
    expect(detail.rejectedRecords).toHaveLength(4);
    expect(detail.rejectedRecords.map((r) => r.reason).join('\n')).toMatch(/check digit/i);
    h.sim.faults.clear();
  });

  it('403 for the outlet: the enrollment is marked broken with the reason, later syncs are skipped until fixed', async () => {
    h.sim.faults.forbidOutlet(outlet, 'Outlet revoked provider access');
    const run = await expectFailureLosesNothing('enrollment_broken', /Outlet revoked provider access/);
    expect(h.sim.stats().promotionRequests).toBe(1); // never retried
    const shown = (await h.api('GET', `/admin/v1/cstore/locations/${loc}`)).json() as { enrollmentError: string | null };
    expect(shown.enrollmentError).toMatch(/Outlet revoked provider access/);
    h.sim.faults.allowOutlet(outlet);
    const skipped = await sync();
    expect(skipped).toMatchObject({ status: 'skipped', errorCode: 'enrollment_broken' });
    expect(skipped.error).toMatch(/refuses this outlet/);
    expect(h.sim.stats().promotionRequests).toBe(1);
    // Saving the enrollment again (the operator fixed it with RJR) clears the mark.
    const again = await h.api('PUT', `/admin/v1/cstore/programs/${h.programId}/enrollments/rjr`, { mode: 'chain' });
    expect(again.statusCode, again.body).toBe(200);
    expect((await sync()).status).toBe('succeeded');
    expect(run.id).not.toBe(skipped.id);
  });

  it('an expired license stops the sync and says so', async () => {
    await h.db.kysely
      .updateTable('scan_data_licenses')
      .set({ expires_at: '2026-11-30T00:00:00.000Z', starts_at: '2025-11-30T00:00:00.000Z' })
      .where('location_id', '=', loc)
      .execute();
    const before = await snapshot(h, loc);
    const run = await sync();
    expect(run).toMatchObject({ status: 'skipped', errorCode: 'license_expired' });
    expect(run.error).toMatch(/Scan Data license expired 2026-11-30/);
    expect(h.sim.stats().promotionRequests).toBe(0);
    expect(await snapshot(h, loc)).toEqual(before);
    const shown = (await h.api('GET', `/admin/v1/cstore/locations/${loc}`)).json() as { license: { state: string } };
    expect(shown.license.state).toBe('expired');
  });
});
