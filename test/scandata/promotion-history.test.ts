import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saleLinesOfWeek } from '../../src/adapters/db/repositories/cstore-sales.repository.ts';
import { type ChangeRow, insertChanges } from '../../src/adapters/db/repositories/promotion-changes.repository.ts';
import type { Cstore } from '../../src/app/cstore/cstore.ts';
import { SYSTEM_ACTOR } from '../../src/app/cstore/deps.ts';
import { instantsBounding, loadPromotionsAt } from '../../src/app/cstore/promotion-history.ts';
import { CSTORE_DEMO_LOCATIONS, seedCstoreDemo } from '../../src/demo/cstore-seed.ts';
import type { Promotion } from '../../src/domain/promotions/promotion.ts';
import type { PosSaleInput } from '../../src/domain/scandata/pos-sale.ts';
import type { PricedLine } from '../../src/domain/scandata/pricing.ts';
import { priceSales } from '../../src/domain/scandata/stream.ts';
import { newId } from '../../src/lib/ids.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { appServices } from '../support/services.ts';
import { CAMEL_BLUE, NEWPORT } from './builders.ts';

// Locations of the demo chain (time zones Chicago and New York); the history is the accepted
// promotion changes, written through the real Accept with the test's clock.
const [A, B] = [CSTORE_DEMO_LOCATIONS[0]!.id, CSTORE_DEMO_LOCATIONS[1]!.id];

const buydown = (over: Partial<Promotion> = {}): Promotion => ({
  manufacturer: 'rjr',
  externalId: 'RJR-BD-1',
  type: 'buydown',
  description: 'CAMEL $0.50 BUYDOWN',
  brand: 'Camel',
  upcs: [CAMEL_BLUE],
  startDate: '2026-11-01',
  endDate: '2027-01-31',
  amountCents: 50,
  quantity: 1,
  maxPerTransaction: null,
  status: 'active',
  lastModified: null,
  ...over,
});

