import { describe, expect, it } from 'vitest';
import { type PricedLine, priceTransaction, spread } from '../../src/domain/scandata/pricing.ts';
import { pricingPromotion } from '../../src/domain/scandata/sale-line.ts';
import { priceSales } from '../../src/domain/scandata/stream.ts';
import { aBasket, aBuydown, aLine, aMultipack, CAMEL_BLUE, CAMEL_CRUSH, NEWPORT, WATER } from './builders.ts';

const brief = (rows: PricedLine[]) =>
  rows.map((r) => ({
    line: r.line.lineNumber,
    qty: r.quantity,
    final: r.finalUnitPriceCents,
    ...Object.fromEntries(Object.entries(r.discounts).flatMap(([slot, d]) => (d ? [[slot, d.perUnitCents]] : []))),
  }));

describe('pricing a c-store basket', () => {
  it('gives a buydown to every unit, per unit', () => {
    const { rows } = priceTransaction([aLine({ quantity: 3 })], [aBuydown()]);
    expect(brief(rows)).toEqual([{ line: 1, qty: 3, final: 849, manufacturerBuydown: 50 }]);
  });

  it('ignores promotions not live on the store-local date of the sale, or cancelled', () => {
    const { rows } = priceTransaction(
      [aLine()],
      [aBuydown({ startDate: '2026-12-02' }), aBuydown({ externalId: 'BD-2', endDate: '2026-11-30' }), aBuydown({ externalId: 'BD-3', status: 'cancelled' })],
    );
    expect(brief(rows)).toEqual([{ line: 1, qty: 1, final: 899 }]);
  });

  it('takes the highest buydown first and stops at the per-transaction limit in units', () => {
    const { rows } = priceTransaction(
      [aLine({ quantity: 3 })],
      [aBuydown({ externalId: 'BD-small', amountCents: 25 }), aBuydown({ externalId: 'BD-big', amountCents: 75, maxPerTransaction: 2 })],
    );
    expect(brief(rows)).toEqual([
      { line: 1, qty: 2, final: 824, manufacturerBuydown: 75 },
      { line: 1, qty: 1, final: 874, manufacturerBuydown: 25 },
    ]);
  });

  it('forms multipack sets across lines (mix and match) and splits the line whose units differ', () => {
    const { rows, applications } = priceTransaction(
      aBasket([
        { upc: CAMEL_BLUE, quantity: 1 },
        { upc: CAMEL_CRUSH, quantity: 2 },
      ]),
      [aMultipack()],
    );
    expect(brief(rows)).toEqual([
      { line: 1, qty: 1, final: 849, manufacturerMultipack: 50 },
      { line: 2, qty: 1, final: 849, manufacturerMultipack: 50 },
      { line: 2, qty: 1, final: 899 },
    ]);
    expect(applications).toEqual([{ promotionId: 'MP-1', slot: 'manufacturerMultipack', units: 2, sets: 1, totalCents: 100 }]);
  });

  it('spreads a set amount per unit with the remainder cent on the first units, adding up exactly', () => {
    expect([0, 1, 2].map((i) => spread(100, 3, i))).toEqual([34, 33, 33]);
    const { rows, applications } = priceTransaction([aLine({ quantity: 3 })], [aMultipack({ quantity: 3, amountCents: 100 })]);
    expect(brief(rows)).toEqual([
      { line: 1, qty: 1, final: 865, manufacturerMultipack: 34 },
      { line: 1, qty: 2, final: 866, manufacturerMultipack: 33 },
    ]);
    expect(applications[0]!.totalCents).toBe(100);
  });

  it('applies multipacks greedily, highest set value first, within the per-transaction set limit', () => {
    const promos = [
      aMultipack({ externalId: 'MP-2for100', amountCents: 100 }),
      aMultipack({ externalId: 'MP-3for200', quantity: 3, amountCents: 200, maxPerTransaction: 1 }),
    ];
    const { applications } = priceTransaction([aLine({ quantity: 7 })], promos);
    // 3-pack first (once, its limit), then 2-packs over the 4 units left
    expect(applications.map((a) => [a.promotionId, a.sets, a.totalCents])).toEqual([
      ['MP-3for200', 1, 200],
      ['MP-2for100', 2, 200],
    ]);
  });

  it('stacks a buydown with a multipack, and keeps outlet-funded and coupon discounts apart', () => {
    const lines = aBasket([{ quantity: 2, coupon: { id: 'CPN-1', description: 'CAMEL $1 OFF', amountCents: 100 } }]);
    const promos = [
      aBuydown(),
      aMultipack(),
      aMultipack({ externalId: 'OUT-MP', funding: 'outlet', amountCents: 40, description: 'STORE 2 FOR DEAL' }),
      aBuydown({ externalId: 'OUT-BD', funding: 'outlet', amountCents: 10, description: 'STORE PRICE' }),
    ];
    const { rows } = priceTransaction(lines, promos);
    expect(brief(rows)).toEqual([
      {
        line: 1,
        qty: 2,
        final: 899 - 50 - 50 - 20 - 10 - 50,
        manufacturerBuydown: 50,
        manufacturerMultipack: 50,
        outletMultipack: 20,
        outletDiscount: 10,
        coupon: 50,
      },
    ]);
  });

  it('gives loyalty-only promotions only to a basket with a loyalty id, in their own slot', () => {
    const loyal = aBuydown({ externalId: 'LOY-1', loyaltyOnly: true, amountCents: 100, description: 'CAMEL REWARDS $1' });
    expect(brief(priceTransaction([aLine()], [loyal]).rows)).toEqual([{ line: 1, qty: 1, final: 899 }]);
    const { rows } = priceTransaction([aLine({ loyaltyId: 'L-555' })], [aBuydown(), loyal]);
    expect(brief(rows)).toEqual([{ line: 1, qty: 1, final: 749, manufacturerBuydown: 50, manufacturerLoyalty: 100 }]);
    expect(rows[0]!.loyaltyId).toBe('L-555');
  });

  it('never discounts a unit below zero', () => {
    const { rows } = priceTransaction([aLine({ unitPriceCents: 60 })], [aBuydown(), aBuydown({ externalId: 'OUT', funding: 'outlet', amountCents: 30 })]);
    expect(brief(rows)).toEqual([{ line: 1, qty: 1, final: 0, manufacturerBuydown: 50, outletDiscount: 10 }]);
  });

  it('a void cancels a sold unit of the same UPC: the pair carries no discount and the basket nets out', () => {
    const { rows, applications } = priceTransaction(aBasket([{ quantity: 2 }, { quantity: -1 }]), [aMultipack()]);
    expect(brief(rows)).toEqual([
      { line: 1, qty: 2, final: 899 },
      { line: 2, qty: -1, final: 899 },
    ]);
    expect(applications).toEqual([]);
  });

  it('a refund of an earlier multipack sale is reported negative, mirroring the sale', () => {
    const { rows, applications } = priceTransaction([aLine({ quantity: -2 })], [aMultipack(), aBuydown()]);
    expect(brief(rows)).toEqual([{ line: 1, qty: -2, final: 799, manufacturerBuydown: 50, manufacturerMultipack: 50 }]);
    expect(applications.map((a) => a.totalCents)).toEqual([-100, -100]);
  });

  it('reports only tobacco lines (a category, or a UPC a live promotion lists)', () => {
    const lines = aBasket([{ upc: WATER, category: null, description: 'WATER 1L' }, { upc: NEWPORT, category: null }, { upc: CAMEL_BLUE }]);
    const { rows } = priceTransaction(lines, [aBuydown({ upcs: [NEWPORT] })]);
    expect(rows.map((r) => r.line.lineNumber)).toEqual([2, 3]);
  });

  it('prices the promotions the RJR sync accepted, as manufacturer-funded', () => {
    const accepted = {
      manufacturer: 'rjr' as const,
      externalId: 'RJ-1',
      type: 'buydown' as const,
      description: 'CAMEL $0.50',
      brand: 'CAMEL',
      upcs: [CAMEL_BLUE],
      startDate: '2026-11-01',
      endDate: '2026-12-31',
      amountCents: 50,
      quantity: 1,
      maxPerTransaction: null,
      status: 'active' as const,
      lastModified: null,
    };
    const { rows } = priceTransaction([aLine()], [pricingPromotion(accepted)]);
    expect(rows[0]!.discounts.manufacturerBuydown).toEqual({
      promotionId: 'RJ-1',
      description: 'CAMEL $0.50',
      perUnitCents: 50,
      setSize: 1,
      manufacturer: 'rjr',
    });
  });

  it('refuses lines of two baskets and impossible quantities', () => {
    expect(() => priceTransaction([aLine(), aLine({ transactionId: 'T2' })], [])).toThrow(/another basket/);
    expect(() => priceTransaction([aLine({ quantity: 1.5 })], [])).toThrow(/quantity/);
  });
});

