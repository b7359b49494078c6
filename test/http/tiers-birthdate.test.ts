import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import { createIncentive, createProgram } from '../../src/app/provisioning.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { type AdminClient, demoOwner, userWithRole } from '../support/admin.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { ANA, BEN, capturingSender, PARTNER_KEY, posVendor, saleBody, testApp } from '../support/fixtures.ts';

/**
 * Tiers and birthdates through the APIs: an admin sets a program's tiers and the guest app shows
 * the guest's tier; a guest (or support) sets a birthdate and the birthday-window offer becomes
 * eligible in the app and redeemable at the POS.
 */
describe.each(ENGINES)('tiers and birthdates through the APIs on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let programId: string;
  let otherProgramId: string;
  let owner: AdminClient;
  let manager: AdminClient;
  let support: AdminClient;
  let readOnly: AdminClient;
  const now = new Date('2026-11-25T17:00:00Z');
  const clock = () => now;
  const { sent, sender } = capturingSender();
  let seq = 0;

  beforeAll(async () => {
    db = await openTestDb(engine);
    await seedDemo(db.kysely, now);
    programId = (await findProgramBySlug(db.kysely, 'bk-us'))!.id;
    otherProgramId = await createProgram(db.kysely, { slug: 'plk-ca', name: 'Other', currency: 'CAD', earnRateMilli: 10_000, expiry: { kind: 'none' } }, now);
    ({ app } = await testApp(db, { clock, seed: 11, publicUrl: 'http://tillpoint.test', guest: { sender, clock, configTtlMs: 0 } }));
    owner = await demoOwner(app);
    manager = await userWithRole(app, db, 'program_manager', [programId]);
    support = await userWithRole(app, db, 'support', [programId]);
    readOnly = await userWithRole(app, db, 'read_only', [programId]);
    await createIncentive(
      db.kysely,
      programId,
      {
        kind: 'OFFER',
        name: 'Birthday treat',
        rules: [{ ruleId: 'birthday-window', args: { daysBefore: 3, daysAfter: 3 } }],
        vendorConfigs: { partner: { pluType: 'constantPlu', constantPlu: '930001' } },
      },
      now,
      'ofr-birthday',
    );
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const pos = (method: 'POST' | 'PUT', url: string, body: unknown) =>
    app.inject({ method, url, headers: { 'x-api-key': PARTNER_KEY }, payload: body as object });
  const as = (token: string) => ({
    get: (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } }),
    send: (method: 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) }),
  });
  async function signIn(email: string, name?: string): Promise<{ token: string; guestId: string }> {
    expect((await app.inject({ method: 'POST', url: '/app/v1/bk-us/auth/start', payload: { email } })).statusCode).toBe(202);
    const code = [...sent].reverse().find((m) => m.email === email)!.code;
    const verify = await app.inject({ method: 'POST', url: '/app/v1/bk-us/auth/verify', payload: { email, code, ...(name ? { name } : {}) } });
    expect(verify.statusCode).toBe(200);
    return { token: verify.json().token, guestId: verify.json().guest.id };
  }
  /** Identifies `identifier` (loyalty id or code) and claims `lines` on the transaction it opens. */
  async function sale(identifier: string, lines: Parameters<typeof saleBody>[1]) {
    const posTxn = `TB-${++seq}`;
    const identified = await pos('POST', '/loyalty/identify', { identifier, posVendor: posVendor(posTxn) });
    expect(identified.statusCode, identified.body).toBe(200);
    const txn = identified.json().transactionId as string;
    const claimed = await pos('PUT', `/loyalty/transaction/pos/${txn}`, saleBody(posTxn, lines));
    return { txn, identified: identified.json(), claimed };
  }
  const BIRTHDAY_SALE = [
    { price: '8.00', referenceId: '1' },
    { price: '0', productId: '930001', productType: 'offer', referenceId: '2' },
  ];
  const auditOf = async (query: string) => (await owner.call('GET', `/audit?${query}`)).body.items as { action: string; before: unknown; after: unknown }[];
  const LADDER = {
    windowDays: 365,
    tiers: [
      { name: 'Member', minPoints: 0 },
      { name: 'Silver', minPoints: 100 },
      { name: 'Gold', minPoints: 1000 },
    ],
  };

  it('documents tiers, the guest’s tier and birthdates in the OpenAPI document', async () => {
    type Schema = { properties?: Record<string, unknown>; required?: string[] };
    const doc = (await app.inject('/openapi.json')).json() as {
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { content?: Record<string, { schema: Schema }> }> }
        >
      >;
    };
    const body = (path: string, method: string) => doc.paths[path]![method]!.requestBody!.content['application/json']!.schema;
    const answer = (path: string, method: string, status = '200') => doc.paths[path]![method]!.responses[status]!.content!['application/json']!.schema;
    expect(Object.keys(body('/admin/v1/programs', 'post').properties!)).toContain('tiers');
    expect(Object.keys(body('/admin/v1/programs/{programId}', 'patch').properties!)).toContain('tiers');
    expect(answer('/admin/v1/programs/{programId}', 'get').required).toContain('tiers');
    expect(Object.keys(body('/admin/v1/programs/{programId}/guests/{guestId}', 'patch').properties!)).toEqual(['name', 'birthdate']);
    expect(Object.keys(doc.paths['/admin/v1/programs/{programId}/guests/{guestId}']!.patch!.responses)).toEqual(
      expect.arrayContaining(['200', '400', '403', '404']),
    );
    expect(answer('/admin/v1/programs/{programId}/guests/{guestId}', 'patch').required).toContain('birthdate');
    expect(Object.keys(body('/app/v1/{program}/me', 'patch').properties!)).toEqual(['name', 'birthdate']);
    expect(Object.keys(doc.paths['/app/v1/{program}/me']!.patch!.responses)).toContain('400');
    expect(answer('/app/v1/{program}/me', 'get').required).toContain('birthdate');
    expect(answer('/app/v1/{program}/balance', 'get').required).toContain('tier');
  });

  describe('program tiers (admin API)', () => {
    it('creates a program with tiers and shows them; a program without tiers shows null', async () => {
      const created = await owner.call('POST', '/programs', {
        slug: 'tiered-club',
        name: 'Tiered Club',
        currency: 'USD',
        earnRateMilli: 10_000,
        expiry: { kind: 'none' },
        tiers: {
          windowDays: 90,
          tiers: [
            { name: 'Gold', minPoints: 500 },
            { name: 'Base', minPoints: 0 },
          ],
        },
      });
      expect(created.status, created.text).toBe(201);
      // Stored lowest tier first.
      expect(created.body.tiers).toEqual({
        windowDays: 90,
        tiers: [
          { name: 'Base', minPoints: 0 },
          { name: 'Gold', minPoints: 500 },
        ],
      });
      expect((await owner.call('GET', `/programs/${created.body.id}`)).body.tiers).toEqual(created.body.tiers);
      expect((await owner.call('GET', `/programs/${programId}`)).body.tiers).toBeNull();
      const [entry] = await auditOf(`entityType=program&entityId=${created.body.id}&action=program.create`);
      expect(entry!.after).toMatchObject({ tiers: created.body.tiers });

      const bad = await owner.call('POST', '/programs', {
        slug: 'bad-tiers',
        name: 'x',
        currency: 'USD',
        earnRateMilli: 1,
        expiry: { kind: 'none' },
        tiers: {
          windowDays: 30,
          tiers: [
            { name: 'A', minPoints: 0 },
            { name: 'A', minPoints: 5 },
          ],
        },
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ code: 'ValidationError', details: { field: 'tiers.tiers[1].name' } });
      expect(await db.kysely.selectFrom('programs').select('id').where('slug', '=', 'bad-tiers').executeTakeFirst()).toBeUndefined();
    });

    it('refuses bad tiers with a 400 naming the field, and writes nothing', async () => {
      const auditBefore = (await auditOf(`entityType=program&entityId=${programId}`)).length;
      const cases: [unknown, string][] = [
        [{ windowDays: 0, tiers: LADDER.tiers }, 'tiers.windowDays'],
        [{ windowDays: 1.5, tiers: LADDER.tiers }, 'tiers.windowDays'],
        [{ tiers: LADDER.tiers }, 'tiers.windowDays'],
        [{ windowDays: 30, tiers: [] }, 'tiers.tiers'],
        [{ windowDays: 30, tiers: [{ name: '', minPoints: 0 }] }, 'tiers.tiers[0].name'],
        [{ windowDays: 30, tiers: [{ name: '   ', minPoints: 0 }] }, 'tiers.tiers[0].name'],
        [{ windowDays: 30, tiers: [{ name: 'A', minPoints: -1 }] }, 'tiers.tiers[0].minPoints'],
        [{ windowDays: 30, tiers: [{ name: 'A', minPoints: 2.5 }] }, 'tiers.tiers[0].minPoints'],
        [
          {
            windowDays: 30,
            tiers: [
              { name: 'A', minPoints: 0 },
              { name: 'B', minPoints: 0 },
            ],
          },
          'tiers.tiers[1].minPoints',
        ],
        [
          {
            windowDays: 30,
            tiers: [
              { name: 'A', minPoints: 0 },
              { name: 'A', minPoints: 10 },
            ],
          },
          'tiers.tiers[1].name',
        ],
        [{ windowDays: 30, tiers: [{ name: 'A', minPoints: 0, colour: 'red' }] }, 'tiers.tiers[0].colour'],
        ['Gold', 'tiers'],
      ];
      for (const [tiers, field] of cases) {
        const res = await manager.call('PATCH', `/programs/${programId}`, { tiers });
        expect(res.status, JSON.stringify(tiers)).toBe(400);
        expect(res.body, JSON.stringify(tiers)).toMatchObject({ code: 'ValidationError', details: { field } });
      }
      const row = await db.kysely.selectFrom('programs').select('tier_config').where('id', '=', programId).executeTakeFirstOrThrow();
      expect(row.tier_config ?? null).toBeNull();
      expect((await auditOf(`entityType=program&entityId=${programId}`)).length).toBe(auditBefore);
    });

    it('lets a program manager set and remove tiers, audited with before/after; support may not', async () => {
      expect((await support.call('PATCH', `/programs/${programId}`, { tiers: LADDER })).status).toBe(403);
      const set = await manager.call('PATCH', `/programs/${programId}`, { tiers: LADDER });
      expect(set.status, set.text).toBe(200);
      expect(set.body.tiers).toEqual(LADDER);
      const [entry] = await auditOf(`entityType=program&entityId=${programId}&action=program.update`);
      expect(entry).toMatchObject({ before: { tiers: null }, after: { tiers: LADDER } });

      const removed = await manager.call('PATCH', `/programs/${programId}`, { tiers: null });
      expect(removed.body.tiers).toBeNull();
      const [last] = await auditOf(`entityType=program&entityId=${programId}&action=program.update`);
      expect(last).toMatchObject({ before: { tiers: LADDER }, after: { tiers: null } });

      // A patch of other fields leaves the tiers alone.
      await manager.call('PATCH', `/programs/${programId}`, { tiers: LADDER });
      expect((await manager.call('PATCH', `/programs/${programId}`, { claimWindowDays: 30 })).body.tiers).toEqual(LADDER);
    });
  });

  describe('the guest’s tier (guest app)', () => {
    it('shows the tier with the points earned in the window and the next tier in the balance', async () => {
      const { token } = await signIn('ana@example.com');
      const ana = as(token);
      await manager.call('PATCH', `/programs/${programId}`, { tiers: null });
      expect((await ana.get('/app/v1/bk-us/balance')).json().tier).toBeNull();

      await manager.call('PATCH', `/programs/${programId}`, { tiers: LADDER });
      // Ana's 3000 points are an opening balance (an adjustment), not earned by sales.
      expect((await ana.get('/app/v1/bk-us/balance')).json().tier).toEqual({
        name: 'Member',
        minPoints: 0,
        pointsInWindow: 0,
        next: { name: 'Silver', minPoints: 100, pointsToGo: 100 },
      });

      const { claimed } = await sale(ANA, [{ price: '12.00' }]);
      expect(claimed.statusCode, claimed.body).toBe(200);
      const balance = (await ana.get('/app/v1/bk-us/balance')).json();
      expect(balance.tier).toEqual({ name: 'Silver', minPoints: 100, pointsInWindow: 120, next: { name: 'Gold', minPoints: 1000, pointsToGo: 880 } });
      expect(balance.balance).toBe(3120);
    });
  });

  describe('birthdate', () => {
    it('a guest sets a birthdate; the birthday offer becomes eligible in the app and is redeemed at the POS', async () => {
      const { token, guestId } = await signIn('bday@example.com', 'Bea');
      const bea = as(token);
      expect((await bea.get('/app/v1/bk-us/me')).json()).toMatchObject({ id: guestId, birthdate: null });
      const offerOf = async () => (await bea.get('/app/v1/bk-us/incentives')).json().offers.find((o: { id: string }) => o.id === 'ofr-birthday');
      expect(await offerOf()).toMatchObject({ eligible: false, failures: [expect.objectContaining({ code: 'missing-birthdate', ruleId: 'birthday-window' })] });
      expect((await bea.send('PUT', '/app/v1/bk-us/selection', { rewardIds: [], offerId: 'ofr-birthday' })).json()).toMatchObject({ code: 'RulesError' });

      for (const birthdate of ['2026-11-26', '1990-02-30', '1990-1-1', '27.11.1990', '1899-12-31', 19901127]) {
        const bad = await bea.send('PATCH', '/app/v1/bk-us/me', { birthdate });
        expect(bad.statusCode, String(birthdate)).toBe(400);
        expect(bad.json(), String(birthdate)).toMatchObject({ code: 'ValidationError', details: { field: 'birthdate' } });
      }
      expect((await bea.get('/app/v1/bk-us/me')).json().birthdate).toBeNull();

      const far = await bea.send('PATCH', '/app/v1/bk-us/me', { birthdate: '1990-06-01' });
      expect(far.statusCode).toBe(200);
      expect(far.json()).toMatchObject({ birthdate: '1990-06-01', name: 'Bea' });
      expect(await offerOf()).toMatchObject({ eligible: false, failures: [expect.objectContaining({ code: 'outside-birthday-window' })] });

      const set = await bea.send('PATCH', '/app/v1/bk-us/me', { birthdate: '1990-11-27' });
      expect(set.json()).toMatchObject({ birthdate: '1990-11-27' });
      expect(await offerOf()).toMatchObject({ eligible: true, failures: [] });

      const selected = await bea.send('PUT', '/app/v1/bk-us/selection', { rewardIds: [], offerId: 'ofr-birthday' });
      expect(selected.statusCode, selected.body).toBe(200);
      const created = await bea.send('POST', '/app/v1/bk-us/codes', {});
      expect(created.statusCode).toBe(201);
      const { txn, identified, claimed } = await sale(created.json().code, BIRTHDAY_SALE);
      expect(identified.order.map((o: { incentiveId: string }) => o.incentiveId)).toEqual(['ofr-birthday']);
      expect(claimed.statusCode, claimed.body).toBe(200);
      const redeemed = await db.kysely.selectFrom('loyalty_transactions').select(['status', 'guest_id']).where('id', '=', txn).executeTakeFirstOrThrow();
      expect(redeemed).toEqual({ status: 'CLAIMED', guest_id: guestId });

      // Removing the birthdate makes the offer unavailable again.
      expect((await bea.send('PATCH', '/app/v1/bk-us/me', { birthdate: null })).json()).toMatchObject({ birthdate: null });
      expect(await offerOf()).toMatchObject({ eligible: false, failures: [expect.objectContaining({ code: 'missing-birthdate' })] });
    });

    it('support sets a guest’s birthdate (audited with before/after); read-only may not; bad dates are refused', async () => {
      const without = await sale(BEN, BIRTHDAY_SALE);
      expect(without.claimed.statusCode).toBe(400);
      expect(without.claimed.json().details.ruleEvaluation).toEqual([expect.objectContaining({ code: 'missing-birthdate', ruleId: 'birthday-window' })]);
      expect((await readOnly.call('PATCH', `/programs/${programId}/guests/${BEN}`, { birthdate: '1985-11-24' })).status).toBe(403);
      for (const birthdate of ['2027-01-01', '1985-13-01', 'yesterday']) {
        const bad = await support.call('PATCH', `/programs/${programId}/guests/${BEN}`, { birthdate });
        expect(bad.status, birthdate).toBe(400);
        expect(bad.body, birthdate).toMatchObject({ code: 'ValidationError', details: { field: 'birthdate' } });
      }
      expect(await auditOf(`entityType=guest&entityId=${BEN}&action=guest.update`)).toEqual([]);

      const res = await support.call('PATCH', `/programs/${programId}/guests/${BEN}`, { birthdate: '1985-11-24' });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ id: BEN, birthdate: '1985-11-24' });
      expect((await readOnly.call('GET', `/programs/${programId}/guests/${BEN}`)).body.guest).toMatchObject({ birthdate: '1985-11-24' });
      const [entry] = await auditOf(`entityType=guest&entityId=${BEN}&action=guest.update`);
      expect(entry).toMatchObject({ before: { birthdate: null }, after: { birthdate: '1985-11-24' } });

      // The POS now redeems Ben's birthday offer by his loyalty id.
      const withBirthdate = await sale(BEN, BIRTHDAY_SALE);
      expect(withBirthdate.claimed.statusCode, withBirthdate.claimed.body).toBe(200);

      // Another program's guest id, or this guest under another program: 404.
      expect((await owner.call('PATCH', `/programs/${otherProgramId}/guests/${BEN}`, { birthdate: '1985-11-24' })).status).toBe(404);
      expect((await support.call('PATCH', `/programs/${programId}/guests/00000000-0000-4000-8000-000000000000`, { birthdate: '1985-11-24' })).status).toBe(404);
    });
  });
});
