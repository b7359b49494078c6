import { describe, expect, it } from 'vitest';
import { redeemByGenericDiscount } from '../../src/app/generic-discount-plu.ts';
import { resolveIncentiveLines } from '../../src/app/loyalty.service.ts';
import { buildCart } from '../../src/domain/cart.ts';
import type { Incentive } from '../../src/domain/incentive.ts';

const incentive = (id: string, kind: Incentive['kind'], plus: Record<string, string>): Incentive => ({
  id,
  kind,
  name: id,
  pointCost: kind === 'REWARD' ? 100 : 0,
  rules: [],
  vendorConfigs: Object.fromEntries(Object.entries(plus).map(([vendor, plu]) => [vendor, { pluType: 'constantPlu', constantPlu: plu }])),
});
const incentives = new Map(
  [
    incentive('rwd-fries', 'REWARD', { winrest: '1201', partner: '900101' }),
    incentive('rwd-shake', 'REWARD', { winrest: '1301', partner: '900555', ncr: '900555' }),
    incentive('rwd-pie', 'REWARD', { partner: '900777' }),
    incentive('ofr-pie', 'OFFER', { ncr: '900777' }),
  ].map((i) => [i.id, i]),
);
const cart = (...lines: { productId: string; productType: string; price?: string; parentReferenceId?: string }[]) =>
  buildCart(
    'USD',
    lines.map((l, i) => ({
      referenceId: String(i + 1),
      productId: l.productId,
      productType: l.productType,
      quantity: 1,
      price: l.price ?? '0',
      parentReferenceId: l.parentReferenceId ?? null,
    })),
    [],
  );

describe('resolving loyalty lines', () => {
  it("takes the vendor's own PLU first, else one that a single incentive has for another vendor", () => {
    const { cart: resolved } = resolveIncentiveLines(
      cart({ productId: '1201', productType: 'reward' }, { productId: '900555', productType: 'reward' }),
      incentives,
      'winrest',
      [],
      null,
    );
    expect(resolved.lines.map((l) => l.incentiveId)).toEqual(['rwd-fries', 'rwd-shake']);
  });

  it('lets the incentive decide the line kind: a reward PLU sent as an offer redeems the reward', () => {
    const { cart: resolved } = resolveIncentiveLines(cart({ productId: '1201', productType: 'offer' }), incentives, 'winrest', [], null);
    expect(resolved.lines[0]).toMatchObject({ kind: 'reward', incentiveId: 'rwd-fries' });
  });

  it('answers 404 naming the line when two incentives have the PLU for other vendors', () => {
    expect(() => resolveIncentiveLines(cart({ productId: '900777', productType: 'reward' }), incentives, 'winrest', [], null)).toThrow(
      expect.objectContaining({
        code: 'RewardNotFoundError',
        details: { field: 'transactionDetails.order[0].productId' },
        message: expect.stringContaining('rwd-pie, ofr-pie'),
      }),
    );
  });
});

describe('the generic discount PLU', () => {
  it('turns the discount line into a reward line for one unit of the product before it, at its price', () => {
    const rung = redeemByGenericDiscount(
      cart(
        { productId: '3001', productType: 'item', price: '6.49' },
        { productId: '1201', productType: 'item', price: '3.00' },
        { productId: '990001', productType: 'item', price: '3.00' },
      ),
      ['990001'],
    );
    expect(rung.lines[2]).toMatchObject({ ref: '3', kind: 'reward', productId: '1201', quantity: 1, unitPriceCents: 300, amountCents: 300, incentiveId: null });
    expect(rung.lines.slice(0, 2).map((l) => l.kind)).toEqual(['item', 'item']);
  });

  it('follows parentReferenceId when the discount line names its product', () => {
    const rung = redeemByGenericDiscount(
      cart(
        { productId: '1201', productType: 'item', price: '3.00' },
        { productId: '3001', productType: 'item', price: '6.49' },
        { productId: '990001', productType: 'reward', parentReferenceId: '1' },
      ),
      ['990001'],
    );
    expect(rung.lines[2]).toMatchObject({ productId: '1201', amountCents: 300, parentRef: null });
  });

  it('refuses a discount line with no product line before it, naming it', () => {
    expect(() => redeemByGenericDiscount(cart({ productId: '990001', productType: 'item' }), ['990001'])).toThrow(
      expect.objectContaining({ code: 'ValidationError', details: { field: 'transactionDetails.order[0].productId' } }),
    );
  });
});
