import { describe, expect, it } from 'vitest';
import { buildCart, CartError, goodsSubtotal, loyaltyDiscount, type RawLine } from '../../src/domain/cart.ts';

const line = (over: Partial<RawLine>): RawLine => ({ referenceId: '1', productId: 'P', productType: 'item', quantity: 1, price: '1.00', ...over });

describe('canonical cart', () => {
  it('prices combos with their children and multiplies quantities', () => {
    const cart = buildCart(
      'usd',
      [
        line({ referenceId: '1', productType: 'combo', price: '5.00', quantity: 2 }),
        line({ referenceId: '2', parentReferenceId: '1', price: 0 }),
        line({ referenceId: '3', parentReferenceId: '1', price: 0 }),
        line({ referenceId: '4', price: 1.5, quantity: 3 }),
      ],
      [{ type: 'CASH', amount: 1450 }],
    );
    expect(cart.currency).toBe('USD');
    expect(goodsSubtotal(cart)).toBe(1000 + 450);
  });

  it('treats reward and offer lines as discounts, never as spend', () => {
    const cart = buildCart('USD', [line({ referenceId: '1', price: '10.00' }), line({ referenceId: '2', productType: 'reward', price: '3.00' })], []);
    expect(goodsSubtotal(cart)).toBe(1000);
    expect(loyaltyDiscount(cart)).toBe(300);
  });

  it("separates NCR's SUBTOTAL, DISCOUNTS and TAXES totals from tenders", () => {
    const cart = buildCart(
      'USD',
      [],
      [
        { type: 'CREDIT', amount: 500 },
        { type: 'cash', amount: 400 },
        { type: 'SUBTOTAL', amount: 1000 },
        { type: 'DISCOUNTS', amount: 300 },
        { type: 'TAXES', amount: 200 },
      ],
    );
    expect(cart.tenders).toEqual([
      { type: 'CREDIT', amountCents: 500 },
      { type: 'CASH', amountCents: 400 },
    ]);
    expect(cart.totals).toEqual({ SUBTOTAL: 1000, DISCOUNTS: 300, TAXES: 200 });
  });

  it.each([
    [[line({ price: '-1.00' })], 'order[0].price'],
    [[line({ quantity: -1 })], 'order[0].quantity'],
    [[line({ productType: 'gift' })], 'order[0].productType'],
    [[line({}), line({})], 'order[1].referenceId'],
    [[line({ parentReferenceId: '9' })], 'order[0].parentReferenceId'],
    [[line({ price: '1.234' })], 'order[0].price'],
  ])('names the bad field', (order, path) => {
    try {
      buildCart('USD', order, []);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CartError);
      expect((e as CartError).path).toBe(path);
    }
  });
});