describe.each(ENGINES)('the accepted-promotion history on %s', (engine) => {
  let db: TestDb;
  let cstore: Cstore;
  let now = new Date('2026-11-20T12:00:00.000Z');

  /** Queue one pending change at a location and accept it at `at`, through ReviewService.accept. */
  const acceptAt = async (locationId: string, at: string, before: Promotion | null, after: Promotion | null) => {
    now = new Date(at);
    const kind = before === null ? 'add' : after === null ? 'end' : 'modify';
    const p = (after ?? before)!;
    const row: ChangeRow = {
      id: newId(),
      program_id: (await cstore.locations.get(locationId)).programId,
      location_id: locationId,
      manufacturer: p.manufacturer,
      external_id: p.externalId,
      kind,
      before: before && JSON.stringify(before),
      after: after && JSON.stringify(after),
      status: 'pending',
      reason: null,
      sync_run_id: 'test-sync',
      batch_id: null,
      created_at: at,
      decided_at: null,
      decided_by: null,
    };
    await insertChanges(db.kysely, [row]);
    await cstore.review.accept(locationId, { all: true }, SYSTEM_ACTOR);
  };

  const T1 = '2026-12-02T20:00:00.000Z'; // Wednesday 14:00 in Chicago
  const T2 = '2026-12-03T16:30:00.000Z';
  const T3 = '2026-12-04T17:00:00.000Z'; // Friday 11:00 in Chicago

  beforeAll(async () => {
    db = await openTestDb(engine);
    cstore = appServices(db, {}, { clock: () => new Date(now) }).cstore;
    await seedCstoreDemo(cstore, 'http://127.0.0.1:9', now);
    // A: add at T1, amount 0.50 → 0.75 at T2, ended at T3. B: a Newport buydown added at T2 only.
    await acceptAt(A, T1, null, buydown());
    await acceptAt(A, T2, buydown(), buydown({ amountCents: 75 }));
    await acceptAt(A, T3, buydown({ amountCents: 75 }), null);
    await acceptAt(B, T2, null, buydown({ externalId: 'RJR-BD-NP', upcs: [NEWPORT], description: 'NEWPORT $0.40 BUYDOWN', amountCents: 40 }));
  });
  afterAll(() => db.drop());

  it('answers the state accepted at each moment: none before the add, the amount of the time, none after the end', async () => {
    const { from, to } = instantsBounding('2026-11-30', '2026-12-06');
    const at = await loadPromotionsAt(db.kysely, [A, B], from, to);
    const amounts = (loc: string, soldAt: string) => at(loc, soldAt).map((p) => `${p.externalId}:${p.amountCents}`);
    expect(amounts(A, '2026-11-30T15:00:00.000Z')).toEqual([]);
    expect(amounts(A, '2026-12-02T19:59:59.999Z')).toEqual([]);
    expect(amounts(A, T1)).toEqual(['RJR-BD-1:50']);
    expect(amounts(A, '2026-12-03T16:29:59Z')).toEqual(['RJR-BD-1:50']);
    expect(amounts(A, T2)).toEqual(['RJR-BD-1:75']);
    expect(amounts(A, '2026-12-04T16:59:59Z')).toEqual(['RJR-BD-1:75']);
    expect(amounts(A, T3)).toEqual([]);
    expect(amounts(A, '2026-12-06T23:00:00Z')).toEqual([]);
    // The accepted feed promotion is manufacturer-funded and not loyalty-only.
    expect(at(A, T1)[0]).toMatchObject({ manufacturer: 'rjr', funding: 'manufacturer', loyaltyOnly: false, upcs: [CAMEL_BLUE], status: 'active' });
  });

  it('keeps locations apart, and the same state is the same array', async () => {
    const { from, to } = instantsBounding('2026-11-30', '2026-12-06');
    const at = await loadPromotionsAt(db.kysely, [A, B], from, to);
    expect(at(B, T1)).toEqual([]);
    expect(at(B, T2).map((p) => p.externalId)).toEqual(['RJR-BD-NP']);
    expect(at(B, T3).map((p) => p.externalId)).toEqual(['RJR-BD-NP']);
    expect(at(A, '2026-12-02T21:00:00Z')).toBe(at(A, '2026-12-03T10:00:00Z'));
    expect(at(B, T3)).toBe(at(B, '2026-12-06T10:00:00Z'));
    // Only the locations asked for are read.
    const onlyB = await loadPromotionsAt(db.kysely, [B], from, to);
    expect(onlyB(A, T2)).toEqual([]);
    expect(onlyB(B, T2)).toHaveLength(1);
  });

  it('starts a later range from the state accepted before it, and refuses sales outside the range', async () => {
    const at = await loadPromotionsAt(db.kysely, [A], '2026-12-03T00:00:00Z', '2026-12-03T23:59:59Z');
    expect(at(A, '2026-12-03T00:00:00Z').map((p) => p.amountCents)).toEqual([50]);
    expect(at(A, '2026-12-03T17:00:00Z').map((p) => p.amountCents)).toEqual([75]);
    expect(() => at(A, '2026-12-04T18:00:00Z')).toThrow(RangeError);
    expect(() => at(A, '2026-12-02T18:00:00Z')).toThrow(RangeError);
  });

  it('prices a week of recorded sales: promotions changing mid-week apply only from their acceptance time', async () => {
    const location = await cstore.locations.get(A);
    const sale = (transactionId: string, soldAt: string, quantity = 1): PosSaleInput => ({
      registerId: '1',
      transactionId,
      soldAt,
      tender: 'cash',
      ageVerification: 'scanned-id',
      lines: [{ productId: CAMEL_BLUE, description: 'CAMEL BLUE BOX', unitOfMeasure: 'PACK', quantity, unitPriceCents: 899, category: 'cigarettes' }],
    });
    // One Camel Blue every day Mon..Sun at 10:00 Chicago, plus one just before and one at T1.
    const days = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06'];
    for (const d of days) await cstore.sales.record(location, sale(`D-${d}`, `${d}T16:00:00.000Z`));
    await cstore.sales.record(location, sale('W-before', '2026-12-02T19:59:00.000Z'));
    await cstore.sales.record(location, sale('W-at', T1, 2));

    const week = { from: days[0]!, to: days[6]! };
    const { from, to } = instantsBounding(week.from, week.to);
    const at = await loadPromotionsAt(db.kysely, [A], from, to);
    const rows: PricedLine[] = [];
    for await (const r of priceSales(saleLinesOfWeek(db.kysely, { locationIds: [A], ...week }), at)) rows.push(r);
    const buydownOf = (tx: string) => rows.filter((r) => r.line.transactionId === tx).map((r) => r.discounts.manufacturerBuydown?.perUnitCents ?? 0);
    expect(rows.map((r) => r.line.transactionId)).toEqual([
      'D-2026-11-30',
      'D-2026-12-01',
      'D-2026-12-02',
      'W-before',
      'W-at',
      'D-2026-12-03',
      'D-2026-12-04',
      'D-2026-12-05',
      'D-2026-12-06',
    ]);
    expect(buydownOf('D-2026-11-30')).toEqual([0]);
    expect(buydownOf('D-2026-12-02')).toEqual([0]); // Wednesday 10:00, before the 14:00 acceptance
    expect(buydownOf('W-before')).toEqual([0]);
    expect(buydownOf('W-at')).toEqual([50]);
    expect(buydownOf('D-2026-12-03')).toEqual([50]); // Thursday 10:00, before the 10:30 modify
    expect(buydownOf('D-2026-12-04')).toEqual([75]); // Friday 10:00, before the 11:00 end
    expect(buydownOf('D-2026-12-05')).toEqual([0]);
    expect(buydownOf('D-2026-12-06')).toEqual([0]);
    const w = rows.find((r) => r.line.transactionId === 'W-at')!;
    expect(w).toMatchObject({ quantity: 2, finalUnitPriceCents: 849 });
  });
});
