import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import { ledgerSum } from '../../src/adapters/db/repositories/points-ledger.repository.ts';
import { MAX_ADJUSTMENT, MAX_AMOUNT_MINOR, MAX_EARN_RATE_MILLI, MAX_POINTS } from '../../src/domain/limits.ts';
import { type AdminClient, demoOwner } from '../support/admin.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { BEN, CHLOE, demoApp, PARTNER_KEY, posVendor, saleBody } from '../support/fixtures.ts';

/** The largest sale, line, balance and adjustment Tillpoint accepts (docs/points.md), exact on both engines. */
describe.each(ENGINES)('amount limits on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let owner: AdminClient;
  let programId: string;

  beforeAll(async () => {
    db = await openTestDb(engine);
    ({ app } = await demoApp(db, { now: () => new Date('2026-11-25T17:00:00Z') }));
    programId = (await findProgramBySlug(db.kysely, 'bk-us'))!.id;
    owner = await demoOwner(app);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const call = (method: 'POST' | 'PUT', url: string, body: unknown) =>
    app.inject({ method, url, headers: { 'x-api-key': PARTNER_KEY }, ...(body === undefined ? {} : { payload: body as object }) });
  const balanceOf = async (guest: string) => (await db.kysely.selectFrom('guests').select('balance').where('id', '=', guest).executeTakeFirstOrThrow()).balance;
  async function identified(guest: string, posTxn: string): Promise<string> {
    const id = await call('POST', '/loyalty/identify', { identifier: guest, posVendor: posVendor(posTxn) });
    expect(id.statusCode).toBe(200);
    return id.json().transactionId as string;
  }
  /** SQLite keeps a column's storage class per value: an integer column can still hold a REAL. */
  async function storageClasses(guest: string): Promise<string[]> {
    if (engine !== 'sqlite') return [];
    const r = await sql<{ t: string }>`select typeof(balance) as t from guests where id = ${guest}
      union select typeof(points) from points_ledger where guest_id = ${guest}
      union select typeof(balance_after) from points_ledger where guest_id = ${guest}`.execute(db.kysely);
    return r.rows.map((x) => x.t);
  }
  const expectField = (res: { statusCode: number; json(): unknown }, field: string) => {
    expect(res.statusCode, JSON.stringify(res.json())).toBe(400);
    expect(res.json()).toMatchObject({ code: 'ValidationError', statusCode: 400, details: { field } });
  };

  it('earns exactly on the largest sale and takes it all back on void: the balance is the ledger sum, an integer', async () => {
    const start = await balanceOf(BEN);
    const txn = await identified(BEN, 'MAX-1');
    // The line: 99,999,999.99 × 10 = 999,999,999.90, just under the largest sale.
    const sale = await call('PUT', `/loyalty/transaction/pos/${txn}`, saleBody('MAX-1', [{ price: '99999999.99', quantity: 10 }], { loyaltyId: BEN }));
    expect(sale.statusCode, sale.body).toBe(200);
    // 99,999,999,990 cents at 10 points per $1, rounded down.
    expect(sale.json()).toMatchObject({ pointsEarned: 9_999_999_999, points: start + 9_999_999_999 });
    expect(await balanceOf(BEN)).toBe(start + 9_999_999_999);
    expect(await ledgerSum(db.kysely, BEN)).toBe(start + 9_999_999_999);
    expect(Number.isSafeInteger(await balanceOf(BEN))).toBe(true);
    const stored = await db.kysely
      .selectFrom('loyalty_transactions')
      .select(['subtotal_cents', 'points_earned'])
      .where('id', '=', txn)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ subtotal_cents: 99_999_999_990, points_earned: 9_999_999_999 });
    for (const t of await storageClasses(BEN)) expect(t).toBe('integer');

    const voided = await call('PUT', `/loyalty/transaction/pos/${txn}/void`, undefined);
    expect(voided.statusCode, voided.body).toBe(200);
    expect(await balanceOf(BEN)).toBe(start);
    expect(await ledgerSum(db.kysely, BEN)).toBe(start);
    for (const t of await storageClasses(BEN)) expect(t).toBe('integer');
  });

  it('accepts a sale of exactly the largest amount and earns exactly', async () => {
    const start = await balanceOf(BEN);
    const txn = await identified(BEN, 'MAX-2');
    const sale = await call('PUT', `/loyalty/transaction/pos/${txn}`, saleBody('MAX-2', [{ price: '999999999.99' }], { loyaltyId: BEN }));
    expect(sale.statusCode, sale.body).toBe(200);
    expect(MAX_AMOUNT_MINOR).toBe(99_999_999_999);
    expect(sale.json().pointsEarned).toBe(9_999_999_999); // 9,999,999,999.9 rounded down
    expect(await ledgerSum(db.kysely, BEN)).toBe(await balanceOf(BEN));
    expect(await balanceOf(BEN)).toBe(start + 9_999_999_999);
  });

  it('at the highest earning rate, the largest sale earns exactly up to the largest balance', async () => {
    const program = `/programs/${programId}`;
    const before = (await owner.call('GET', program)).body.earnRateMilli;
    expect((await owner.call('PATCH', program, { earnRateMilli: MAX_EARN_RATE_MILLI + 1 })).body).toMatchObject({ details: { field: 'earnRateMilli' } });
    expect((await owner.call('PATCH', program, { earnRateMilli: MAX_EARN_RATE_MILLI })).status).toBe(200);
    try {
      const guest = await owner.call('POST', `${program}/guests`, { name: 'Big Spender', email: 'big@example.test' });
      expect(guest.status, guest.text).toBe(201);
      const id = guest.body.id as string;
      const txn = await identified(id, 'MAX-R');
      const sale = await call('PUT', `/loyalty/transaction/pos/${txn}`, saleBody('MAX-R', [{ price: '999999999.99' }], { loyaltyId: id }));
      expect(sale.statusCode, sale.body).toBe(200);
      // 99,999,999,999 cents × 1,000 points per $1 = 999,999,999,990 points (9.99 rounded down).
      expect(sale.json()).toMatchObject({ pointsEarned: 999_999_999_990, points: 999_999_999_990 });
      expect(await balanceOf(id)).toBe(999_999_999_990);
      expect(await ledgerSum(db.kysely, id)).toBe(999_999_999_990);
      for (const t of await storageClasses(id)) expect(t).toBe('integer');
      expect((await call('PUT', `/loyalty/transaction/pos/${txn}/void`, undefined)).statusCode).toBe(200);
      expect(await balanceOf(id)).toBe(0);
      expect(await ledgerSum(db.kysely, id)).toBe(0);
    } finally {
      await owner.call('PATCH', program, { earnRateMilli: before });
    }
  });

  it('refuses a line, a sale, a quantity or a payment beyond the limits with a 400 naming the field', async () => {
    const sale = (lines: Parameters<typeof saleBody>[1], over: Record<string, unknown> = {}) =>
      call('POST', '/loyalty/transaction/pos', saleBody('BIG', lines, over));
    expectField(await sale([{ price: '1000000000.00' }]), 'transactionDetails.order[0].price');
    expectField(await sale([{ price: '999999999.99', quantity: 2 }]), 'transactionDetails.order[0].price');
    expectField(await sale([{ price: '999999999.99' }, { price: '0.01' }]), 'transactionDetails.order');
    expectField(await sale([{ price: '999999999999.99', quantity: 10_000 }]), 'transactionDetails.order[0].price');
    expectField(await sale([{ price: 1e308 }]), 'transactionDetails.order[0].price');
    expectField(await sale([{ price: '0.01', quantity: '99999' as unknown as number }]), 'transactionDetails.order[0].quantity');
    expectField(await sale([{ price: '0.01', quantity: 10_001 }]), 'transactionDetails.order[0].quantity');
    const base = saleBody('BIG', [{ price: '1.00' }]);
    for (const amount of [MAX_AMOUNT_MINOR + 1, 2 ** 53, 1e308]) {
      expectField(
        await call('POST', '/loyalty/transaction/pos', { ...base, transactionDetails: { ...base.transactionDetails, payments: [{ amount, type: 'CASH' }] } }),
        'transactionDetails.payments[0].amount',
      );
    }
    // The largest quantity, as digits, is fine.
    expect((await sale([{ price: '0.01', quantity: '10000' as unknown as number }])).statusCode).toBe(200);
  });

  it('keeps point costs within 999,999,999,999, adjustments within 10,000,000, and no balance beyond 999,999,999,999', async () => {
    const url = `/programs/${programId}/incentives/rwd-whopper`;
    const cost = await owner.call('PATCH', url, { pointCost: 2_147_483_648 });
    expect(cost.status, cost.text).toBe(200);
    expect((await owner.call('GET', url)).body.pointCost).toBe(2_147_483_648);
    for (const pointCost of [MAX_POINTS + 1, 1e308, 2 ** 53]) {
      const res = await owner.call('PATCH', url, { pointCost });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'ValidationError', details: { field: 'pointCost' } });
    }

    const adjust = (points: number) => owner.call('POST', `/programs/${programId}/guests/${CHLOE}/adjustments`, { points, reason: 'limit test' });
    for (const points of [MAX_ADJUSTMENT + 1, -MAX_ADJUSTMENT - 1, MAX_POINTS + 1, 1e308, 2 ** 53]) {
      const res = await adjust(points);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'ValidationError', details: { field: 'points' } });
    }
    // Near the limit (a hundred thousand adjustments or a hundred of the largest sales away): set
    // up as an adjustment written straight to the ledger and the balance.
    const start = await balanceOf(CHLOE);
    const gap = MAX_POINTS - MAX_ADJUSTMENT - start;
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .updateTable('guests')
        .set({ balance: start + gap })
        .where('id', '=', CHLOE)
        .execute();
      await trx
        .insertInto('points_ledger')
        .values({
          id: '0190e0c0-0000-7000-8000-00000000f00d',
          program_id: programId,
          guest_id: CHLOE,
          transaction_id: null,
          kind: 'ADJUST',
          points: gap,
          balance_after: start + gap,
          reason: 'setup',
          created_at: '2026-11-25T16:00:00.000Z',
        })
        .execute();
    });
    const toMax = await adjust(MAX_ADJUSTMENT);
    expect(toMax.status, toMax.text).toBe(201);
    expect(toMax.body.guest.balance).toBe(MAX_POINTS);
    expect(await balanceOf(CHLOE)).toBe(MAX_POINTS);
    const beyond = await adjust(1);
    expect(beyond.status).toBe(422);
    expect(beyond.body).toMatchObject({ code: 'PointsLimitExceeded', statusCode: 422 });
    expect(await balanceOf(CHLOE)).toBe(MAX_POINTS);
    // A sale that would earn past the limit is refused the same way, and moves nothing.
    const txn = await identified(CHLOE, 'MAX-3');
    const sale = await call('PUT', `/loyalty/transaction/pos/${txn}`, saleBody('MAX-3', [{ price: '10.00' }], { loyaltyId: CHLOE }));
    expect(sale.statusCode).toBe(422);
    expect(sale.json()).toMatchObject({ code: 'PointsLimitExceeded' });
    expect(await balanceOf(CHLOE)).toBe(MAX_POINTS);
    expect(await ledgerSum(db.kysely, CHLOE)).toBe(MAX_POINTS);
    expect((await adjust(-MAX_ADJUSTMENT)).status).toBe(201);
    expect(await ledgerSum(db.kysely, CHLOE)).toBe(MAX_POINTS - MAX_ADJUSTMENT);
    for (const t of await storageClasses(CHLOE)) expect(t).toBe('integer');
  });

  it('refuses control characters the same way on both engines, naming the field, and stores nothing', async () => {
    const stores = `/programs/${programId}/stores`;
    const before = (await owner.call('GET', stores)).body;
    for (const name of ['Main\u0000Street', 'Main\nStreet', 'Main\u001bStreet', 'Main\u0085Street']) {
      const res = await owner.call('POST', stores, { externalId: 'S-NUL', name, timeZone: 'America/New_York' });
      expect(res.status, res.text).toBe(400);
      expect(res.body).toMatchObject({ code: 'ValidationError', message: 'name must not contain control characters', details: { field: 'name' } });
    }
    expect((await owner.call('GET', stores)).body).toEqual(before);
    const reason = await owner.call('POST', `/programs/${programId}/guests/${BEN}/adjustments`, { points: 5, reason: 'typo\u0000' });
    expect(reason.body).toMatchObject({ code: 'ValidationError', details: { field: 'reason' } });
    // Free text keeps its line breaks.
    expect((await owner.call('POST', `/programs/${programId}/guests/${BEN}/adjustments`, { points: 5, reason: 'two\nlines' })).status).toBe(201);
    const storeId = await call('POST', '/loyalty/identify', { identifier: BEN, posVendor: posVendor('NUL-1', { storeId: '99\u000099' }) });
    expect(storeId.json()).toMatchObject({ code: 'ValidationError', details: { field: 'posVendor.storeId' } });
    const deep = saleBody('DEEP-1', [{ price: '1.00' }]) as Record<string, unknown>;
    const text = JSON.stringify(deep).slice(0, -1) + ',"extra":' + '['.repeat(5_000) + ']'.repeat(5_000) + '}';
    const nested = await app.inject({
      method: 'POST',
      url: '/loyalty/transaction/pos',
      headers: { 'x-api-key': PARTNER_KEY, 'content-type': 'application/json' },
      payload: text,
    });
    expect(nested.statusCode).toBe(400);
    expect(nested.json()).toMatchObject({ code: 'ValidationError', details: { field: 'body' } });
  });

  it('widens money and points columns to bigint (migration 0010) and reads them back as numbers', async () => {
    if (engine !== 'postgres') return;
    const r = await sql<{ table_name: string; column_name: string; data_type: string }>`
      select table_name, column_name, data_type from information_schema.columns
      where table_schema = current_schema() and (table_name, column_name) in (('guests', 'balance'), ('points_ledger', 'points'), ('points_ledger', 'balance_after'), ('loyalty_transactions', 'subtotal_cents'), ('incentives', 'point_cost'))`.execute(
      db.kysely,
    );
    expect(r.rows).toHaveLength(5);
    for (const row of r.rows) expect(row.data_type, `${row.table_name}.${row.column_name}`).toBe('bigint');
    expect(typeof (await balanceOf(BEN))).toBe('number');
  });
});
