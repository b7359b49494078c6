import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import type { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { createIncentive } from '../../src/app/provisioning.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { ANA, BEN, CHLOE, demoApp, FARHAN, PARTNER_KEY, posVendor, saleBody } from '../support/fixtures.ts';

/**
 * Rules that look at the guest's past get it from the history snapshot the service loads: per-guest
 * limits, first order, birthday, authentication, restaurant groups; and the tier on identify.
 */
describe.each(ENGINES)('rules with guest history on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let loyalty: LoyaltyService;
  let programId: string;
  const now = new Date('2026-11-25T17:00:00Z');
  let seq = 0;

  beforeAll(async () => {
    db = await openTestDb(engine);
    ({ app, loyalty } = await demoApp(db, { now: () => now }));
    programId = (await findProgramBySlug(db.kysely, 'bk-us'))!.id;
    const plu = (p: string) => ({ partner: { pluType: 'constantPlu' as const, constantPlu: p } });
    await createIncentive(
      db.kysely,
      programId,
      {
        kind: 'OFFER',
        name: 'Once, signed in',
        rules: [
          { ruleId: 'max-redemption', args: { max: 1 } },
          { ruleId: 'authentication-required', args: { via: ['app', 'code'] } },
        ],
        vendorConfigs: plu('910001'),
      },
      now,
      'ofr-once',
    );
    await createIncentive(
      db.kysely,
      programId,
      { kind: 'OFFER', name: 'Welcome', rules: [{ ruleId: 'first-order', args: {} }], vendorConfigs: plu('910002') },
      now,
      'ofr-first',
    );
    await createIncentive(
      db.kysely,
      programId,
      {
        kind: 'OFFER',
        name: 'Birthday treat',
        rules: [{ ruleId: 'birthday-window', args: { daysBefore: 3, daysAfter: 3 } }],
        vendorConfigs: plu('910003'),
      },
      now,
      'ofr-birthday',
    );
    await createIncentive(
      db.kysely,
      programId,
      { kind: 'OFFER', name: 'West only', rules: [{ ruleId: 'restaurant-group', args: { groups: ['west'] } }], vendorConfigs: plu('910004') },
      now,
      'ofr-west',
    );
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const call = (method: 'POST' | 'PUT', url: string, body: unknown) =>
    app.inject({ method, url, headers: { 'x-api-key': PARTNER_KEY }, payload: body as object });

  /** Identifies `identifier` (loyalty id or code) and claims goods plus the offer with PLU `plu`. */
  async function sale(identifier: string, plu: string, over: Record<string, unknown> = {}) {
    const posTxn = `H-${++seq}`;
    const id = await call('POST', '/loyalty/identify', { identifier, posVendor: posVendor(posTxn) });
    expect(id.statusCode).toBe(200);
    const txn = id.json().transactionId as string;
    const res = await call(
      'PUT',
      `/loyalty/transaction/pos/${txn}`,
      saleBody(
        posTxn,
        [
          { price: '8.00', referenceId: '1' },
          { price: '0', productId: plu, productType: 'offer', referenceId: '2' },
        ],
        over,
      ),
    );
    return { txn, res, identify: id.json() };
  }
  const failure = (res: { json(): unknown }) => (res.json() as { details: { ruleEvaluation: { code: string; ruleId: string }[] } }).details.ruleEvaluation;

  it('authentication-required: a loyalty id at the counter is not enough, an app code or an App sale is', async () => {
    const byId = await sale(BEN, '910001');
    expect(byId.res.statusCode).toBe(400);
    expect(failure(byId.res)).toEqual([
      expect.objectContaining({ code: 'guest-not-authenticated', ruleId: 'authentication-required', incentiveId: 'ofr-once' }),
    ]);

    const { code } = await loyalty.createCode(programId, FARHAN, []);
    const byCode = await sale(code, '910001');
    expect(byCode.res.statusCode).toBe(200);
  });

  it('max-redemption counts the guest’s claimed redemptions; a refunded offer line gives it back', async () => {
    const first = await sale(ANA, '910001', { channel: 'App' });
    expect(first.res.statusCode).toBe(200);
    const second = await sale(ANA, '910001', { channel: 'App' });
    expect(second.res.statusCode).toBe(400);
    expect(failure(second.res)).toEqual([
      expect.objectContaining({ code: 'exceeds-max-redemption', ruleId: 'max-redemption', currentValue: 2, targetValue: 1 }),
    ]);

    const refunded = await call('POST', `/loyalty/transaction/pos/${first.txn}/refund`, { refundId: 'RF-1', lines: [{ referenceId: '2', quantity: 1 }] });
    expect(refunded.json().returnedIncentives).toEqual([{ incentiveId: 'ofr-once', kind: 'OFFER', quantity: 1, points: 0 }]);
    expect((await sale(ANA, '910001', { channel: 'App' })).res.statusCode).toBe(200);
  });

  it('first-order: only before the guest’s first claimed sale', async () => {
    expect((await sale(CHLOE, '910002')).res.statusCode).toBe(200);
    const again = await sale(CHLOE, '910002');
    expect(failure(again.res)).toEqual([expect.objectContaining({ code: 'not-first-order', currentValue: 1 })]);
  });

  it('birthday-window: reads the guest’s birthdate; a guest without one fails', async () => {
    await db.kysely.updateTable('guests').set({ birthdate: '1991-11-27' }).where('id', '=', FARHAN).execute();
    expect((await sale(FARHAN, '910003')).res.statusCode).toBe(200);
    const none = await sale(BEN, '910003');
    expect(failure(none.res)).toEqual([expect.objectContaining({ code: 'missing-birthdate', ruleId: 'birthday-window' })]);
  });

  it('restaurant-group: uses the store’s groups', async () => {
    const store = await db.kysely
      .selectFrom('stores')
      .select('id')
      .where('program_id', '=', programId)
      .where('external_id', '=', '9999')
      .executeTakeFirstOrThrow();
    await db.kysely
      .updateTable('stores')
      .set({ store_groups: JSON.stringify(['northeast']) })
      .where('id', '=', store.id)
      .execute();
    loyalty.invalidate();
    const east = await sale(FARHAN, '910004');
    expect(failure(east.res)).toEqual([expect.objectContaining({ code: 'invalid-restaurant-group', currentValue: ['northeast'], targetValue: ['west'] })]);
    await db.kysely
      .updateTable('stores')
      .set({ store_groups: JSON.stringify(['northeast', 'west']) })
      .where('id', '=', store.id)
      .execute();
    loyalty.invalidate();
    expect((await sale(FARHAN, '910004')).res.statusCode).toBe(200);
  });

  it('identify returns the guest’s tier when the program has tiers', async () => {
    const plain = await call('POST', '/loyalty/identify', { identifier: FARHAN, posVendor: posVendor('T-1') });
    expect(plain.json()).not.toHaveProperty('tier');
    await db.kysely
      .updateTable('programs')
      .set({
        tier_config: JSON.stringify({
          windowDays: 365,
          tiers: [
            { name: 'Member', minPoints: 0 },
            { name: 'Silver', minPoints: 100 },
            { name: 'Gold', minPoints: 100_000 },
          ],
        }),
      })
      .where('id', '=', programId)
      .execute();
    loyalty.invalidate();
    // Farhan earned 80 points on each of his three claimed 8.00 sales above; Ben none.
    const tiered = await call('POST', '/loyalty/identify', { identifier: FARHAN, posVendor: posVendor('T-2') });
    expect(tiered.statusCode).toBe(200);
    expect(tiered.json().tier).toBe('Silver');
    const ben = await call('POST', '/loyalty/identify', { identifier: BEN, posVendor: posVendor('T-3') });
    expect(ben.json().tier).toBe('Member');
  });
});
