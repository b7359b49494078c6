import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import { ledgerSum } from '../../src/adapters/db/repositories/points-ledger.repository.ts';
import { createApiKey, createGuest, createProgram, createStore } from '../../src/app/provisioning.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { demoApp, PARTNER_KEY, posVendor, saleBody } from '../support/fixtures.ts';

describe.each(ENGINES)('safety on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let programId: string;
  const at = new Date('2026-11-25T12:00:00Z');

  beforeAll(async () => {
    db = await openTestDb(engine, { poolSize: 20 });
    ({ app } = await demoApp(db));
    programId = (await findProgramBySlug(db.kysely, 'bk-us'))!.id;
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const call = (method: 'POST' | 'PUT', url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers: { 'x-api-key': PARTNER_KEY, ...headers }, payload: payload as string });
  const countRows = async () => {
    const [t, l] = await Promise.all([
      db.kysely
        .selectFrom('loyalty_transactions')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirstOrThrow(),
      db.kysely
        .selectFrom('points_ledger')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return [Number(t.n), Number(l.n)];
  };

  it('never overdraws when 50 claims redeem from one guest at once', async () => {
    // 2,500 points and 50 sales that each redeem a 250-point reward: exactly 10 can succeed.
    const guest = await createGuest(db.kysely, programId, { name: 'Racer', points: 2500 }, at);
    const txns: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await call('POST', '/loyalty/identify', { identifier: guest, posVendor: posVendor(`R-${i}`) });
      txns.push(res.json().transactionId);
    }
    const results = await Promise.all(
      txns.map((txn, i) =>
        call('PUT', `/loyalty/transaction/pos/${txn}`, saleBody(`R-${i}`, [{ price: '0.50' }, { price: 0, productType: 'reward', productId: '900101' }])),
      ),
    );
    const ok = results.filter((r) => r.statusCode === 200);
    const refused = results.filter((r) => r.statusCode === 400);
    expect(ok.length + refused.length).toBe(50);
    expect(ok).toHaveLength(10);
    for (const r of refused) expect(r.json().details.ruleEvaluation[0].code).toBe('insufficient-point-balance');
    const balance = (await db.kysely.selectFrom('guests').select('balance').where('id', '=', guest).executeTakeFirstOrThrow()).balance;
    expect(balance).toBe(10 * 5); // each successful sale earned 5 points on $0.50
    expect(await ledgerSum(db.kysely, guest)).toBe(balance);
    const claimed = await db.kysely.selectFrom('loyalty_transactions').select('id').where('guest_id', '=', guest).where('status', '=', 'CLAIMED').execute();
    expect(claimed).toHaveLength(10);
  });

  it.each([1000, 100_000])('claims once when the same CLAIMED arrives 10 times at once (balance %i)', async (points) => {
    const guest = await createGuest(db.kysely, programId, { name: 'Retry', points }, at);
    const txn = (await call('POST', '/loyalty/identify', { identifier: guest, posVendor: posVendor(`D-${points}`) })).json().transactionId;
    const body = saleBody(`D-${points}`, [{ price: '10.00' }, { price: 0, productType: 'reward', productId: '900102' }]);
    const results = await Promise.all(Array.from({ length: 10 }, () => call('PUT', `/loyalty/transaction/pos/${txn}`, body)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => r.body)).size).toBe(1);
    expect(await ledgerSum(db.kysely, guest)).toBe(points - 700 + 100);
  });

  it('earns once per sale when 30 sales of one guest that redeem nothing claim at once', async () => {
    // On PostgreSQL these take the one-statement claim, which applies only while the balance is the
    // one the answer was rendered with; the others fall back to the transactional claim.
    const guest = await createGuest(db.kysely, programId, { name: 'Earner', points: 100 }, at);
    const txns: string[] = [];
    for (let i = 0; i < 30; i++) {
      txns.push((await call('POST', '/loyalty/identify', { identifier: guest, posVendor: posVendor(`N-${i}`) })).json().transactionId);
    }
    const results = await Promise.all(txns.map((txn, i) => call('PUT', `/loyalty/transaction/pos/${txn}`, saleBody(`N-${i}`, [{ price: '0.50' }]))));
    expect(results.map((r) => r.statusCode)).toEqual(Array(30).fill(200));
    const balance = (await db.kysely.selectFrom('guests').select('balance').where('id', '=', guest).executeTakeFirstOrThrow()).balance;
    expect(balance).toBe(100 + 30 * 5);
    expect(await ledgerSum(db.kysely, guest)).toBe(balance);
    // Every answer shows the balance right after its own sale, as its ledger row does.
    const earned = await db.kysely.selectFrom('points_ledger').select('balance_after').where('guest_id', '=', guest).where('kind', '=', 'EARN').execute();
    const answered = results.map((r) => r.json().points as number);
    expect(answered.sort((a, b) => a - b)).toEqual(earned.map((e) => e.balance_after).sort((a, b) => a - b));
    expect(new Set(answered).size).toBe(30);
    // A retry answers byte for byte as the first time and moves nothing.
    const again = await call('PUT', `/loyalty/transaction/pos/${txns[0]}`, saleBody('N-0', [{ price: '0.50' }]));
    expect(again.body).toBe(results[0]!.body);
    expect(await ledgerSum(db.kysely, guest)).toBe(balance);
  });

  it('claims once when the same CLAIMED that redeems nothing arrives 10 times at once', async () => {
    const guest = await createGuest(db.kysely, programId, { name: 'Retry earner', points: 40 }, at);
    const txn = (await call('POST', '/loyalty/identify', { identifier: guest, posVendor: posVendor('DN-1') })).json().transactionId;
    const body = saleBody('DN-1', [{ price: '10.00' }]);
    const results = await Promise.all(Array.from({ length: 10 }, () => call('PUT', `/loyalty/transaction/pos/${txn}`, body)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => r.body)).size).toBe(1);
    expect(await ledgerSum(db.kysely, guest)).toBe(40 + 100);
    const events = await db.kysely.selectFrom('outbox_events').select('payload').where('type', '=', 'transaction.claimed').execute();
    expect(events.filter((e) => (JSON.parse(e.payload) as { transactionId: string }).transactionId === txn)).toHaveLength(1);
  });

  it('keeps the ledger whole when a claim and a void of the same sale race', async () => {
    const guest = await createGuest(db.kysely, programId, { name: 'Racer 2', points: 20 }, at);
    for (let i = 0; i < 10; i++) {
      const txn = (await call('POST', '/loyalty/identify', { identifier: guest, posVendor: posVendor(`CV-${i}`) })).json().transactionId;
      const [claim, voided] = await Promise.all([
        call('PUT', `/loyalty/transaction/pos/${txn}`, saleBody(`CV-${i}`, [{ price: '3.00' }])),
        call('PUT', `/loyalty/transaction/pos/${txn}/void`, undefined),
      ]);
      expect(voided.statusCode).toBe(200);
      expect([200, 400]).toContain(claim.statusCode);
    }
    const balance = (await db.kysely.selectFrom('guests').select('balance').where('id', '=', guest).executeTakeFirstOrThrow()).balance;
    expect(balance).toBe(20);
    expect(await ledgerSum(db.kysely, guest)).toBe(20);
  });

  it("takes what a sale redeemed out of the guest's pre-selection and keeps the rest, in the claim", async () => {
    const guest = await createGuest(db.kysely, programId, { name: 'Selector', points: 1000 }, at);
    const selection = ['rwd-whopper', 'rwd-small-fries', 'rwd-whopper'];
    await db.kysely
      .insertInto('guest_selections')
      .values({ guest_id: guest, program_id: programId, incentive_ids: JSON.stringify(selection), updated_at: at.toISOString() })
      .execute();
    const txn = (await call('POST', '/loyalty/identify', { identifier: guest, posVendor: posVendor('SEL-1') })).json().transactionId;
    const res = await call(
      'PUT',
      `/loyalty/transaction/pos/${txn}`,
      saleBody('SEL-1', [{ price: '1.00' }, { price: 0, productType: 'reward', productId: '900101' }]),
    );
    expect(res.statusCode).toBe(200);
    const row = await db.kysely.selectFrom('guest_selections').select('incentive_ids').where('guest_id', '=', guest).executeTakeFirstOrThrow();
    expect(row.incentive_ids).toBe(JSON.stringify(['rwd-whopper', 'rwd-whopper']));
    expect(await ledgerSum(db.kysely, guest)).toBe(1000 - 250 + 10);
  });

  it('voids once when the void arrives 5 times at once', async () => {
    const guest = await createGuest(db.kysely, programId, { name: 'Voider', points: 300 }, at);
    const txn = (await call('POST', '/loyalty/identify', { identifier: guest, posVendor: posVendor('V-1') })).json().transactionId;
    await call('PUT', `/loyalty/transaction/pos/${txn}`, saleBody('V-1', [{ price: '5.00' }, { price: 0, productType: 'reward', productId: '900101' }]));
    const results = await Promise.all(Array.from({ length: 5 }, () => call('PUT', `/loyalty/transaction/pos/${txn}/void`, undefined)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(5).fill(200));
    expect(await ledgerSum(db.kysely, guest)).toBe(300);
    const entries = await db.kysely.selectFrom('points_ledger').select('kind').where('transaction_id', '=', txn).execute();
    expect(entries.map((e) => e.kind).sort()).toEqual(['EARN', 'REDEEM', 'VOID_EARN', 'VOID_REDEEM']);
  });

  it('takes back earned points only as far as the balance allows when voiding', async () => {
    const guest = await createGuest(db.kysely, programId, { name: 'Spender', points: 0 }, at);
    const t1 = (await call('POST', '/loyalty/identify', { identifier: guest, posVendor: posVendor('E-1') })).json().transactionId;
    await call('PUT', `/loyalty/transaction/pos/${t1}`, saleBody('E-1', [{ price: '30.00' }])); // +300
    const t2 = (await call('POST', '/loyalty/identify', { identifier: guest, posVendor: posVendor('E-2') })).json().transactionId;
    await call('PUT', `/loyalty/transaction/pos/${t2}`, saleBody('E-2', [{ price: 0, productType: 'reward', productId: '900101' }])); // -250
    await call('PUT', `/loyalty/transaction/pos/${t1}/void`, undefined);
    const balance = (await db.kysely.selectFrom('guests').select('balance').where('id', '=', guest).executeTakeFirstOrThrow()).balance;
    expect(balance).toBe(0);
    expect(await ledgerSum(db.kysely, guest)).toBe(0);
  });

  describe('bad input answers 400 naming the field and writes nothing', () => {
    const cases: [string, () => unknown, string][] = [
      ['malformed JSON', () => '{"identifier": ', 'body'],
      ['a missing field', () => ({ posVendor: posVendor('B-1') }), 'identifier'],
      ['a wrong type', () => ({ identifier: 123456, posVendor: posVendor('B-1') }), 'identifier'],
      ['a missing nested field', () => ({ identifier: '123456', posVendor: { posType: 'Partner', terminal: '1', transactionId: 'x' } }), 'posVendor.storeId'],
      ['an empty body', () => '', 'body'],
      ['an array body', () => '[]', 'body'],
      ['prototype poisoning', () => '{"identifier":"123456","__proto__":{"x":1},"posVendor":{}}', 'body'],
    ];
    it.each(cases)('identify with %s', async (_name, payload, field) => {
      const before = await countRows();
      const res = await app.inject({
        method: 'POST',
        url: '/loyalty/identify',
        headers: { 'x-api-key': PARTNER_KEY, 'content-type': 'application/json' },
        payload: typeof payload() === 'string' ? (payload() as string) : JSON.stringify(payload()),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ValidationError', statusCode: 400, details: { field } });
      expect(await countRows()).toEqual(before);
    });

    const saleCases: [string, (b: ReturnType<typeof saleBody>) => unknown, string][] = [
      ['a negative price', (b) => ((b.transactionDetails.order[0]!.price = '-1.00'), b), 'transactionDetails.order[0].price'],
      ['three decimals', (b) => ((b.transactionDetails.order[0]!.price = '1.001'), b), 'transactionDetails.order[0].price'],
      ['a price that is no number', (b) => ((b.transactionDetails.order[0]!.price = 'five'), b), 'transactionDetails.order[0].price'],
      ['a negative quantity', (b) => ((b.transactionDetails.order[0]!.quantity = -2), b), 'transactionDetails.order[0].quantity'],
      ['duplicate referenceIds', (b) => ((b.transactionDetails.order[1]!.referenceId = '1'), b), 'transactionDetails.order[1].referenceId'],
      ['an unknown service mode', (b) => ({ ...b, serviceMode: 'JETPACK' }), 'serviceMode'],
      ['an unknown status', (b) => ({ ...b, status: 'DONE' }), 'status'],
      ['a missing order', (b) => ({ ...b, transactionDetails: { ...b.transactionDetails, order: undefined } }), 'transactionDetails.order'],
      ['a payment in major units', (b) => ((b.transactionDetails.payments[0]!.amount = 5.5), b), 'transactionDetails.payments[0].amount'],
    ];
    it.each(saleCases)('a CLAIMED update with %s', async (_name, mutate, field) => {
      const guest = await createGuest(db.kysely, programId, { name: 'Bad', points: 1000 }, at);
      const txn = (await call('POST', '/loyalty/identify', { identifier: guest, posVendor: posVendor(`B-${field}`) })).json().transactionId;
      const before = await countRows();
      const res = await call('PUT', `/loyalty/transaction/pos/${txn}`, mutate(saleBody(`B-${field}`, [{ price: '1.00' }, { price: '2.00' }])));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ValidationError', statusCode: 400, details: { field } });
      expect(await countRows()).toEqual(before);
    });

    it('refuses an oversized body with 413 in the envelope', async () => {
      const huge = JSON.stringify({ identifier: 'x'.repeat(300_000), posVendor: posVendor('Z') });
      const res = await app.inject({
        method: 'POST',
        url: '/loyalty/identify',
        headers: { 'x-api-key': PARTNER_KEY, 'content-type': 'application/json' },
        payload: huge,
      });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'PayloadTooLarge', statusCode: 413 });
    });

    it('refuses a body that is not JSON with 415', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/loyalty/identify',
        headers: { 'x-api-key': PARTNER_KEY, 'content-type': 'text/plain' },
        payload: 'hello',
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().code).toBe('UnsupportedMediaType');
    });

    it('names a bad x-user-datetime header', async () => {
      const res = await call(
        'POST',
        '/loyalty/identify',
        { identifier: '4711fc2a-3a8f-414f-a9e7-44dd5231dca7', posVendor: posVendor('H-1') },
        { 'x-user-datetime': 'noon' },
      );
      expect(res.json()).toMatchObject({ code: 'ValidationError', details: { field: 'x-user-datetime' } });
    });
  });

  it("never shows one program another program's stores, guests or transactions", async () => {
    const other = await createProgram(db.kysely, { slug: 'plk-ca', name: 'Other', currency: 'CAD', earnRateMilli: 1000, expiry: { kind: 'none' } }, at);
    await createStore(db.kysely, other, { externalId: '5555', name: 'Toronto', timeZone: 'America/Toronto' }, at);
    const { key } = await createApiKey(db.kysely, other, 'partner', 'test', at);
    const bkTxn = (await call('POST', '/loyalty/identify', { identifier: '4711fc2a-3a8f-414f-a9e7-44dd5231dca7', posVendor: posVendor('X-1') })).json()
      .transactionId;
    const asOther = (method: 'POST' | 'PUT', url: string, body: unknown) => app.inject({ method, url, headers: { 'x-api-key': key }, payload: body as object });

    expect(
      (
        await asOther('POST', '/loyalty/identify', { identifier: '4711fc2a-3a8f-414f-a9e7-44dd5231dca7', posVendor: posVendor('X-2', { storeId: '5555' }) })
      ).json().code,
    ).toBe('IdentifierNotFound');
    expect((await asOther('POST', '/loyalty/identify', { identifier: '4711fc2a-3a8f-414f-a9e7-44dd5231dca7', posVendor: posVendor('X-2') })).json().code).toBe(
      'StoreNotFound',
    );
    expect((await asOther('POST', `/loyalty/transaction/pos/validate/${bkTxn}`, saleBody('X-1', [{ price: 1 }]))).json().code).toBe('TransactionNotFoundError');
    expect((await asOther('PUT', `/loyalty/transaction/pos/${bkTxn}`, saleBody('X-1', [{ price: 1 }]))).json().code).toBe('TransactionNotFoundError');
    expect((await asOther('PUT', `/loyalty/transaction/pos/${bkTxn}/void`, undefined)).json().code).toBe('TransactionNotFoundError');
    const status = await db.kysely.selectFrom('loyalty_transactions').select('status').where('id', '=', bkTxn).executeTakeFirstOrThrow();
    expect(status.status).toBe('OPEN');
  });

  it('answers RedeemRewardError where loyalty is switched off', async () => {
    await createStore(db.kysely, programId, { externalId: '7777', name: 'Closed', timeZone: 'America/Denver', loyaltyEnabled: false }, at);
    const res = await call('POST', '/loyalty/identify', {
      identifier: '4711fc2a-3a8f-414f-a9e7-44dd5231dca7',
      posVendor: posVendor('L-1', { storeId: '7777' }),
    });
    expect(res.json()).toMatchObject({ code: 'RedeemRewardError', statusCode: 400 });
  });
});