describe('pricing a stream of sales', () => {
  it('prices basket by basket with the promotions accepted at each sale’s moment (a promotion accepted mid-week applies from then on)', async () => {
    const acceptedAt = '2026-12-02T12:00:00Z';
    const calls: string[] = [];
    const before: never[] = [];
    const after = [aBuydown()];
    const promotionsAt = (locationId: string, soldAt: string) => {
      calls.push(`${locationId}@${soldAt}`);
      return soldAt < acceptedAt ? before : after;
    };
    const lines = [
      ...aBasket([{ quantity: 1 }, { upc: CAMEL_CRUSH }], { transactionId: 'T1', soldAt: '2026-12-01T15:00:00Z', localDate: '2026-12-01' }),
      ...aBasket([{ quantity: 2 }], { transactionId: 'T2', soldAt: '2026-12-03T15:00:00Z', localDate: '2026-12-03' }),
    ];
    const rows = [];
    for await (const r of priceSales(lines, promotionsAt)) rows.push(r);
    expect(calls).toEqual(['loc-1@2026-12-01T15:00:00Z', 'loc-1@2026-12-03T15:00:00Z']);
    expect(rows.map((r) => [r.line.transactionId, r.quantity, r.discounts.manufacturerBuydown?.perUnitCents ?? 0])).toEqual([
      ['T1', 1, 0],
      ['T1', 1, 0],
      ['T2', 2, 50],
    ]);
  });
});
