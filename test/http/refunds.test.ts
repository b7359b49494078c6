import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerSum } from '../../src/adapters/db/repositories/points-ledger.repository.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { ANA, demoApp, FARHAN, PARTNER_KEY, posVendor, saleBody } from '../support/fixtures.ts';

/**
 * Partial refunds: POST /loyalty/transaction/pos/{id}/refund names refunded lines; earned points
 * follow the goods (rounded down), a reward comes back only with its line, retries answer the same.
 */
describe.each(ENGINES)('partial refunds on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await openTestDb(engine);
    ({ app } = await demoApp(db, { now: () => new Date('2026-11-25T17:00:00Z') }));
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const call = (method: 'POST' | 'PUT', url: string, body?: unknown) =>
    app.inject({ method, url, headers: { 'x-api-key': PARTNER_KEY }, ...(body === undefined ? {} : { payload: body as object }) });
  const balanceOf = async (guest: string) => (await db.kysely.selectFrom('guests').select('balance').where('id', '=', guest).executeTakeFirstOrThrow()).balance;
  const ledgerRows = async () =>
    Number(
      (
        await db.kysely
          .selectFrom('points_ledger')
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const refund = (txn: string, refundId: string, lines: { referenceId: string | number; quantity: number }[]) =>
    call('POST', `/loyalty/transaction/pos/${txn}/refund`, { refundId, lines });

  /** Burgers 2 × 5.99, fries 2.49 and a free Whopper (700 points): 1447 cents earn 144 points. */
  const LINES = [
    { price: '5.99', quantity: 2, referenceId: '1', productId: 'BURGER' },
    { price: '2.49', referenceId: '2', productId: 'FRIES' },
    { price: '0', productId: '900102', productType: 'reward', referenceId: '3' },
  ];

  async function claimedSale(guest: string, posTxn: string): Promise<string> {
    const id = await call('POST', '/loyalty/identify', { identifier: guest, posVendor: posVendor(posTxn) });
    expect(id.statusCode).toBe(200);
    const txn = id.json().transactionId as string;
    const claimed = await call('PUT', `/loyalty/transaction/pos/${txn}`, saleBody(posTxn, LINES));
    expect(claimed.statusCode).toBe(200);
    expect(claimed.json()).toMatchObject({ pointsEarned: 144, pointsRedeemed: 700 });
    return txn;
  }

  it('reverses the refunded lines’ points rounded down, gives a reward back only with its line, and ends at zero', async () => {
    const start = await balanceOf(FARHAN);
    const txn = await claimedSale(FARHAN, 'R-1');
    expect(await balanceOf(FARHAN)).toBe(start - 700 + 144);

    // One burger: 144 × 599 / 1447 = 59.6 → 59. The reward's line is not refunded: nothing back.
    const first = await refund(txn, 'POS-REF-1', [{ referenceId: '1', quantity: 1 }]);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      transactionId: txn,
      refundId: 'POS-REF-1',
      pointsReversed: 59,
      pointsReturned: 0,
      points: start - 700 + 144 - 59,
      returnedIncentives: [],
      lines: [{ referenceId: '1', quantity: 1 }],
    });
    expect(await ledgerSum(db.kysely, FARHAN)).toBe(await balanceOf(FARHAN));

    // The reward's line: its 700 points come back, no earned points move.
    const second = await refund(txn, 'POS-REF-2', [{ referenceId: 3, quantity: 1 }]);
    expect(second.json()).toMatchObject({
      pointsReversed: 0,
      pointsReturned: 700,
      returnedIncentives: [{ incentiveId: 'rwd-whopper', kind: 'REWARD', quantity: 1, points: 700 }],
    });
    const redemption = await db.kysely
      .selectFrom('redemptions')
      .select(['returned_quantity', 'quantity'])
      .where('transaction_id', '=', txn)
      .executeTakeFirstOrThrow();
    expect(redemption).toEqual({ returned_quantity: 1, quantity: 1 });

    // The rest of the goods: the running total is 144 × 1447 / 1447, so this one takes 85.
    const third = await refund(txn, 'POS-REF-3', [
      { referenceId: '2', quantity: 1 },
      { referenceId: '1', quantity: 1 },
    ]);
    expect(third.json()).toMatchObject({ pointsReversed: 85, pointsReturned: 0 });
    expect(await balanceOf(FARHAN)).toBe(start);
    expect(await ledgerSum(db.kysely, FARHAN)).toBe(start);

    // A void afterwards has nothing left to reverse.
    expect((await call('PUT', `/loyalty/transaction/pos/${txn}/void`)).statusCode).toBe(200);
    expect(await balanceOf(FARHAN)).toBe(start);
    expect(await ledgerSum(db.kysely, FARHAN)).toBe(start);
  });

  it('a retried refund answers the same and moves nothing; the same refundId with other lines is 409', async () => {
    const txn = await claimedSale(ANA, 'R-2');
    const first = await refund(txn, 'POS-REF-9', [
      { referenceId: '2', quantity: 1 },
      { referenceId: '1', quantity: 1 },
    ]);
    expect(first.statusCode).toBe(200);
    const rows = await ledgerRows();
    const balance = await balanceOf(ANA);
    const retry = await refund(txn, 'POS-REF-9', [
      { referenceId: '1', quantity: 1 },
      { referenceId: '2', quantity: 1 },
    ]);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    expect(await ledgerRows()).toBe(rows);
    expect(await balanceOf(ANA)).toBe(balance);

    const other = await refund(txn, 'POS-REF-9', [{ referenceId: '1', quantity: 2 }]);
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'Conflict', details: { field: 'refundId' } });
    expect(await ledgerRows()).toBe(rows);
  });

  it('refuses to refund more than was sold, over several refunds, with a 400 naming the line and nothing written', async () => {
    const txn = await claimedSale(ANA, 'R-3');
    expect((await refund(txn, 'A', [{ referenceId: '1', quantity: 1 }])).statusCode).toBe(200);
    const rows = await ledgerRows();
    const balance = await balanceOf(ANA);

    const over = await refund(txn, 'B', [
      { referenceId: '2', quantity: 1 },
      { referenceId: '1', quantity: 2 },
    ]);
    expect(over.statusCode).toBe(400);
    expect(over.json()).toMatchObject({ code: 'ValidationError', details: { field: 'lines[1].quantity' } });
    expect(over.json().message).toContain('only 1 of 2 remain unrefunded');

    const unknown = await refund(txn, 'C', [{ referenceId: '99', quantity: 1 }]);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'ValidationError', details: { field: 'lines[0].referenceId' } });

    const twice = await refund(txn, 'D', [
      { referenceId: '2', quantity: 1 },
      { referenceId: 2, quantity: 1 },
    ]);
    expect(twice.json()).toMatchObject({ code: 'ValidationError', details: { field: 'lines[1].referenceId' } });

    const zero = await refund(txn, 'E', [{ referenceId: '2', quantity: 0 }]);
    expect(zero.statusCode).toBe(400);
    expect(zero.json().details.field).toBe('lines[0].quantity');
    const noId = await call('POST', `/loyalty/transaction/pos/${txn}/refund`, { lines: [{ referenceId: '2', quantity: 1 }] });
    expect(noId.statusCode).toBe(400);
    expect(noId.json().details.field).toBe('refundId');

    expect(await ledgerRows()).toBe(rows);
    expect(await balanceOf(ANA)).toBe(balance);
    expect(await ledgerSum(db.kysely, ANA)).toBe(balance);
  });

  it('only a claimed sale can be refunded; a void after a partial refund reverses the rest', async () => {
    const open = (await call('POST', '/loyalty/identify', { identifier: ANA, posVendor: posVendor('R-4') })).json().transactionId as string;
    const notClaimed = await refund(open, 'X', [{ referenceId: '1', quantity: 1 }]);
    expect(notClaimed.statusCode).toBe(400);
    expect(notClaimed.json().code).toBe('TransactionNotClaimable');
    expect((await refund('6f1c2d3e-0000-4000-8000-000000000000', 'X', [{ referenceId: '1', quantity: 1 }])).statusCode).toBe(404);

    const start = await balanceOf(ANA);
    const txn = await claimedSale(ANA, 'R-5');
    expect((await refund(txn, 'P-1', [{ referenceId: '1', quantity: 1 }])).json().pointsReversed).toBe(59);
    expect((await call('PUT', `/loyalty/transaction/pos/${txn}/void`)).statusCode).toBe(200);
    expect(await balanceOf(ANA)).toBe(start);
    expect(await ledgerSum(db.kysely, ANA)).toBe(start);
    const voidEarn = await db.kysely
      .selectFrom('points_ledger')
      .select(['kind', 'points'])
      .where('transaction_id', '=', txn)
      .where('kind', '=', 'VOID_EARN')
      .orderBy('points')
      .execute();
    expect(voidEarn.map((r) => r.points).sort((a, b) => a - b)).toEqual([-85, -59]);

    const afterVoid = await refund(txn, 'P-2', [{ referenceId: '2', quantity: 1 }]);
    expect(afterVoid.statusCode).toBe(400);
    expect(afterVoid.json().code).toBe('TransactionNotClaimable');
    // …while the earlier refund still answers its retry.
    expect((await refund(txn, 'P-1', [{ referenceId: '1', quantity: 1 }])).json().pointsReversed).toBe(59);
  });

  it('is in the OpenAPI document with its body and answers', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const op = doc.paths['/loyalty/transaction/pos/{loyaltyTransactionId}/refund'].post;
    expect(op.requestBody.content['application/json'].schema.required).toEqual(['refundId', 'lines']);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '409']));
  });
});
