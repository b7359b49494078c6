import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { altriaFormat } from '../../src/adapters/scandata/altria.format.ts';
import { rjrFormat } from '../../src/adapters/scandata/rjr.format.ts';
import { textLines } from '../../src/adapters/scandata/validation.ts';
import { DISCOUNT_SLOTS, priceTransaction, type PricedTransaction } from '../../src/domain/scandata/pricing.ts';
import type { PricingPromotion, SaleLine } from '../../src/domain/scandata/sale-line.ts';
import { aBasket, aBuydown, CAMEL_BLUE, CAMEL_CRUSH, GRIZZLY, NEWPORT } from './builders.ts';
import { writeToText } from './support.ts';

const UPCS = [CAMEL_BLUE, CAMEL_CRUSH, NEWPORT, GRIZZLY];

const lineArb = fc.record({
  upc: fc.constantFrom(...UPCS),
  quantity: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: -3, max: -1 })),
  unitPriceCents: fc.integer({ min: 0, max: 1500 }),
  coupon: fc.option(
    fc.record({ id: fc.constantFrom('CPN-1', 'CPN-2'), description: fc.constant('MFR COUPON'), amountCents: fc.integer({ min: 1, max: 300 }) }),
    { nil: null },
  ),
});
const basketArb = fc
  .tuple(fc.array(lineArb, { minLength: 1, maxLength: 6 }), fc.option(fc.constant('L-777'), { nil: null }))
  .map(([lines, loyaltyId]) => aBasket(lines, { loyaltyId }));
const positiveBasketArb = basketArb.map((b) => b.map((l) => ({ ...l, quantity: Math.abs(l.quantity) })));

const promoArb = fc
  .record({
    id: fc.integer({ min: 1, max: 99 }),
    type: fc.constantFrom('buydown' as const, 'multipack' as const),
    upcs: fc.subarray(UPCS, { minLength: 1 }),
    amountCents: fc.integer({ min: 1, max: 300 }),
    quantity: fc.integer({ min: 2, max: 4 }),
    maxPerTransaction: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    funding: fc.constantFrom('manufacturer' as const, 'outlet' as const),
    loyaltyOnly: fc.boolean(),
  })
  .map(
    (p): PricingPromotion =>
      aBuydown({
        externalId: `P-${p.id}`,
        type: p.type,
        description: `PROMO ${p.type.toUpperCase()} ${p.id}`,
        upcs: p.upcs,
        amountCents: p.amountCents,
        quantity: p.type === 'buydown' ? 1 : p.quantity,
        maxPerTransaction: p.maxPerTransaction,
        funding: p.funding,
        loyaltyOnly: p.loyaltyOnly,
      }),
  );
const promosArb = fc.uniqueArray(promoArb, { maxLength: 5, selector: (p) => p.externalId });

const discountTotal = (t: PricedTransaction) => t.rows.reduce((s, r) => s + r.quantity * r.discountPerUnitCents, 0);
const perPromotion = (t: PricedTransaction) => {
  const m = new Map<string, number>();
  for (const r of t.rows) {
    for (const slot of DISCOUNT_SLOTS) {
      const d = r.discounts[slot];
      if (d) m.set(`${slot}/${d.promotionId}`, (m.get(`${slot}/${d.promotionId}`) ?? 0) + r.quantity * d.perUnitCents);
    }
  }
  return m;
};

describe('pricing properties', () => {
  it('every discount is per unit, in whole minor units, and never more than the unit price', () => {
    fc.assert(
      fc.property(basketArb, promosArb, (lines, promos) => {
        for (const r of priceTransaction(lines, promos).rows) {
          const amounts = DISCOUNT_SLOTS.map((s) => r.discounts[s]?.perUnitCents ?? 0);
          expect(amounts.every((a) => Number.isInteger(a) && a >= 0)).toBe(true);
          expect(amounts.reduce((a, b) => a + b, 0)).toBe(r.discountPerUnitCents);
          expect(r.finalUnitPriceCents).toBe(r.line.unitPriceCents - r.discountPerUnitCents);
          expect(r.finalUnitPriceCents).toBeGreaterThanOrEqual(0);
          expect(Math.sign(r.quantity)).toBe(Math.sign(r.line.quantity));
        }
      }),
    );
  });

  it('conserves totals: quantities per line, and each promotion’s amount across the rows it was spread over', () => {
    fc.assert(
      fc.property(basketArb, promosArb, (lines, promos) => {
        const t = priceTransaction(lines, promos);
        for (const l of lines) expect(t.rows.filter((r) => r.line === l).reduce((s, r) => s + r.quantity, 0)).toBe(l.quantity);
        const spreadOut = perPromotion(t);
        for (const a of t.applications) expect(spreadOut.get(`${a.slot}/${a.promotionId}`) ?? 0).toBe(a.totalCents);
        expect([...spreadOut.values()].reduce((a, b) => a + b, 0)).toBe(discountTotal(t));
      }),
    );
  });

  it('a sale voided line by line in the same basket nets to nothing', () => {
    fc.assert(
      fc.property(positiveBasketArb, promosArb, (sale, promos) => {
        const voids: SaleLine[] = sale.map((l, i) => ({ ...l, lineNumber: sale.length + i + 1, quantity: -l.quantity }));
        const t = priceTransaction([...sale, ...voids], promos);
        expect(t.rows.reduce((s, r) => s + r.quantity, 0)).toBe(0);
        expect(discountTotal(t)).toBe(0);
      }),
    );
  });

  it('a refund of a whole basket mirrors its sale exactly', () => {
    fc.assert(
      fc.property(positiveBasketArb, promosArb, (sale, promos) => {
        const refund = sale.map((l) => ({ ...l, transactionId: 'R1', quantity: -l.quantity }));
        const a = perPromotion(priceTransaction(sale, promos));
        const b = perPromotion(priceTransaction(refund, promos));
        expect([...b.entries()].sort()).toEqual([...a.entries()].map(([k, v]) => [k, -v]).sort());
      }),
    );
  });

  it('the files written from any baskets validate clean: flags agree with amounts, descriptions where amounts are, totals match', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(basketArb, { minLength: 1, maxLength: 4 }), promosArb, async (baskets, promos) => {
        const rows = baskets.flatMap(
          (b, i) =>
            priceTransaction(
              b.map((l) => ({ ...l, transactionId: `T${i}` })),
              promos,
            ).rows,
        );
        const rjr = await writeToText(rjrFormat, rows);
        const rjrReport = await rjrFormat.validate(textLines(rjr.text), { accountNumber: '700123' });
        expect(rjrReport.violations).toEqual([]);
        const altria = await writeToText(altriaFormat, rows);
        const altriaReport = await altriaFormat.validate(textLines(altria.text), { accountNumber: '700123' });
        expect(altriaReport.violations).toEqual([]);
        // the file's totals are the sales' totals
        const qty = rows.reduce((s, r) => s + r.quantity, 0);
        expect(altria.text.split('\n')[0]!.split('|').slice(0, 2)).toEqual([String(rows.length), String(qty)]);
        const rjrQty = textLines(rjr.text)
          .slice(1)
          .reduce((s, l) => s + Number(l.split('|')[11]), 0);
        expect(rjrQty).toBe(qty);
      }),
      { numRuns: 60 },
    );
  });
});
