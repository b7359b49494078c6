import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAuthService } from '../../src/app/admin-auth.service.ts';
import type { Batch, Change, SyncRun } from '../../src/app/cstore/model.ts';
import type { Promotion } from '../../src/domain/promotions/promotion.ts';
import { ENGINES } from '../support/engines.ts';
import { CHAIN, type CstoreHarness, cstoreHarness, snapshot } from '../support/cstore.ts';

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  isArray: (n) => ['ILTDetail', 'ItemListEntry', 'MMTDetail'].includes(n),
});

describe.each(ENGINES)('c-store admin and agent API on %s', (engine) => {
  let h: CstoreHarness;
  beforeAll(async () => {
    h = await cstoreHarness(engine);
  });
  afterAll(() => h.close());

  const base = '/admin/v1/cstore';
  const auditCount = async () =>
    Number(
      (
        await h.db.kysely
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const pending = async (loc: string) => (await h.api('GET', `${base}/locations/${loc}/changes`)).json() as Change[];
  const sync = async (loc: string) => (await h.api('POST', `${base}/locations/${loc}/sync`)).json() as SyncRun;
  const newLocation = async (name: string, posSystem = 'passport') => {
    const r = await h.api('POST', `${base}/programs/${h.programId}/locations`, {
      name,
      address: '2 Elm St',
      timeZone: 'America/Chicago',
      posSystem,
      outletIds: { rjr: h.sim.outletIds(7, 1)[0] },
    });
    expect(r.statusCode, r.body).toBe(201);
    return (r.json() as { id: string }).id;
  };

  describe('locations and licenses', () => {
    it('refuses a location with a bad time zone or POS system, naming the field', async () => {
      const r = await h.api('POST', `${base}/programs/${h.programId}/locations`, { name: 'X', address: 'Y', timeZone: 'Mars/Olympus', posSystem: 'passport' });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ code: 'ValidationError', details: { field: 'timeZone' } });
      const p = await h.api('POST', `${base}/programs/${h.programId}/locations`, { name: 'X', address: 'Y', timeZone: 'America/Chicago', posSystem: 'ruby' });
      expect(p.statusCode).toBe(400);
    });

    it('assigns a license once: again, or to a second location, is 409 and writes nothing', async () => {
      const a = await newLocation('License A');
      const b = await newLocation('License B');
      const bought = (await h.api('POST', `${base}/programs/${h.programId}/licenses`, { term: '1m', count: 2 })).json() as { id: string; state: string }[];
      expect(bought.map((l) => l.state)).toEqual(['unassigned', 'unassigned']);
      const lic = bought[0]!.id;
      const ok = await h.api('POST', `${base}/licenses/${lic}/assign`, { locationId: a });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ state: 'active', locationId: a });
      const audits = await auditCount();
      const rows = await h.db.kysely.selectFrom('scan_data_licenses').selectAll().orderBy('id').execute();
      const twice = await h.api('POST', `${base}/licenses/${lic}/assign`, { locationId: a });
      expect(twice.statusCode).toBe(409);
      expect(twice.json()).toMatchObject({ code: 'LicenseAlreadyAssigned' });
      const second = await h.api('POST', `${base}/licenses/${lic}/assign`, { locationId: b });
      expect(second.statusCode).toBe(409);
      expect(second.json().message).toMatch(/another location/);
      expect(await auditCount()).toBe(audits);
      expect(await h.db.kysely.selectFrom('scan_data_licenses').selectAll().orderBy('id').execute()).toEqual(rows);
      // The second license renews A: it starts when the first one ends.
      const renew = (await h.api('POST', `${base}/licenses/${bought[1]!.id}/assign`, { locationId: a })).json() as { state: string; startsAt: string };
      expect(renew.state).toBe('scheduled');
      expect(renew.startsAt).toBe((ok.json() as { expiresAt: string }).expiresAt);
    });

    it('will not turn on a location without an active license, nor skip the pilot', async () => {
      const c = await newLocation('Unlicensed');
      const r = await h.api('POST', `${base}/locations/${c}/status`, { status: 'pilot' });
      expect(r.statusCode).toBe(409);
      expect(r.json()).toMatchObject({ code: 'NotLicensed' });
      const live = await h.api('POST', `${base}/locations/${c}/status`, { status: 'live' });
      expect(live.json()).toMatchObject({ code: 'InvalidTransition' });
    });
  });

  describe('enrollment', () => {
    it('rejects invalid single-store and chain data with 400 and writes nothing', async () => {
      const audits = await auditCount();
      const cases = [
        { mode: 'single', outletId: '7000001', outletName: 'Main' },
        { mode: 'single', outletId: '7000001', outletName: 'Main', email: 'not-an-email' },
        { mode: 'chain', accountNumber: '700100', clientId: 'x' },
        { mode: 'chain', accountNumber: '700100', clientId: 'x', clientSecret: 'long-enough-secret', outletId: '7000001' },
        { mode: 'franchise' },
      ];
      for (const body of cases) {
        const r = await h.api('PUT', `${base}/programs/${h.programId}/enrollments/rjr`, body);
        expect(r.statusCode, JSON.stringify(body)).toBe(400);
        expect(r.json().code).toBe('ValidationError');
      }
      expect(await auditCount()).toBe(audits);
      expect((await h.api('GET', `${base}/programs/${h.programId}/enrollments/rjr`)).statusCode).toBe(404);
    });

    it('keeps credentials write-only: masked in answers, sealed at rest, in no response and no log line', async () => {
      await h.pilotLocation();
      const shown = (await h.api('GET', `${base}/programs/${h.programId}/enrollments/rjr`)).json();
      expect(shown).toMatchObject({ mode: 'chain', clientSecret: '••••cret', clientId: '••••hain', status: 'ok' });
      const row = await h.db.kysely.selectFrom('manufacturer_enrollments').selectAll().executeTakeFirstOrThrow();
      const audit = await h.db.kysely.selectFrom('audit_log').select(['before', 'after']).execute();
      const loc = await h.pilotLocation();
      await sync(loc);
      for (const text of [JSON.stringify(row), JSON.stringify(audit), h.bodies.join('\n'), h.logs.join('\n')]) {
        expect(text).not.toContain(CHAIN.clientSecret);
        expect(text).not.toContain(CHAIN.clientId);
      }
      expect(h.logs.length).toBeGreaterThan(5);
    });
  });

  describe('review: Accept Changes and Reject', () => {
    let loc: string;
    beforeAll(async () => {
      loc = await h.pilotLocation({ name: 'Review' });
      expect((await sync(loc)).status).toBe('succeeded');
    });

    it('accepts selected changes into one batch and moves the register with them', async () => {
      const queue = await pending(loc);
      const pick = queue.slice(0, 3);
      const r = await h.api('POST', `${base}/locations/${loc}/changes/accept`, { changeIds: pick.map((c) => c.id) });
      expect(r.statusCode, r.body).toBe(200);
      const { batch, replayed } = r.json() as { batch: Batch; replayed: boolean };
      expect(replayed).toBe(false);
      expect(batch).toMatchObject({
        seq: 1,
        state: 'ready',
        format: 'naxml',
        changeCount: 3,
        summary: { add: 3, modify: 0, end: 0 },
        acceptedByName: 'Demo owner',
      });
      const register = (await h.api('GET', `${base}/locations/${loc}/register`)).json() as { promotion: Promotion; batchId: string }[];
      expect(register.map((e) => e.promotion.externalId).sort()).toEqual(pick.map((c) => c.externalId).sort());
      expect((await pending(loc)).length).toBe(queue.length - 3);
    });

    it('refuses a change of another location, or one already accepted, and writes nothing', async () => {
      const other = await h.pilotLocation({ name: 'Other' });
      await sync(other);
      const theirs = (await pending(other))[0]!;
      const mine = (await pending(loc))[0]!;
      const accepted = (await h.api('GET', `${base}/locations/${loc}/changes?status=accepted`)).json() as Change[];
      const before = [await snapshot(h, loc), await snapshot(h, other), await auditCount()];
      const foreign = await h.api('POST', `${base}/locations/${loc}/changes/accept`, { changeIds: [mine.id, theirs.id] });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json()).toMatchObject({ code: 'ChangeNotFound', details: { changeIds: [theirs.id] } });
      const again = await h.api('POST', `${base}/locations/${loc}/changes/accept`, { changeIds: [mine.id, accepted[0]!.id] });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'ChangeNotPending' });
      const rej = await h.api('POST', `${base}/locations/${loc}/changes/reject`, { changeIds: [theirs.id], reason: 'nope' });
      expect(rej.statusCode).toBe(404);
      expect([await snapshot(h, loc), await snapshot(h, other), await auditCount()]).toEqual(before);
    });

    it('rejects selected changes with a reason, and the next sync does not queue them again', async () => {
      const [a, b] = await pending(loc);
      const noReason = await h.api('POST', `${base}/locations/${loc}/changes/reject`, { changeIds: [a!.id], reason: '' });
      expect(noReason.statusCode).toBe(400);
      const r = await h.api('POST', `${base}/locations/${loc}/changes/reject`, { changeIds: [a!.id, b!.id], reason: 'Brand not sold here' });
      expect(r.statusCode, r.body).toBe(200);
      const rejected = (await h.api('GET', `${base}/locations/${loc}/changes?status=rejected`)).json() as Change[];
      expect(rejected.map((c) => [c.id, c.reason]).sort()).toEqual(
        [
          [a!.id, 'Brand not sold here'],
          [b!.id, 'Brand not sold here'],
        ].sort(),
      );
      const run = await sync(loc);
      expect(run).toMatchObject({ status: 'succeeded', added: 0, modified: 0, ended: 0 });
      expect((await pending(loc)).map((c) => c.externalId)).not.toContain(a!.externalId);
    });

    it('accepts once under a concurrent double submit: one batch, the other answer is 409', async () => {
      const before = (await h.api('GET', `${base}/locations/${loc}/batches`)).json() as Batch[];
      const [x, y] = await Promise.all([
        h.api('POST', `${base}/locations/${loc}/changes/accept`, { all: true }),
        h.api('POST', `${base}/locations/${loc}/changes/accept`, { all: true }),
      ]);
      expect([x.statusCode, y.statusCode].sort()).toEqual([200, 409]);
      const after = (await h.api('GET', `${base}/locations/${loc}/batches`)).json() as Batch[];
      expect(after.length).toBe(before.length + 1);
      expect(await pending(loc)).toHaveLength(0);
    });

    it('replays an Accept with the same idempotency key instead of accepting twice', async () => {
      h.nextDay();
      const run = await sync(loc);
      expect(run.added + run.modified + run.ended).toBeGreaterThan(0);
      const key = { 'idempotency-key': 'click-123' };
      const [x, y] = await Promise.all([
        h.api('POST', `${base}/locations/${loc}/changes/accept`, { all: true }, key),
        h.api('POST', `${base}/locations/${loc}/changes/accept`, { all: true }, key),
      ]);
      expect([x.statusCode, y.statusCode]).toEqual([200, 200]);
      const bx = x.json() as { batch: Batch; replayed: boolean };
      const by = y.json() as { batch: Batch; replayed: boolean };
      expect(bx.batch.id).toBe(by.batch.id);
      expect([bx.replayed, by.replayed].sort()).toEqual([false, true]);
    });

    it('answers NothingToAccept when the queue is empty', async () => {
      const r = await h.api('POST', `${base}/locations/${loc}/changes/accept`, { all: true });
      expect(r.statusCode).toBe(409);
      expect(r.json().code).toBe('NothingToAccept');
    });
  });

  describe('push to the register', () => {
    let loc: string;
    let batch: Batch;
    let accepted: Change[];
    beforeAll(async () => {
      loc = await h.pilotLocation({ name: 'Push', posSystem: 'commander' });
      await sync(loc);
      const r = await h.api('POST', `${base}/locations/${loc}/changes/accept`, { all: true });
      batch = (r.json() as { batch: Batch }).batch;
      accepted = (await h.api('GET', `${base}/batches/${batch.id}`)).json().changes as Change[];
    });

    it('downloads the NAXML the register gets, with every promotion, UPC, date and amount', async () => {
      const r = await h.api('GET', `${base}/batches/${batch.id}/content`);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/application\/xml/);
      expect(r.headers['content-disposition']).toContain(batch.filename);
      expect(XMLValidator.validate(r.body)).toBe(true);
      const doc = xml.parse(r.body)['NAXML-MaintenanceRequest'];
      expect(doc['@_version']).toBe('3.4');
      expect(doc.TransmissionHeader.StoreLocationID).toBe(loc);
      const lists = new Map<string, string[]>(
        (doc.ItemListMaintenance.ILTDetail as { ItemListID: string; ItemListEntry: { ItemCode: { POSCode: string } }[] }[]).map((l) => [
          l.ItemListID,
          l.ItemListEntry.map((e) => e.ItemCode.POSCode),
        ]),
      );
      const mms = doc.MixMatchMaintenance.MMTDetail as {
        Promotion: { PromotionID: string };
        ItemListID: string;
        StartDate: string;
        StopDate: string;
        MixMatchEntry: { MixMatchUnits: string; MixMatchDiscountAmount: string };
      }[];
      expect(mms).toHaveLength(accepted.length);
      for (const c of accepted) {
        const p = c.after!;
        const mm = mms.find((m) => m.Promotion.PromotionID === p.externalId)!;
        expect(mm, p.externalId).toBeDefined();
        expect([mm.StartDate, mm.StopDate]).toEqual([p.startDate, p.endDate]);
        expect(Number(mm.MixMatchEntry.MixMatchUnits)).toBe(p.quantity);
        expect(Math.round(Number(mm.MixMatchEntry.MixMatchDiscountAmount) * 100)).toBe(p.amountCents);
        expect(lists.get(mm.ItemListID)).toEqual(p.upcs);
      }
    });

    it('lets the POS agent pull ready batches and acknowledge each; failures are visible and re-sendable', async () => {
      const unauth = await h.app.inject({ method: 'GET', url: '/agent/v1/batches', headers: { authorization: 'Bearer tpg_not-a-real-token' } });
      expect(unauth.statusCode).toBe(401);
      const issued = await h.api('POST', `${base}/locations/${loc}/agent-token`);
      expect(issued.statusCode).toBe(201);
      const agent = { authorization: `Bearer ${(issued.json() as { token: string }).token}` };
      const list = await h.app.inject({ method: 'GET', url: '/agent/v1/batches', headers: agent });
      expect(list.json()).toMatchObject({ locationId: loc, batches: [{ id: batch.id, state: 'ready' }] });

      const dl = await h.app.inject({ method: 'GET', url: `/agent/v1/batches/${batch.id}`, headers: agent });
      expect(dl.statusCode).toBe(200);
      expect(dl.headers['x-batch-state']).toBe('delivered');
      expect(dl.body).toContain('NAXML-MaintenanceRequest');
      const bad = await h.app.inject({ method: 'POST', url: `/agent/v1/batches/${batch.id}/ack`, headers: agent, payload: { status: 'error' } });
      expect(bad.statusCode).toBe(400);
      const failed = await h.app.inject({
        method: 'POST',
        url: `/agent/v1/batches/${batch.id}/ack`,
        headers: agent,
        payload: { status: 'error', message: 'PLU table full' },
      });
      expect(failed.json()).toMatchObject({ state: 'failed', ackMessage: 'PLU table full' });
      const history = (await h.api('GET', `${base}/locations/${loc}/batches?state=failed`)).json() as Batch[];
      expect(history.map((b) => b.id)).toEqual([batch.id]);

      const resent = await h.api('POST', `${base}/batches/${batch.id}/resend`);
      expect(resent.json()).toMatchObject({ state: 'ready', ackMessage: null });
      await h.app.inject({ method: 'GET', url: `/agent/v1/batches/${batch.id}`, headers: agent });
      const ok = await h.app.inject({ method: 'POST', url: `/agent/v1/batches/${batch.id}/ack`, headers: agent, payload: { status: 'success' } });
      expect(ok.json()).toMatchObject({ state: 'acknowledged', deliveryCount: 2 });
      const repeat = await h.app.inject({ method: 'POST', url: `/agent/v1/batches/${batch.id}/ack`, headers: agent, payload: { status: 'success' } });
      expect(repeat.statusCode).toBe(200);
      const contradict = await h.app.inject({
        method: 'POST',
        url: `/agent/v1/batches/${batch.id}/ack`,
        headers: agent,
        payload: { status: 'error', message: 'x' },
      });
      expect(contradict.statusCode).toBe(409);
      expect((await h.app.inject({ method: 'GET', url: '/agent/v1/batches', headers: agent })).json().batches).toEqual([]);

      // Another location's agent sees none of it.
      const other = await h.pilotLocation({ name: 'Other agent' });
      const otherToken = (await h.api('POST', `${base}/locations/${other}/agent-token`)).json().token as string;
      const peek = await h.app.inject({ method: 'GET', url: `/agent/v1/batches/${batch.id}`, headers: { authorization: `Bearer ${otherToken}` } });
      expect(peek.statusCode).toBe(404);
      const stored = await h.db.kysely.selectFrom('locations').select('agent_token_hash').where('id', '=', other).executeTakeFirstOrThrow();
      expect(stored.agent_token_hash).not.toContain(otherToken);
    });

    it('renders JSON for other POS systems and writes batches into an outbox folder', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tillpoint-outbox-'));
      try {
        const other = await h.pilotLocation({ name: 'Outbox', posSystem: 'other' });
        const p = await h.api('PATCH', `${base}/locations/${other}`, { outboxDir: dir });
        expect(p.statusCode, p.body).toBe(200);
        await sync(other);
        const { batch: b } = (await h.api('POST', `${base}/locations/${other}/changes/accept`, { all: true })).json() as { batch: Batch };
        const after = (await h.api('GET', `${base}/batches/${b.id}`)).json() as Batch;
        expect(after).toMatchObject({ format: 'json', state: 'delivered', outboxPath: join(dir, b.filename) });
        const doc = JSON.parse(readFileSync(join(dir, b.filename), 'utf8')) as { format: string; promotions: unknown[] };
        expect(doc.format).toBe('tillpoint.pricebook');
        expect(doc.promotions).toHaveLength(b.changeCount);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('roll out and roles', () => {
    it('rolls out from the pilot to every other licensed location, listing the ones it skips', async () => {
      const unlicensed = await newLocation('No license yet');
      // Pilots with changes still waiting (or never synced) hold the roll-out back, each with why.
      const early = await h.api('POST', `${base}/programs/${h.programId}/rollout`);
      expect(early.statusCode, early.body).toBe(409);
      const blockers = early.json().details.blockers as { locationId: string; code: string }[];
      expect(early.json().code).toBe('PilotNotReady');
      expect(blockers.length).toBeGreaterThan(0);
      expect((await h.api('GET', `${base}/programs/${h.programId}/rollout`)).json()).toMatchObject({ ready: false, blockers });
      // The manager confirms one pilot and takes the unfinished ones out of the pilot.
      const confirmed = await h.pilotLocation({ name: 'Confirmed pilot' });
      expect((await sync(confirmed)).status).toBe('succeeded');
      expect((await h.api('POST', `${base}/locations/${confirmed}/changes/accept`, { all: true })).statusCode).toBe(200);
      expect((await h.api('GET', `${base}/locations/${confirmed}`)).json().register.status).toBe('unconfirmed');
      for (const b of (await h.api('GET', `${base}/programs/${h.programId}/rollout`)).json().blockers as { locationId: string }[]) {
        expect((await h.api('POST', `${base}/locations/${b.locationId}/status`, { status: 'off' })).statusCode).toBe(200);
      }
      const r = await h.api('POST', `${base}/programs/${h.programId}/rollout`);
      expect(r.statusCode, r.body).toBe(200);
      const out = r.json() as { pilot: string[]; turnedLive: string[]; skipped: { locationId: string; reason: string }[] };
      expect(out.pilot.length).toBeGreaterThan(0);
      expect(out.turnedLive).toEqual(expect.arrayContaining(out.pilot));
      expect(out.skipped).toContainEqual(expect.objectContaining({ locationId: unlicensed, reason: 'no Scan Data license assigned' }));
      const all = (await h.api('GET', `${base}/programs/${h.programId}/locations`)).json() as { id: string; integrationStatus: string; license: unknown }[];
      for (const l of all) expect(l.integrationStatus).toBe(l.license && out.turnedLive.includes(l.id) ? 'live' : l.integrationStatus);
      expect(all.filter((l) => l.integrationStatus === 'pilot')).toEqual([]);
    });

    it('lets a read-only user look but not accept, and hides other programs', async () => {
      const auth = new AdminAuthService(h.db.kysely);
      await auth.createUser({ email: `ro-${engine}@example.com`, name: 'RO', password: 'read-only-password', role: 'read_only', programIds: [h.programId] });
      const { token } = await auth.login(`ro-${engine}@example.com`, 'read-only-password');
      const as = (method: 'GET' | 'POST', url: string, payload?: object) =>
        h.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
      const locs = (await as('GET', `${base}/programs/${h.programId}/locations`)).json() as { id: string }[];
      expect(locs.length).toBeGreaterThan(0);
      expect((await as('POST', `${base}/locations/${locs[0]!.id}/changes/accept`, { all: true })).statusCode).toBe(403);
      expect((await as('GET', `${base}/programs/${h.programId}/enrollments/rjr`)).json().clientSecret).toBe('••••cret');
      const other = await auth.createUser({
        email: `other-${engine}@example.com`,
        name: 'Other',
        password: 'other-program-pw',
        role: 'owner',
        programIds: ['some-other-program'],
      });
      expect(other).toBeTruthy();
      const { token: t2 } = await auth.login(`other-${engine}@example.com`, 'other-program-pw');
      const peek = await h.app.inject({ method: 'GET', url: `${base}/locations/${locs[0]!.id}`, headers: { authorization: `Bearer ${t2}` } });
      expect(peek.statusCode).toBe(404);
    });
  });
});
