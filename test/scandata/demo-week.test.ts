import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCstoreSales, saleLinesOfWeek } from '../../src/adapters/db/repositories/cstore-sales.repository.ts';
import { rjrFormat } from '../../src/adapters/scandata/rjr.format.ts';
import { formatOptions, type ScanDataOutlet } from '../../src/adapters/scandata/writer.ts';
import type { Cstore } from '../../src/app/cstore/cstore.ts';
import { instantsBounding, loadPromotionsAt } from '../../src/app/cstore/promotion-history.ts';
import { DEMO_WEEK_LOCATIONS, type DemoWeekResult, seedDemoSalesWeek } from '../../src/demo/cstore-sales-week.ts';
import { CSTORE_DEMO_LOCATIONS } from '../../src/demo/cstore-seed.ts';
import type { PricedLine } from '../../src/domain/scandata/pricing.ts';
import { priceSales } from '../../src/domain/scandata/stream.ts';
import { demoSimulatorAt } from '../../src/demo/cstore-simulator.ts';
import { DEMO_WEEK_NOW, seedDemoWeekOn } from '../support/demo-week.ts';
import { ENGINES, type TestDb } from '../support/engines.ts';

// The demo week on its fixed "now" (test/support/demo-week.ts): Mon 30 Nov – Sun 6 Dec (RJR),
// Sun 29 Nov – Sat 5 Dec (Altria).

const outletOf = (locationId: string): ScanDataOutlet => {
  const l = CSTORE_DEMO_LOCATIONS.find((d) => d.id === locationId)!;
  const [street, city, stateZip] = l.address.split(', ') as [string, string, string];
  const [state, zip] = stateZip.split(' ') as [string, string];
  return {
    locationId,
    outletNumber: l.outlet,
    name: l.name,
    address1: street,
    address2: null,
    city,
    state,
    zip,
    phone: null,
    contactName: null,
    contactEmail: null,
  };
};

describe.each(ENGINES)('the demo week of c-store sales on %s', (engine) => {
  let db: TestDb;
  let cstore: Cstore;
  let seeded: DemoWeekResult;
  let rows: PricedLine[];

  beforeAll(async () => {
    ({ db, cstore, seeded } = await seedDemoWeekOn(engine));
    const { week } = seeded;
    const { from, to } = instantsBounding(week.altria.start, week.rjr.end);
    const at = await loadPromotionsAt(db.kysely, DEMO_WEEK_LOCATIONS, from, to);
    rows = [];
    for await (const r of priceSales(saleLinesOfWeek(db.kysely, { locationIds: DEMO_WEEK_LOCATIONS, from: week.altria.start, to: week.rjr.end }), at))
      rows.push(r);
  }, 120_000);
  afterAll(() => db.drop());

  it('seeds the last complete week before now at the licensed locations, covering the Altria week too', async () => {
    expect(seeded.seeded).toBe(true);
    expect(seeded.week.rjr).toEqual({ start: '2026-11-30', end: '2026-12-06' });
    expect(seeded.week.altria).toEqual({ start: '2026-11-29', end: '2026-12-05' });
    expect(seeded.transactions).toBeGreaterThanOrEqual(200);
    expect(seeded.transactions).toBeLessThan(600);
    const dates = new Set(rows.map((r) => r.line.localDate));
    expect([...dates].sort()).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
    expect(new Set(rows.map((r) => r.line.locationId))).toEqual(new Set(DEMO_WEEK_LOCATIONS));
    expect(new Set(rows.map((r) => r.line.registerId))).toEqual(new Set(['1', '2', '3']));
    const units = new Set(rows.map((r) => r.line.unitOfMeasure));
    for (const u of ['PACK', 'CARTON', 'CAN']) expect(units).toContain(u);
    expect(rows.some((r) => r.quantity < 0 && r.line.transactionId.endsWith('R001'))).toBe(true); // the refund
    expect(rows.filter((r) => r.quantity < 0).length).toBeGreaterThan(1); // and voids
    expect(rows.some((r) => r.loyaltyId !== null)).toBe(true);
    // Every location is off again: the walkthrough starts from there.
    for (const l of CSTORE_DEMO_LOCATIONS) expect((await cstore.locations.get(l.id)).integrationStatus).toBe('off');
  });

  it('is idempotent: seeding again writes nothing', async () => {
    const before = await countCstoreSales(db.kysely, { locationIds: DEMO_WEEK_LOCATIONS, from: '2026-11-29', to: '2026-12-06' });
    const again = await seedDemoSalesWeek(cstore, { now: DEMO_WEEK_NOW, simulatorAt: demoSimulatorAt });
    expect(again).toMatchObject({ seeded: false, transactions: before });
    expect(await countCstoreSales(db.kysely, { locationIds: DEMO_WEEK_LOCATIONS, from: '2026-11-29', to: '2026-12-06' })).toBe(before);
  });

  it('prices with the promotions accepted at the time: buydowns and multipacks, the held one only from Wednesday 14:00', () => {
    const sum = (slot: 'manufacturerBuydown' | 'manufacturerMultipack') => rows.reduce((s, r) => s + r.quantity * (r.discounts[slot]?.perUnitCents ?? 0), 0);
    expect(sum('manufacturerBuydown')).toBeGreaterThan(0);
    expect(sum('manufacturerMultipack')).toBeGreaterThan(0);
    // Nothing before the first acceptance; everything priced is after it.
    expect(rows.every((r) => r.line.soldAt >= seeded.week.firstAcceptedAt)).toBe(true);
    for (const m of seeded.week.midWeek) {
      expect(m.heldPromotionId).not.toBeNull();
      const mine = rows.filter((r) => r.line.locationId === m.locationId);
      const byHeld = (r: PricedLine) => Object.values(r.discounts).some((d) => d?.promotionId === m.heldPromotionId);
      expect(mine.filter((r) => r.line.soldAt < m.acceptedAt && byHeld(r))).toEqual([]);
      expect(mine.filter((r) => r.line.soldAt >= m.acceptedAt && byHeld(r)).length).toBeGreaterThan(0);
    }
  });

  it('writes an RJR file of the week that validates clean', async () => {
    const week = seeded.week.rjr;
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const summary = await rjrFormat.write(
      {
        account: { accountNumber: '700100', retailerName: 'QuickStop', submitterName: 'QuickStop' },
        week,
        outlet: (id) => (DEMO_WEEK_LOCATIONS.includes(id) ? outletOf(id) : undefined),
        rows: () => rows,
        options: formatOptions(rjrFormat, {}),
      },
      out,
    );
    out.end();
    const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean);
    const report = await rjrFormat.validate(lines, { accountNumber: '700100', week: week.start });
    expect(report.violations.slice(0, 5)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(summary.rows).toBeGreaterThan(300);
    expect(summary.outsideWeek).toBeGreaterThan(0); // the Altria Sunday before the RJR week
  });
});
