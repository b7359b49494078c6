import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saleLinesOfWeek } from '../../src/adapters/db/repositories/cstore-sales.repository.ts';
import type { SaleLine } from '../../src/domain/scandata/sale-line.ts';
import { weekContaining } from '../../src/domain/scandata/week.ts';
import { ENGINES } from '../support/engines.ts';
import { type CstoreHarness, cstoreHarness } from '../support/cstore.ts';

const MARLBORO = '028200003843';
const CAMEL = '012300000123';

/** A basket as a c-store POS agent reports it. */
const basket = (transactionId: string, over: Record<string, unknown> = {}) => ({
  registerId: '1',
  transactionId,
  soldAt: '2026-12-02T15:04:05Z',
  tender: 'cash',
  loyaltyId: 'L-1001',
  ageVerification: 'scanned-id',
  lines: [
    { productId: MARLBORO, description: 'Marlboro Red Box', unitOfMeasure: 'pack', quantity: 2, unitPriceCents: 899, category: 'cigarettes' },
    { productId: '0012300000123', description: 'Camel Blue', quantity: 1, unitPriceCents: 859, category: 'cigarettes' },
  ],
  ...over,
});

describe.each(ENGINES)('c-store sales in from the POS agent on %s', (engine) => {
  let h: CstoreHarness;
  let loc: string;
  let other: string;
  let agent: Record<string, string>;
  let otherAgent: Record<string, string>;
  const tokenOf = async (location: string) => {
    const issued = await h.api('POST', `/admin/v1/cstore/locations/${location}/agent-token`);
    expect(issued.statusCode, issued.body).toBe(201);
    return { authorization: `Bearer ${(issued.json() as { token: string }).token}` };
  };
  const post = (headers: Record<string, string>, payload: unknown) =>
    h.app.inject({ method: 'POST', url: '/agent/v1/sales', headers, payload: payload as object });
  const week = (locationIds: string[], date = '2026-12-02') => {
    const w = weekContaining(date, 'monday');
    return { locationIds, from: w.start, to: w.end };
  };
  const collect = async (it: AsyncIterable<SaleLine>) => {
    const out: SaleLine[] = [];
    for await (const l of it) out.push(l);
    return out;
  };

  beforeAll(async () => {
    h = await cstoreHarness(engine);
    loc = await h.pilotLocation({ name: 'Sales A' });
    other = await h.pilotLocation({ name: 'Sales B' });
    agent = await tokenOf(loc);
    otherAgent = await tokenOf(other);
  });
  afterAll(() => h.close());

  it('records an accepted transaction as sale lines in the store’s local time', async () => {
    const r = await post(agent, basket('T-100'));
    expect(r.statusCode, r.body).toBe(201);
    expect(r.headers['x-replayed']).toBe('false');
    expect(r.json()).toMatchObject({
      locationId: loc,
      registerId: '1',
      transactionId: 'T-100',
      localDate: '2026-12-02',
      lineCount: 2,
      totalCents: 2 * 899 + 859,
    });
    const lines = (await collect(saleLinesOfWeek(h.db.kysely, week([loc])))).filter((l) => l.transactionId === 'T-100');
    expect(lines).toEqual([
      expect.objectContaining({
        lineNumber: 1,
        upc: MARLBORO,
        unitOfMeasure: 'PACK',
        quantity: 2,
        unitPriceCents: 899,
        localTime: '10:04:05',
        loyaltyId: 'L-1001',
        tender: 'cash',
        ageVerification: 'scanned-id',
        category: 'cigarettes',
      }),
      expect.objectContaining({ lineNumber: 2, upc: CAMEL, unitOfMeasure: 'EACH', quantity: 1, unitPriceCents: 859 }),
    ]);
  });

  it('answers a retry with the same body the same, and records it once', async () => {
    const first = await post(agent, basket('T-101'));
    expect(first.statusCode).toBe(201);
    // the same basket, keys in another order and the UPC in its EAN-13 form
    const { lines, ...rest } = basket('T-101');
    const again = await post(agent, { lines: lines.map((l) => ({ ...l, productId: l.productId.padStart(13, '0') })), ...rest });
    expect(again.statusCode).toBe(201);
    expect(again.headers['x-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const recorded = (await collect(saleLinesOfWeek(h.db.kysely, week([loc])))).filter((l) => l.transactionId === 'T-101');
    expect(recorded).toHaveLength(2);
  });

  it('refuses another basket under the same register and transaction id with 409, keeping the first', async () => {
    expect((await post(agent, basket('T-102'))).statusCode).toBe(201);
    const r = await post(agent, basket('T-102', { tender: 'credit' }));
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ code: 'Conflict', details: { field: 'transactionId' } });
    const recorded = (await collect(saleLinesOfWeek(h.db.kysely, week([loc])))).filter((l) => l.transactionId === 'T-102');
    expect(recorded.map((l) => l.tender)).toEqual(['cash', 'cash']);
    // the same transaction id on another register is another basket
    expect((await post(agent, basket('T-102', { registerId: '2' }))).statusCode).toBe(201);
  });

  it('records voids and refunds as negative lines', async () => {
    const r = await post(
      agent,
      basket('T-103', {
        lines: [
          { productId: MARLBORO, quantity: 3, unitPriceCents: 899 },
          { productId: MARLBORO, quantity: 1, unitPriceCents: 899, kind: 'void' },
          { productId: CAMEL, quantity: 2, unitPriceCents: 859, kind: 'refund' },
        ],
      }),
    );
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ totalCents: 3 * 899 - 899 - 2 * 859 });
    const recorded = (await collect(saleLinesOfWeek(h.db.kysely, week([loc])))).filter((l) => l.transactionId === 'T-103');
    expect(recorded.map((l) => l.quantity)).toEqual([3, -1, -2]);
  });

  it('refuses a bad field with 400 naming it, and records nothing of that transaction', async () => {
    const cases: [unknown, string][] = [
      [
        basket('T-104', {
          lines: [
            { productId: MARLBORO, quantity: 1, unitPriceCents: 899 },
            { productId: '028200003844', quantity: 1, unitPriceCents: 899 },
          ],
        }),
        'lines[1].productId',
      ],
      [basket('T-104', { lines: [{ productId: MARLBORO, quantity: 0, unitPriceCents: 899 }] }), 'lines[0].quantity'],
      [basket('T-104', { lines: [{ productId: MARLBORO, quantity: 1, unitPriceCents: -5 }] }), 'lines[0].unitPriceCents'],
      [basket('T-104', { tender: 'barter' }), 'tender'],
      [basket('T-104', { ageVerification: undefined }), 'ageVerification'],
      [basket('T-104', { soldAt: 'yesterday' }), 'soldAt'],
      [basket('T-104', { lines: [] }), 'lines'],
      [basket('T-104', { locationId: loc }), 'locationId'],
    ];
    for (const [payload, field] of cases) {
      const r = await post(agent, payload);
      expect(r.statusCode, `${field}: ${r.body}`).toBe(400);
      expect(r.json()).toMatchObject({ code: 'ValidationError', details: { field } });
    }
    const recorded = (await collect(saleLinesOfWeek(h.db.kysely, week([loc])))).filter((l) => l.transactionId === 'T-104');
    expect(recorded).toEqual([]);
  });

  it('records under the token’s own location only: another location’s token cannot post for this one', async () => {
    expect((await post({ authorization: 'Bearer tpagt_not-a-real-token' }, basket('T-105'))).statusCode).toBe(401);
    expect((await post({}, basket('T-105'))).statusCode).toBe(401);
    expect((await post(otherAgent, basket('T-105', { locationId: loc }))).statusCode).toBe(400);
    // B reusing A's register and transaction id records a basket of B, and leaves A's alone
    const b = await post(otherAgent, basket('T-100', { tender: 'debit' }));
    expect(b.statusCode, b.body).toBe(201);
    expect(b.json()).toMatchObject({ locationId: other, transactionId: 'T-100' });
    const a = (await collect(saleLinesOfWeek(h.db.kysely, week([loc])))).filter((l) => l.transactionId === 'T-100');
    expect(a.map((l) => [l.locationId, l.tender])).toEqual([
      [loc, 'cash'],
      [loc, 'cash'],
    ]);
  });

  it('streams a week of lines in time order, basket by basket, in keyset pages', async () => {
    // a fresh register so the earlier tests' baskets do not interleave
    const at = (soldAt: string, id: string, n = 1) =>
      basket(id, { registerId: 'W', soldAt, lines: Array.from({ length: n }, (_, i) => ({ productId: MARLBORO, quantity: i + 1, unitPriceCents: 899 })) });
    for (const p of [
      at('2026-12-04T12:00:00Z', 'W-3', 3),
      at('2026-12-01T09:30:00Z', 'W-1', 2),
      at('2026-12-03T18:00:00-05:00', 'W-2', 1),
      at('2026-12-08T12:00:00Z', 'W-next', 1), // the next Monday–Sunday week
      at('2026-11-30T04:59:59Z', 'W-prev', 1), // 23:59:59 on Sunday in New York: the week before
    ]) {
      const r = await post(agent, p);
      expect(r.statusCode, r.body).toBe(201);
    }
    expect((await post(otherAgent, at('2026-12-02T00:00:00Z', 'W-B', 1))).statusCode).toBe(201);
    for (const pageSize of [1, 2, 1000]) {
      const lines = (await collect(saleLinesOfWeek(h.db.kysely, week([loc]), pageSize))).filter((l) => l.registerId === 'W');
      expect(lines.map((l) => `${l.transactionId}#${l.lineNumber}`)).toEqual(['W-1#1', 'W-1#2', 'W-2#1', 'W-3#1', 'W-3#2', 'W-3#3']);
      expect(lines.map((l) => l.quantity)).toEqual([1, 2, 1, 1, 2, 3]);
    }
    const all = await collect(saleLinesOfWeek(h.db.kysely, week([loc, other]), 3));
    const times = all.map((l) => l.soldAt);
    expect(times).toEqual([...times].sort());
    expect(all.some((l) => l.locationId === other && l.transactionId === 'W-B')).toBe(true);
    expect(all.some((l) => ['W-next', 'W-prev'].includes(l.transactionId))).toBe(false);
  });
});
