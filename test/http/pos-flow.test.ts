import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerSum } from '../../src/adapters/db/repositories/points-ledger.repository.ts';
import type { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { ANA, BEN, CHLOE, demoApp, FARHAN, PARTNER_KEY, posVendor, saleBody } from '../support/fixtures.ts';

describe.each(ENGINES)('Loyalty API v1 sale on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let loyalty: LoyaltyService;
  let programId: string;
  let clock = new Date('2026-11-25T17:00:00Z');

  beforeAll(async () => {
    db = await openTestDb(engine);
    ({ app, loyalty } = await demoApp(db, { now: () => clock }));
    programId = (await findProgramBySlug(db.kysely, 'bk-us'))!.id;
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const call = (method: 'POST' | 'PUT', url: string, body: unknown, key = PARTNER_KEY) =>
    app.inject({ method, url, headers: { 'x-api-key': key }, payload: body as object });
  const balanceOf = async (guest: string) => (await db.kysely.selectFrom('guests').select('balance').where('id', '=', guest).executeTakeFirstOrThrow()).balance;
  const identify = (identifier: string, posTxn: string, over: Record<string, unknown> = {}) =>
    call('POST', '/loyalty/identify', { identifier, posVendor: posVendor(posTxn, over) });

  it('runs code → identify → validate → PENDING → CLAIMED → void with the right balance at each step', async () => {
    const start = await balanceOf(FARHAN);
    const { code } = await loyalty.createCode(programId, FARHAN, ['rwd-whopper']);

    const id = await identify(code, 'S-1');
    expect(id.statusCode).toBe(200);
    const identified = id.json();
    expect(identified.balances).toEqual([{ amount: start - 700, currency: 'points' }]);
    expect(identified.loyaltyUser).toMatchObject({ id: FARHAN, name: 'Farhan' });
    expect(identified.order).toEqual([
      { name: 'Free Whopper', productId: '900102', incentiveId: 'rwd-whopper', quantity: '1', referenceId: '00', productType: 'REWARD', price: '0' },
    ]);
    const txn = identified.transactionId as string;

    const body = saleBody('S-1', [
      { price: '6.49', productType: 'combo', referenceId: '1' },
      { price: 0, referenceId: '2', parentReferenceId: '1' },
      { price: '0', productId: '900102', productType: 'reward', referenceId: '3' },
    ]);
    const validated = await call('POST', `/loyalty/transaction/pos/validate/${txn}`, body);
    expect(validated.statusCode).toBe(200);
    expect(validated.json()).toMatchObject({ pointsEarned: 64, pointsRedeemed: 700, points: start - 700 + 64, loyaltyId: FARHAN });
    expect(await balanceOf(FARHAN)).toBe(start);

    const pending = await call('PUT', `/loyalty/transaction/pos/${txn}`, { ...body, status: 'PENDING' });
    expect(pending.statusCode).toBe(200);
    // PENDING previews the claim's figures; only CLAIMED moves points.
    expect(pending.json()).toMatchObject({ pointsEarned: 64, pointsRedeemed: 700, points: start - 700 + 64 });
    expect(await balanceOf(FARHAN)).toBe(start);

    const claimed = await call('PUT', `/loyalty/transaction/pos/${txn}`, body);
    expect(claimed.statusCode).toBe(200);
    const answer = claimed.json();
    expect(answer).toMatchObject({ points: start - 700 + 64, pointsEarned: 64, pointsRedeemed: 700, loyaltyId: FARHAN, transactionId: txn });
    expect(answer.receiptCode).toMatch(/^[0-9A-HJ-NP-Z]{16}$/);
    expect(answer.presentation).toMatchObject({ header: 'Royal Perks', pointsEarned: 'Earned: 64', totalPoints: `Balance: ${start - 636}` });
    expect(await balanceOf(FARHAN)).toBe(start - 636);
    expect(await ledgerSum(db.kysely, FARHAN)).toBe(start - 636);

    const voided = await call('PUT', `/loyalty/transaction/pos/${txn}/void`, body);
    expect(voided.statusCode).toBe(200);
    expect(voided.json()).toEqual({ transactionId: txn });
    expect(await balanceOf(FARHAN)).toBe(start);
    expect(await ledgerSum(db.kysely, FARHAN)).toBe(start);

    const again = await call('POST', `/loyalty/transaction/pos/${txn}/void`, undefined);
    expect(again.json()).toEqual({ transactionId: txn });
    expect(await balanceOf(FARHAN)).toBe(start);
  });

  it('answers a repeated CLAIMED with the same body exactly as the first and moves no points', async () => {
    const txn = (await identify(ANA, 'S-2')).json().transactionId;
    const body = saleBody('S-2', [{ price: '10.00' }]);
    const first = await call('PUT', `/loyalty/transaction/pos/${txn}`, body);
    const balance = await balanceOf(ANA);
    const second = await call('PUT', `/loyalty/transaction/pos/${txn}`, body);
    expect(second.statusCode).toBe(200);
    expect(second.body).toBe(first.body);
    expect(await balanceOf(ANA)).toBe(balance);

    const different = await call('PUT', `/loyalty/transaction/pos/${txn}`, saleBody('S-2', [{ price: '20.00' }]));
    expect(different.json()).toMatchObject({ statusCode: 400 });
    expect(different.statusCode).toBe(400);
    expect(different.json().code).toBe('TransactionNotClaimable');
    expect(await balanceOf(ANA)).toBe(balance);
  });

  it('gives the same POS sale the same loyalty transaction, and refuses the code for any other sale', async () => {
    const { code } = await loyalty.createCode(programId, CHLOE, []);
    const a = await identify(code, 'S-3');
    const b = await identify(code, 'S-3');
    expect(b.json().transactionId).toBe(a.json().transactionId);
    const other = await identify(code, 'S-4');
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'OrderSelectionStatusUnclaimable', statusCode: 422 });
    const byId1 = await identify(CHLOE, 'S-5');
    const byId2 = await identify(CHLOE, 'S-5');
    expect(byId2.json().transactionId).toBe(byId1.json().transactionId);
  });

  it('lets a code expire after 300 seconds', async () => {
    const { code } = await loyalty.createCode(programId, BEN, []);
    clock = new Date(clock.getTime() + 301_000);
    const late = await identify(code, 'S-6');
    expect(late.statusCode).toBe(404);
    expect(late.json().code).toBe('IdentifierNotFound');
  });

  it('answers the documented errors', async () => {
    expect((await identify('12ab', 'S-7')).json()).toMatchObject({ code: 'InvalidIdentifier', statusCode: 422 });
    expect((await identify('000000', 'S-7')).json()).toMatchObject({ code: 'IdentifierNotFound', statusCode: 404 });
    expect((await identify(FARHAN, 'S-7', { storeId: 'nope' })).json()).toMatchObject({ code: 'StoreNotFound', statusCode: 404 });
    const noKey = await app.inject({ method: 'POST', url: '/loyalty/identify', payload: { identifier: FARHAN, posVendor: posVendor('S-7') } });
    expect(noKey.statusCode).toBe(401);
    expect((await call('POST', '/loyalty/identify', { identifier: FARHAN, posVendor: posVendor('S-7') }, 'wrong')).statusCode).toBe(401);
    const missing = await call('PUT', '/loyalty/transaction/pos/4d2e8c1a-0000-4000-8000-000000000000', saleBody('S-7', [{ price: 1 }]));
    expect(missing.json()).toMatchObject({ code: 'TransactionNotFoundError', statusCode: 404 });
  });

  it('lists every failing rule in the RulesError envelope and moves nothing, keeping only the rule results', async () => {
    const txn = (await identify(BEN, 'S-8')).json().transactionId;
    const body = saleBody('S-8', [
      { price: '4.00' },
      { price: 0, productType: 'reward', productId: '900101' },
      { price: '2.00', productType: 'offer', productId: '900201' },
    ]);
    const res = await call('PUT', `/loyalty/transaction/pos/${txn}`, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: 'RulesError',
      statusCode: 400,
      message: 'Rule evaluation failed',
      details: {
        isEngineError: true,
        errorConfig: { timeout: 0, method: 'put', data: '__REDACTED__', url: `http://localhost:80/loyalty/transaction/pos/${txn}` },
        ruleEvaluation: [
          {
            code: 'insufficient-subtotal-spend',
            ruleId: 'subtotal-spend',
            incentiveId: 'ofr-2-off-10',
            currentValue: 400,
            targetValue: 1000,
            message: expect.any(String),
          },
          {
            code: 'insufficient-point-balance',
            ruleId: 'point-balance',
            incentiveId: 'rwd-small-fries',
            currentValue: 0,
            targetValue: 250,
            message: 'User does not have sufficient funds to redeem reward',
          },
        ],
      },
    });
    const row = await db.kysely
      .selectFrom('loyalty_transactions')
      .select(['status', 'points_earned', 'rule_results'])
      .where('id', '=', txn)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'OPEN', points_earned: 0 });
    // Only the verdict is kept, for the back office's transaction view.
    expect(JSON.parse(row.rule_results!)).toMatchObject({
      stage: 'CLAIMED',
      incentives: [
        { incentiveId: 'rwd-small-fries', applied: false, rules: [{ ruleId: 'point-balance', passed: false }] },
        {
          incentiveId: 'ofr-2-off-10',
          applied: false,
          rules: [{ ruleId: 'subtotal-spend', passed: false, failure: { code: 'insufficient-subtotal-spend', currentValue: 400, targetValue: 1000 } }],
        },
      ],
    });
  });

  it('refuses a service-mode offer outside its mode and accepts it in it', async () => {
    const txn = (await identify(ANA, 'S-9')).json().transactionId;
    const lines = [{ price: '3.00' }, { price: 0, productType: 'offer', incentiveId: 'ofr-drive-thru-nuggets' }];
    const eatIn = await call('POST', `/loyalty/transaction/pos/validate/${txn}`, saleBody('S-9', lines, { serviceMode: 'Eatin' }));
    expect(eatIn.json().details.ruleEvaluation[0]).toMatchObject({ code: 'invalid-service-mode', ruleId: 'service-mode' });
    const driveThru = await call('POST', `/loyalty/transaction/pos/validate/${txn}`, saleBody('S-9', lines, { serviceMode: 'DRIVE_THRU' }));
    expect(driveThru.statusCode).toBe(200);
  });

  it('validate records rule results on a refusal and when the verdict changes, not for a passing dry run', async () => {
    const txn = (await identify(ANA, 'S-10')).json().transactionId;
    const lines = [{ price: '3.00' }, { price: 0, productType: 'offer', incentiveId: 'ofr-drive-thru-nuggets' }];
    const recorded = async () => {
      const row = await db.kysely.selectFrom('loyalty_transactions').select('rule_results').where('id', '=', txn).executeTakeFirstOrThrow();
      return row.rule_results === null ? null : (JSON.parse(row.rule_results) as { stage: string; incentives: { applied: boolean }[] });
    };
    // A passing dry run of a sale with nothing recorded writes nothing: PENDING and CLAIMED record theirs.
    expect((await call('POST', `/loyalty/transaction/pos/validate/${txn}`, saleBody('S-10', lines, { serviceMode: 'DRIVE_THRU' }))).statusCode).toBe(200);
    expect(await recorded()).toBeNull();
    // A refusal is recorded, for the back office.
    expect((await call('POST', `/loyalty/transaction/pos/validate/${txn}`, saleBody('S-10', lines, { serviceMode: 'Eatin' }))).statusCode).toBe(400);
    expect(await recorded()).toMatchObject({ stage: 'validate', incentives: [{ applied: false }] });
    // A passing dry run after it replaces the stale verdict.
    expect((await call('POST', `/loyalty/transaction/pos/validate/${txn}`, saleBody('S-10', lines, { serviceMode: 'DRIVE_THRU' }))).statusCode).toBe(200);
    expect(await recorded()).toMatchObject({ stage: 'validate', incentives: [{ applied: true }] });
  });

  it('records an anonymous sale once, with a receipt code and a claim URL', async () => {
    const body = saleBody('U-1', [{ price: '8.25' }], { loyaltyId: undefined });
    const first = await call('POST', '/loyalty/transaction/pos', body);
    expect(first.statusCode).toBe(200);
    const answer = first.json();
    expect(answer.receiptCode).toMatch(/^[0-9A-HJ-NP-Z]{16}$/);
    expect(answer.presentation).toMatchObject({ marketing: expect.stringContaining('82'), qrCode: `http://tillpoint.test/r/${answer.receiptCode}` });
    const repeat = await call('POST', '/loyalty/transaction/pos', body);
    expect(repeat.json()).toEqual(answer);
    const rows = await db.kysely.selectFrom('loyalty_transactions').select('id').where('pos_transaction_id', '=', 'U-1').execute();
    expect(rows).toHaveLength(1);
  });
});
