import type { FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/adapters/http/app.ts';
import { Metrics } from '../../src/adapters/http/metrics.ts';
import { createRjrConnector } from '../../src/adapters/manufacturers/rjr/rjr.connector.ts';
import { AdminAuthService } from '../../src/app/admin-auth.service.ts';
import { LoyaltyService } from '../../src/app/loyalty.service.ts';
import type { ManufacturerConnector } from '../../src/app/ports/manufacturer-connector.ts';
import { loadConfig } from '../../src/config.ts';
import { createCstore } from '../../src/server.ts';
import { type AdminClient, login } from '../support/admin.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { type FakeRjrApi, startFakeRjrApi, upcA } from '../support/fake-rjr-api.ts';
import { seededRandom } from '../support/fixtures.ts';

/**
 * The seed's process (../shared/seeds/cstoreoffice-rjr-discount-api.txt) run from an empty
 * database, through the admin and agent APIs only, against an RJR Discount API written apart from
 * Tillpoint's simulator: create the chain, enroll, license, pilot one location, sync, review and
 * accept, let the register apply it, roll out — and on the second day a record the connector
 * rejects (a bad UPC check digit) for a promotion already on the register.
 */

const GOOD_UPC = upcA('01234567890');
const OTHER_UPC = upcA('07310000001');
/** a UPC whose check digit is wrong */
const BAD_UPC = GOOD_UPC.slice(0, 11) + String((Number(GOOD_UPC[11]) + 1) % 10);

const buydown = (over: Record<string, unknown> = {}) => ({
  promotionId: 'RJ-BD-1',
  promotionType: 'BUYDOWN',
  description: 'Camel Blue $0.50 off',
  brand: 'Camel',
  upcs: [GOOD_UPC],
  startDate: '2026-11-01',
  endDate: '2027-06-30',
  discountAmount: '0.50',
  status: 'ACTIVE',
  lastModified: '2026-11-01T00:00:00Z',
  ...over,
});
const multipack = (over: Record<string, unknown> = {}) => ({
  promotionId: 'RJ-MM-2',
  promotionType: 'MIX_AND_MATCH',
  description: 'Grizzly buy 2 save $1.00',
  brand: 'Grizzly',
  upcs: [OTHER_UPC],
  startDate: '2026-11-15',
  endDate: '2027-03-31',
  discountAmount: '1.00',
  quantity: 2,
  maxPerTransaction: 3,
  status: 'ACTIVE',
  ...over,
});

describe.each(ENGINES)('a c-store chain from an empty database against an independent RJR API on %s', (engine) => {
  let db: TestDb;
  let rjr: FakeRjrApi;
  let app: FastifyInstance;
  let admin: AdminClient;
  let now = new Date('2026-12-01T15:00:00.000Z');
  const A = '/cstore';
  let programId = '';
  const loc = { pilot: '', second: '', unlicensed: '' };
  let agentToken = '';

  const agent = (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url: `/agent/v1${url}`, headers: { authorization: `Bearer ${agentToken}` }, ...(payload ? { payload } : {}) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const ok = async <T = any>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown, status = 200): Promise<T> => {
    const r = await admin.call<T>(method, url, body);
    expect(r.status, `${method} ${url}: ${r.text}`).toBe(status);
    return r.body;
  };

  beforeAll(async () => {
    db = await openTestDb(engine);
    rjr = await startFakeRjrApi(
      { clientId: 'chain-client', clientSecret: 'chain-secret-value', accountNumber: 'ACCT-9001' },
      { clientId: 'platform-provider', clientSecret: 'platform-provider-secret' },
    );
    const connectors = new Map<string, ManufacturerConnector>();
    const cstore = createCstore(db, loadConfig({}, { TILLPOINT_SECRET_KEY: 'b'.repeat(64) }), {
      clock: () => (now = new Date(now.getTime() + 1)),
      connectorFor: (baseUrl) => {
        let c = connectors.get(baseUrl);
        if (!c)
          connectors.set(
            baseUrl,
            (c = createRjrConnector({ baseUrl, provider: rjr.provider, sleep: async () => {}, timeoutMs: 2000, maxRetries: 1, pageSize: 1 })),
          );
        return c;
      },
    });
    app = await buildApp({
      db,
      cstore,
      secrets: cstore.deps.config.secrets,
      loyalty: new LoyaltyService({ db, randomIndex: seededRandom(), publicUrl: 'http://tillpoint.test' }),
      adminAuth: new AdminAuthService(db.kysely),
      metrics: new Metrics(),
      version: 'test',
      logger: false,
    });
    await new AdminAuthService(db.kysely).createUser({
      email: 'owner@chain.test',
      name: 'Owner',
      password: 'chain owner password',
      role: 'owner',
      programIds: '*',
    });
    admin = await login(app, 'owner@chain.test', 'chain owner password');
  });
  afterAll(async () => {
    await app?.close();
    await rjr?.close();
    await db?.drop();
  });

  it('creates the chain without loyalty settings, enrolls it and sets up three locations', async () => {
    const program = await ok<{ id: string; currency: string; earnRateMilli: number }>('POST', '/programs', { slug: 'kwik-chain', name: 'Kwik Chain' }, 201);
    expect(program).toMatchObject({ currency: 'USD', earnRateMilli: 0 });
    programId = program.id;
    await ok('PUT', `${A}/programs/${programId}/enrollments/rjr`, {
      mode: 'chain',
      accountNumber: rjr.client.accountNumber,
      clientId: rjr.client.clientId,
      clientSecret: rjr.client.clientSecret,
      baseUrl: rjr.url,
    });

    const location = (name: string, outlet: string, extra: object = {}) =>
      ok<{ id: string }>(
        'POST',
        `${A}/programs/${programId}/locations`,
        { name, address: '1 Main St', timeZone: 'America/Chicago', posSystem: 'passport', outletIds: { rjr: outlet }, ...extra },
        201,
      );
    const pilot = await location('Kwik #42', 'OUT-42', { registerStoreId: '0042', registerIds: 'numeric', registerIdStart: 500 });
    expect(pilot).toMatchObject({ registerStoreId: '0042', registerIds: 'numeric', registerIdStart: 500, register: { status: 'no_batches' }, lastSync: null });
    loc.pilot = pilot.id;
    loc.second = (await location('Kwik #43', 'OUT-43', { posSystem: 'other' })).id;
    loc.unlicensed = (await location('Kwik #44', 'OUT-44')).id;
    const bad = await admin.call('PATCH', `${A}/locations/${loc.second}`, { registerIds: 'letters' });
    expect(bad.status).toBe(400);
    expect((await admin.call('PATCH', `${A}/locations/${loc.second}`, { registerStoreId: 'no spaces allowed' })).status).toBe(400);

    const licenses = await ok<{ id: string }[]>('POST', `${A}/programs/${programId}/licenses`, { term: '1y', count: 2 }, 201);
    await ok('POST', `${A}/licenses/${licenses[0]!.id}/assign`, { locationId: loc.pilot });
    await ok('POST', `${A}/licenses/${licenses[1]!.id}/assign`, { locationId: loc.second });
    await ok('POST', `${A}/locations/${loc.pilot}/status`, { status: 'pilot' });
    agentToken = (await ok<{ token: string }>('POST', `${A}/locations/${loc.pilot}/agent-token`, undefined, 201)).token;
  });

  it('answers 404 for an unknown program on every c-store program route', async () => {
    for (const [method, url] of [
      ['GET', `${A}/programs/no-such-program/locations`],
      ['GET', `${A}/programs/no-such-program/licenses`],
      ['GET', `${A}/programs/no-such-program/enrollments/rjr`],
      ['GET', `${A}/programs/no-such-program/rollout`],
      ['POST', `${A}/programs/no-such-program/rollout`],
    ] as const) {
      const r = await admin.call(method, url);
      expect([r.status, r.body], `${method} ${url}`).toEqual([404, expect.objectContaining({ code: 'NotFound' })]);
    }
  });

  it('refuses roll-out, saying why, until the pilot synced', async () => {
    const r = await admin.call('POST', `${A}/programs/${programId}/rollout`);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'PilotNotReady', details: { blockers: [{ locationId: loc.pilot, code: 'pilot_not_synced' }] } });
  });

  it('day 1: syncs the pilot, refuses roll-out while changes wait, accepts with the register’s own ids', async () => {
    rjr.setFeed('OUT-42', [buydown(), multipack()]);
    const run = await ok('POST', `${A}/locations/${loc.pilot}/sync`);
    expect(run).toMatchObject({ status: 'succeeded', added: 2, rejected: 0, pages: 2 });
    expect(rjr.calls.filter((c) => c.outletId === 'OUT-42').map((c) => c.query.asOf)).toEqual(['2026-12-01', '2026-12-01']);

    const waiting = await admin.call('POST', `${A}/programs/${programId}/rollout`);
    expect(waiting.body).toMatchObject({ code: 'PilotNotReady', details: { blockers: [{ code: 'pilot_changes_pending' }] } });

    const { batch } = await ok<{ batch: { id: string; seq: number } }>('POST', `${A}/locations/${loc.pilot}/changes/accept`, { all: true });
    const file = await admin.call('GET', `${A}/batches/${batch.id}/content`);
    const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(file.text)['NAXML-MaintenanceRequest'];
    expect(String(doc.TransmissionHeader.StoreLocationID)).toBe('0042');
    const mmt = [doc.MixMatchMaintenance.MMTDetail].flat() as { Promotion: { PromotionID: number }; ItemListID: number; MixMatchDescription: string }[];
    expect(mmt.map((m) => [m.MixMatchDescription, String(m.Promotion.PromotionID), String(m.ItemListID)])).toEqual([
      ['Camel Blue $0.50 off', '500', '500'],
      ['Grizzly buy 2 save $1.00', '501', '501'],
    ]);
    // registerIds is fixed once the register files promotions under them
    expect((await admin.call('PATCH', `${A}/locations/${loc.pilot}`, { registerIds: 'manufacturer' })).status).toBe(409);

    const view = await ok(`GET`, `${A}/locations/${loc.pilot}`);
    expect(view.register).toMatchObject({ status: 'waiting', lastBatchSeq: 1, lastAppliedAt: null, unappliedBatches: 1 });
    const notApplied = await admin.call('POST', `${A}/programs/${programId}/rollout`);
    expect(notApplied.body).toMatchObject({ code: 'PilotNotReady', details: { blockers: [{ code: 'pilot_batch_not_applied' }] } });
    expect((await ok(`GET`, `${A}/programs/${programId}/rollout`)).ready).toBe(false);

    expect((await agent('GET', `/batches/${batch.id}`)).statusCode).toBe(200);
    expect((await agent('POST', `/batches/${batch.id}/ack`, { status: 'success' })).json().state).toBe('acknowledged');
    const applied = await ok(`GET`, `${A}/locations/${loc.pilot}`);
    expect(applied.register).toMatchObject({ status: 'up_to_date', lastAppliedSeq: 1, unappliedBatches: 0 });
    expect(applied.register.lastAppliedAt).toMatch(/^2026-12-01T/);
    expect(applied.register.label).toMatch(/up to date/);
    expect(await ok(`GET`, `${A}/programs/${programId}/rollout`)).toEqual({ ready: true, pilot: [loc.pilot], blockers: [] });
  });

  it('day 2: a record rejected for a bad UPC keeps the register’s copy and is listed for the manager', async () => {
    now = new Date('2026-12-02T15:00:00.000Z');
    rjr.setFeed('OUT-42', [buydown({ upcs: [BAD_UPC], lastModified: '2026-12-02T00:00:00Z' }), multipack({ discountAmount: '1.25' })]);
    const run = await ok('POST', `${A}/locations/${loc.pilot}/sync`);
    expect(run).toMatchObject({ status: 'succeeded', asOf: '2026-12-02', added: 0, modified: 1, ended: 0, rejected: 1 });

    const pending = await ok<{ kind: string; externalId: string }[]>('GET', `${A}/locations/${loc.pilot}/changes`);
    expect(pending.map((c) => [c.kind, c.externalId])).toEqual([['modify', 'RJ-MM-2']]);
    const register = await ok<{ promotion: { externalId: string; upcs: string[] } }[]>('GET', `${A}/locations/${loc.pilot}/register`);
    expect(register.find((e) => e.promotion.externalId === 'RJ-BD-1')?.promotion.upcs).toEqual([GOOD_UPC]);

    const listed = await ok('GET', `${A}/locations/${loc.pilot}/rejected-records`);
    expect(listed).toMatchObject({ syncRunId: run.id, asOf: '2026-12-02', total: 1 });
    expect(listed.records).toEqual([
      expect.objectContaining({ externalId: 'RJ-BD-1', onRegister: true, effect: 'kept_on_register', reason: expect.stringMatching(/check digit/) }),
    ]);
    expect(listed.records[0].label).toMatch(/keeps its current copy/);
    expect((await ok(`GET`, `${A}/locations/${loc.pilot}`)).lastSync).toMatchObject({ runId: run.id, status: 'succeeded', rejected: 1 });

    // The same bad record again tomorrow still ends nothing; the manager accepts the real change.
    const again = await ok('POST', `${A}/locations/${loc.pilot}/sync`);
    expect(again).toMatchObject({ status: 'succeeded', added: 0, modified: 0, ended: 0, rejected: 1 });
    const { batch } = await ok<{ batch: { id: string; summary: object } }>('POST', `${A}/locations/${loc.pilot}/changes/accept`, { all: true });
    expect(batch.summary).toEqual({ add: 0, modify: 1, end: 0 });
    const file = await admin.call('GET', `${A}/batches/${batch.id}/content`);
    const mmt = new XMLParser({ parseTagValue: false }).parse(file.text)['NAXML-MaintenanceRequest'].MixMatchMaintenance.MMTDetail;
    expect(String(mmt.Promotion.PromotionID)).toBe('501'); // the same register record as on day 1
    await agent('GET', `/batches/${batch.id}`);
    await agent('POST', `/batches/${batch.id}/ack`, { status: 'success' });

    // Once the record is readable again and unchanged, there is nothing to do.
    rjr.setFeed('OUT-42', [buydown({ lastModified: '2026-12-02T00:00:00Z' }), multipack({ discountAmount: '1.25' })]);
    expect(await ok('POST', `${A}/locations/${loc.pilot}/sync`)).toMatchObject({ added: 0, modified: 0, ended: 0, rejected: 0 });
    // A record without a readable id could be any promotion: nothing merely missing is ended that day.
    rjr.setFeed('OUT-42', [multipack({ discountAmount: '1.25' }), { promotionType: 'BUYDOWN', description: 'id lost on the way' }]);
    expect(await ok('POST', `${A}/locations/${loc.pilot}/sync`)).toMatchObject({ ended: 0, rejected: 1 });
    expect((await ok('GET', `${A}/locations/${loc.pilot}/rejected-records`)).records).toEqual([
      expect.objectContaining({ externalId: null, effect: 'unidentified' }),
    ]);
    // And a promotion really gone from the feed is still ended.
    rjr.setFeed('OUT-42', [multipack({ discountAmount: '1.25' })]);
    expect(await ok('POST', `${A}/locations/${loc.pilot}/sync`)).toMatchObject({ ended: 1 });
    await ok('POST', `${A}/locations/${loc.pilot}/changes/reject`, {
      changeIds: (await ok<{ id: string }[]>('GET', `${A}/locations/${loc.pilot}/changes`)).map((c) => c.id),
      reason: 'keep it for the test',
    });
  });

  it('rolls out once the pilot was reviewed, accepted and applied', async () => {
    const out = await ok('POST', `${A}/programs/${programId}/rollout`);
    expect(out.turnedLive.sort()).toEqual([loc.pilot, loc.second].sort());
    expect(out.skipped).toEqual([expect.objectContaining({ locationId: loc.unlicensed, reason: 'no Scan Data license assigned' })]);
  });

  it('retries one location after RJR refused its outlet, without saving the enrollment again', async () => {
    rjr.setFeed('OUT-43', [buydown()]);
    rjr.forbid('OUT-43');
    const refused = await ok('POST', `${A}/locations/${loc.second}/sync`);
    expect(refused).toMatchObject({ status: 'failed', errorCode: 'enrollment_broken' });
    expect((await ok('GET', `${A}/locations/${loc.second}`)).enrollmentError).toMatch(/not authorized/);
    expect(await ok('POST', `${A}/locations/${loc.second}/sync`)).toMatchObject({ status: 'skipped', errorCode: 'enrollment_broken' });
    // the other locations of the chain are not affected
    expect(await ok('POST', `${A}/locations/${loc.pilot}/sync`)).toMatchObject({ status: 'succeeded' });

    rjr.allow('OUT-43');
    const retried = await ok('POST', `${A}/locations/${loc.second}/retry-outlet`);
    expect(retried).toMatchObject({ cleared: true, run: { status: 'succeeded', added: 1 } });
    const view = await ok('GET', `${A}/locations/${loc.second}`);
    expect(view).toMatchObject({ enrollmentError: null, pendingChanges: 1, lastSync: { status: 'succeeded' } });
    expect((await ok('GET', `${A}/programs/${programId}/enrollments/rjr`)).status).toBe('ok');
  });

  it('retries a single-store outlet RJR refused: the enrollment is usable again without being re-entered', async () => {
    const solo = await ok<{ id: string }>('POST', '/programs', { slug: 'solo-store', name: 'Solo Store' }, 201);
    await ok('PUT', `${A}/programs/${solo.id}/enrollments/rjr`, {
      mode: 'single',
      outletId: 'OUT-77',
      outletName: 'Solo',
      email: 'owner@solo.test',
      baseUrl: rjr.url,
    });
    const store = await ok<{ id: string }>(
      'POST',
      `${A}/programs/${solo.id}/locations`,
      { name: 'Solo', address: '7 Elm St', timeZone: 'America/Denver', posSystem: 'other' },
      201,
    );
    const [lic] = await ok<{ id: string }[]>('POST', `${A}/programs/${solo.id}/licenses`, { term: '1m' }, 201);
    await ok('POST', `${A}/licenses/${lic!.id}/assign`, { locationId: store.id });
    await ok('POST', `${A}/locations/${store.id}/status`, { status: 'pilot' });
    rjr.setFeed('OUT-77', [buydown()]);
    rjr.forbid('OUT-77', 'single store enrollment revoked');
    expect(await ok('POST', `${A}/locations/${store.id}/sync`)).toMatchObject({ status: 'failed', errorCode: 'enrollment_broken' });
    expect(await ok('GET', `${A}/programs/${solo.id}/enrollments/rjr`)).toMatchObject({ status: 'broken' });
    rjr.allow('OUT-77');
    expect(await ok('POST', `${A}/locations/${store.id}/retry-outlet`)).toMatchObject({ cleared: true, run: { status: 'succeeded', added: 1 } });
    expect(await ok('GET', `${A}/programs/${solo.id}/enrollments/rjr`)).toMatchObject({ status: 'ok', outletId: 'OUT-77' });
    // nothing to clear: the sync simply runs
    expect(await ok('POST', `${A}/locations/${store.id}/retry-outlet`)).toMatchObject({ cleared: false, run: { status: 'succeeded', added: 0 } });
  });
});
