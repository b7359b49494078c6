import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findActiveKey } from '../../src/adapters/db/repositories/config.repository.ts';
import { ledgerSum } from '../../src/adapters/db/repositories/points-ledger.repository.ts';
import { sha256 } from '../../src/lib/ids.ts';
import { type AdminClient, demoOwner } from '../support/admin.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { demoApp, saleBody } from '../support/fixtures.ts';

describe.each(ENGINES)('Admin API walkthrough on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let owner: AdminClient;

  beforeAll(async () => {
    db = await openTestDb(engine);
    ({ app } = await demoApp(db));
    owner = await demoOwner(app);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const pos = (method: 'POST' | 'PUT', url: string, key: string, body?: unknown) =>
    app.inject({ method, url, headers: { 'x-api-key': key }, ...(body === undefined ? {} : { payload: body as object }) });
  const sale = (posTxn: string, storeId: string, lines: Parameters<typeof saleBody>[1]) => {
    const body = saleBody(posTxn, lines);
    body.transactionDetails.posVendor.storeId = storeId;
    return body;
  };

  let programId: string;
  let storeId: string;
  let key: string;
  let keyId: string;
  let rewardId: string;
  let guestId: string;

  it('creates a program, a store, a POS key, a reward with rules and a guest', async () => {
    const program = await owner.call('POST', '/programs', {
      slug: 'coffee-club',
      name: 'Coffee Club',
      currency: 'EUR',
      earnRateMilli: 5000,
      expiry: { kind: 'inactivity', days: 365 },
      claimWindowDays: 14,
    });
    expect(program.status).toBe(201);
    expect(program.body).toMatchObject({
      slug: 'coffee-club',
      currency: 'EUR',
      earnRateMilli: 5000,
      minSpendCents: 0,
      claimWindowDays: 14,
      expiry: { kind: 'inactivity', days: 365 },
    });
    programId = program.body.id;
    expect((await owner.call('GET', '/programs')).body.map((p: { slug: string }) => p.slug)).toEqual(expect.arrayContaining(['bk-us', 'coffee-club']));

    const store = await owner.call('POST', `/programs/${programId}/stores`, {
      externalId: 'B-01',
      name: 'Berlin Mitte',
      timeZone: 'Europe/Berlin',
      groups: ['germany', 'berlin'],
    });
    expect(store.status).toBe(201);
    expect(store.body).toMatchObject({ externalId: 'B-01', timeZone: 'Europe/Berlin', loyaltyEnabled: true, groups: ['berlin', 'germany'] });
    storeId = store.body.id;
    expect((await owner.call('POST', `/programs/${programId}/stores`, { externalId: 'B-01', name: 'again', timeZone: 'Europe/Berlin' })).status).toBe(409);
    expect((await owner.call('GET', `/programs/${programId}/stores?group=berlin`)).body).toHaveLength(1);
    expect((await owner.call('GET', `/programs/${programId}/stores?group=paris`)).body).toHaveLength(0);

    const issued = await owner.call('POST', `/programs/${programId}/keys`, { vendor: 'partner', environment: 'production' });
    expect(issued.status).toBe(201);
    key = issued.body.key;
    keyId = issued.body.apiKey.id;
    expect(key).toMatch(/^tpk_production_partner_/);
    const listed = await owner.call('GET', `/programs/${programId}/keys`);
    expect(listed.body).toEqual([expect.objectContaining({ id: keyId, prefix: key.slice(0, 12), status: 'active' })]);
    expect(listed.text).not.toContain(key);
    expect(listed.text).not.toContain(sha256(key));

    const rules = await owner.call('GET', '/rules');
    expect(rules.status).toBe(200);
    expect(rules.body.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['service-mode', 'date-span', 'subtotal-spend']));
    expect(rules.body.find((r: { id: string }) => r.id === 'service-mode').args).toMatchObject({ type: 'object' });

    const reward = await owner.call('POST', `/programs/${programId}/incentives`, {
      kind: 'REWARD',
      name: 'Free Cappuccino',
      pointCost: 100,
      rules: [{ ruleId: 'service-mode', args: { modes: ['EAT_IN', 'TAKEOUT'] } }],
      validity: { start: '2020-01-01', end: '2099-12-31' },
      vendorConfigs: { partner: { pluType: 'constantPlu', constantPlu: '7001' } },
    });
    expect(reward.status).toBe(201);
    expect(reward.body).toMatchObject({ kind: 'REWARD', pointCost: 100, active: true, validity: { start: '2020-01-01', end: '2099-12-31' } });
    expect(reward.body.rules).toEqual([
      { ruleId: 'service-mode', args: { modes: ['EAT_IN', 'TAKEOUT'] } },
      { ruleId: 'date-span', args: { start: '2020-01-01', end: '2099-12-31' } },
    ]);
    rewardId = reward.body.id;

    const guest = await owner.call('POST', `/programs/${programId}/guests`, { name: 'Grete', email: 'Grete@Example.com' });
    expect(guest.status).toBe(201);
    expect(guest.body).toMatchObject({ name: 'Grete', email: 'grete@example.com', balance: 0 });
    guestId = guest.body.id;
  });

  it('adjusts points with a reason: ledger entry, audit entry and event in one go', async () => {
    const adjusted = await owner.call('POST', `/programs/${programId}/guests/${guestId}/adjustments`, { points: 250, reason: 'welcome bonus' });
    expect(adjusted.status).toBe(201);
    expect(adjusted.body.guest.balance).toBe(250);
    expect(adjusted.body.entry).toMatchObject({ kind: 'ADJUST', points: 250, balanceAfter: 250, reason: 'welcome bonus' });
    expect(await ledgerSum(db.kysely, guestId)).toBe(250);

    const view = await owner.call('GET', `/programs/${programId}/guests/${guestId}`);
    expect(view.body.guest.balance).toBe(250);
    expect(view.body.ledger.items).toEqual([expect.objectContaining({ kind: 'ADJUST', points: 250 })]);

    const audit = await owner.call('GET', `/audit?programId=${programId}&action=points.adjust`);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        entityType: 'guest',
        entityId: guestId,
        reason: 'welcome bonus',
        before: { balance: 0 },
        after: expect.objectContaining({ balance: 250 }),
      }),
    ]);
    const events = await db.kysely.selectFrom('outbox_events').selectAll().where('program_id', '=', programId).where('type', '=', 'points.adjusted').execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.payload)).toMatchObject({ guestId, points: 250, balance: 250, reason: 'welcome bonus', adjustedBy: 'admin' });

    const overdraw = await owner.call('POST', `/programs/${programId}/guests/${guestId}/adjustments`, { points: -1000, reason: 'oops' });
    expect(overdraw.status).toBe(400);
    expect(overdraw.body).toMatchObject({ code: 'TransactionInsufficientPoints', details: { field: 'points', balance: 250 } });
    const noReason = await owner.call('POST', `/programs/${programId}/guests/${guestId}/adjustments`, { points: 5 });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ code: 'ValidationError', details: { field: 'reason' } });
    expect(await ledgerSum(db.kysely, guestId)).toBe(250);
  });

  it('finds the guest by e-mail, id and fragment', async () => {
    for (const q of ['email=GRETE@example.com', `id=${guestId}`, 'q=gre']) {
      const found = await owner.call('GET', `/programs/${programId}/guests?${q}`);
      expect(found.status, q).toBe(200);
      expect(
        found.body.items.map((g: { id: string }) => g.id),
        q,
      ).toEqual([guestId]);
    }
    expect((await owner.call('GET', `/programs/${programId}/guests?email=nobody@example.com`)).body.items).toEqual([]);
  });

  it('a POS sale with the new key is claimed (its rule results kept), found, voided from the back office, with events and audit', async () => {
    const identified = await pos('POST', '/loyalty/identify', key, {
      identifier: guestId,
      posVendor: { posType: 'Partner', storeId: 'B-01', terminal: '1', transactionId: 'C-1' },
    });
    expect(identified.statusCode).toBe(200);
    const txn = identified.json().transactionId as string;
    const body = sale('C-1', 'B-01', [
      { price: '4.00', referenceId: '1' },
      { price: '0', productId: '7001', productType: 'reward', referenceId: '2' },
    ]);
    // A drive-thru validate fails the reward's service-mode rule: the sale keeps that verdict.
    const refused = await pos('POST', `/loyalty/transaction/pos/validate/${txn}`, key, { ...body, serviceMode: 'DRIVE_THRU' });
    expect(refused.statusCode).toBe(400);
    const checked = await owner.call('GET', `/programs/${programId}/transactions/${txn}`);
    expect(checked.body.ruleResults).toMatchObject({
      stage: 'validate',
      incentives: [
        {
          incentiveId: rewardId,
          kind: 'REWARD',
          applied: false,
          rules: [
            {
              ruleId: 'service-mode',
              passed: false,
              failure: { code: 'invalid-service-mode', currentValue: 'DRIVE_THRU', targetValue: ['EAT_IN', 'TAKEOUT'] },
            },
            { ruleId: 'date-span', passed: true, failure: null },
          ],
        },
      ],
    });
    expect(checked.body.status).toBe('OPEN');

    const claimed = await pos('PUT', `/loyalty/transaction/pos/${txn}`, key, body);
    expect(claimed.statusCode).toBe(200);
    expect(claimed.json()).toMatchObject({ pointsEarned: 20, pointsRedeemed: 100, points: 170 });

    const found = await owner.call('GET', `/programs/${programId}/transactions?storeExternalId=B-01&status=CLAIMED&guestId=${guestId}`);
    expect(found.body.items).toEqual([expect.objectContaining({ id: txn, storeId, status: 'CLAIMED', pointsEarned: 20, pointsRedeemed: 100 })]);
    const byDate = await owner.call('GET', `/programs/${programId}/transactions?from=2000-01-01&to=2000-01-02`);
    expect(byDate.body.items).toEqual([]);
    const detail = await owner.call('GET', `/programs/${programId}/transactions/${txn}`);
    expect(detail.body).toMatchObject({ id: txn, redemptions: [{ incentiveId: rewardId, kind: 'REWARD', quantity: 1, points: 100, voidedAt: null }] });
    expect(detail.body.ruleResults).toMatchObject({
      stage: 'CLAIMED',
      pointsEarned: 20,
      pointsRedeemed: 100,
      incentives: [
        {
          incentiveId: rewardId,
          quantity: 1,
          points: 100,
          applied: true,
          rules: [
            { ruleId: 'service-mode', passed: true },
            { ruleId: 'date-span', passed: true },
          ],
        },
      ],
    });
    expect(detail.body.ledger.map((e: { kind: string }) => e.kind).sort()).toEqual(['EARN', 'REDEEM']);
    const receipt = await owner.call('GET', `/programs/${programId}/guests?receiptCode=${detail.body.receiptCode}`);
    expect(receipt.body.items.map((g: { id: string }) => g.id)).toEqual([guestId]);

    const voided = await owner.call('POST', `/programs/${programId}/transactions/${txn}/void`, { reason: 'guest complaint' });
    expect(voided.status).toBe(200);
    expect(voided.body.status).toBe('VOIDED');
    expect(await ledgerSum(db.kysely, guestId)).toBe(250);
    const again = await owner.call('POST', `/programs/${programId}/transactions/${txn}/void`);
    expect(again.status).toBe(200);

    const types = (await db.kysely.selectFrom('outbox_events').select('type').where('program_id', '=', programId).orderBy('created_at').execute()).map(
      (e) => e.type,
    );
    expect(types).toEqual(['points.adjusted', 'transaction.claimed', 'transaction.voided']);
    const voidedEvent = await db.kysely
      .selectFrom('outbox_events')
      .select('payload')
      .where('type', '=', 'transaction.voided')
      .where('program_id', '=', programId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(voidedEvent.payload)).toMatchObject({
      transactionId: txn,
      previousStatus: 'CLAIMED',
      pointsReturned: 100,
      pointsTakenBack: 20,
      voidedBy: 'admin',
    });
    const audit = await owner.call('GET', `/audit?entityType=transaction&entityId=${txn}`);
    expect(audit.body.items).toEqual([
      expect.objectContaining({ action: 'transaction.void', reason: 'guest complaint', before: expect.objectContaining({ status: 'CLAIMED' }) }),
    ]);
  });

  it('updates program, store and incentive configuration with before/after in the audit log', async () => {
    const patched = await owner.call('PATCH', `/programs/${programId}`, {
      earnRateMilli: 7500,
      minSpendCents: 200,
      expiry: { kind: 'monthly-buckets', months: 6 },
      receiptTemplates: { default: { claimed: { header: 'Coffee Club', totalPoints: 'Beans: {balance}' } } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ earnRateMilli: 7500, minSpendCents: 200, expiry: { kind: 'monthly-buckets', months: 6 }, name: 'Coffee Club' });
    const entry = (await owner.call('GET', `/audit?entityType=program&entityId=${programId}&action=program.update`)).body.items[0];
    expect(entry.before).toMatchObject({ earnRateMilli: 5000 });
    expect(entry.after).toMatchObject({ earnRateMilli: 7500 });

    const store = await owner.call('PATCH', `/programs/${programId}/stores/${storeId}`, { loyaltyEnabled: false, groups: [] });
    expect(store.body).toMatchObject({ loyaltyEnabled: false, groups: [] });
    const refused = await pos('POST', '/loyalty/identify', key, {
      identifier: guestId,
      posVendor: { posType: 'Partner', storeId: 'B-01', terminal: '1', transactionId: 'C-2' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('RedeemRewardError');
    await owner.call('PATCH', `/programs/${programId}/stores/${storeId}`, { loyaltyEnabled: true });

    const renamed = await owner.call('PATCH', `/programs/${programId}/incentives/${rewardId}`, { name: 'Free Flat White', validity: null });
    expect(renamed.body).toMatchObject({
      name: 'Free Flat White',
      validity: null,
      rules: [{ ruleId: 'service-mode', args: { modes: ['EAT_IN', 'TAKEOUT'] } }],
    });
    const off = await owner.call('POST', `/programs/${programId}/incentives/${rewardId}/deactivate`);
    expect(off.body.active).toBe(false);
    expect((await owner.call('GET', `/programs/${programId}/incentives?active=true`)).body).toEqual([]);
    expect((await owner.call('GET', `/programs/${programId}/incentives?active=false&kind=REWARD`)).body).toHaveLength(1);
    const actions = (await owner.call('GET', `/audit?entityType=incentive&entityId=${rewardId}`)).body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['incentive.deactivate', 'incentive.update', 'incentive.create']);
  });

  it('rotates a key (new one works, old one is revoked) and revokes it', async () => {
    const rotated = await owner.call('POST', `/programs/${programId}/keys/${keyId}/rotate`);
    expect(rotated.status).toBe(201);
    expect(rotated.body.revoked).toMatchObject({ id: keyId, status: 'revoked' });
    const fresh = rotated.body.key as string;
    expect(fresh).not.toBe(key);
    expect(await findActiveKey(db.kysely, sha256(key))).toBeNull();
    const identified = await pos('POST', '/loyalty/identify', fresh, {
      identifier: guestId,
      posVendor: { posType: 'Partner', storeId: 'B-01', terminal: '1', transactionId: 'C-3' },
    });
    expect(identified.statusCode).toBe(200);
    expect((await owner.call('POST', `/programs/${programId}/keys/${keyId}/rotate`)).status).toBe(409);

    const revoked = await owner.call('POST', `/programs/${programId}/keys/${rotated.body.apiKey.id}/revoke`);
    expect(revoked.body.status).toBe('revoked');
    expect(await findActiveKey(db.kysely, sha256(fresh))).toBeNull();
    const actions = (await owner.call('GET', `/audit?programId=${programId}&entityType=api_key`)).body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['api_key.revoke', 'api_key.rotate', 'api_key.create']);
    expect(JSON.stringify(actions)).not.toContain(fresh);
  });

  it('manages admin users: create with role and programs, disable (sessions end), never shows hashes', async () => {
    const created = await owner.call('POST', '/users', {
      email: 'Barista@Example.com',
      name: 'Barista lead',
      password: 'espresso-1234',
      role: 'support',
      programIds: [programId],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'barista@example.com', role: 'support', programIds: [programId], disabledAt: null });
    expect(created.text).not.toContain('scrypt');
    expect(
      (await owner.call('POST', '/users', { email: 'barista@example.com', name: 'x', password: 'espresso-1234', role: 'support', programIds: [programId] }))
        .status,
    ).toBe(409);

    const session = await app.inject({ method: 'POST', url: '/admin/v1/auth/login', payload: { email: 'barista@example.com', password: 'espresso-1234' } });
    const token = session.json().token as string;
    expect((await app.inject({ method: 'GET', url: '/admin/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);

    const disabled = await owner.call('POST', `/users/${created.body.id}/disable`);
    expect(disabled.body.disabledAt).not.toBeNull();
    expect((await app.inject({ method: 'GET', url: '/admin/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    const list = await owner.call('GET', '/users');
    expect(list.text).not.toContain('scrypt');
    expect(list.body.map((u: { email: string }) => u.email)).toContain('barista@example.com');
    const me = (await owner.call('GET', '/me')).body.userId;
    expect((await owner.call('POST', `/users/${me}/disable`)).status).toBe(409);
  });

  it('documents every admin route with schemas and error answers in /openapi.json', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; description?: string }>>;
    };
    const mine = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.description?.startsWith('Requires `'))
        .map(([method, op]) => [path, method, op] as const),
    );
    expect(mine.length).toBeGreaterThan(30);
    for (const [path, method, op] of mine) {
      {
        expect(op.responses['401'], `${method} ${path}`).toBeDefined();
        expect(op.responses['403'], `${method} ${path}`).toBeDefined();
        expect(
          Object.keys(op.responses).some((s) => s.startsWith('2')),
          `${method} ${path}`,
        ).toBe(true);
      }
    }
  });
});
