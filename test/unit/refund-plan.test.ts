import { describe, expect, it } from 'vitest';
import type { Cart, CartLine } from '../../src/domain/cart.ts';
import { netOfRefunds, planRefund, type RefundableSale, refundLines, unknownRefundLine } from '../../src/domain/refund.ts';

const line = (ref: string, unitPriceCents: number, quantity = 1, kind: CartLine['kind'] = 'item'): CartLine => ({
  ref,
  parentRef: null,
  productId: `P${ref}`,
  name: `line ${ref}`,
  kind,
  quantity,
  unitPriceCents,
  amountCents: unitPriceCents * quantity,
  taxCents: 0,
  incentiveId: kind === 'reward' ? 'whopper' : null,
});

/** Burgers 2 × 5.99, fries 2.49 and a free Whopper (700 points) on line 3: 1447 cents earned 144 points. */
const cart: Cart = { currency: 'USD', lines: [line('1', 599, 2), line('2', 249), line('3', 0, 1, 'reward')], tenders: [], totals: {} };
const whopper = { id: 'r1', incentiveId: 'whopper', kind: 'REWARD' as const, quantity: 1, returnedQuantity: 0, points: 700, lineRefs: ['3'] };
const sale = (over: Partial<RefundableSale> = {}): RefundableSale => ({ cart, pointsEarned: 144, prior: [], redemptions: [whopper], ...over });

describe('planRefund', () => {
  it('reverses the refunded goods’ share of the earned points, rounded down', () => {
    expect(planRefund(sale(), [{ referenceId: '2', quantity: 1 }])).toEqual({ ok: true, goodsCents: 249, pointsDue: 24, pointsReturned: 0, returns: [] });
  });

  it('rounds on the running total, so refunding every line reverses every point', () => {
    const first = planRefund(sale(), [{ referenceId: '1', quantity: 1 }]);
    expect(first).toMatchObject({ ok: true, goodsCents: 599, pointsDue: 59 });
    const second = planRefund(sale({ prior: [{ lines: [{ referenceId: '1', quantity: 1 }], goodsCents: 599 }] }), [
      { referenceId: '1', quantity: 1 },
      { referenceId: '2', quantity: 1 },
    ]);
    expect(second).toMatchObject({ ok: true, goodsCents: 848, pointsDue: 144 - 59 });
  });

  it('gives a reward back only with the line that redeemed it', () => {
    expect(planRefund(sale(), [{ referenceId: '3', quantity: 1 }])).toEqual({
      ok: true,
      goodsCents: 0,
      pointsDue: 0,
      pointsReturned: 700,
      returns: [{ redemptionId: 'r1', incentiveId: 'whopper', kind: 'REWARD', quantity: 1, points: 700 }],
    });
    expect(planRefund(sale({ redemptions: [{ ...whopper, returnedQuantity: 1 }] }), [{ referenceId: '3', quantity: 1 }])).toMatchObject({
      pointsReturned: 0,
      returns: [],
    });
  });

  it('gives back whole points of a reward redeemed several times, and all of them once every unit is back', () => {
    // Three free drinks for 1000 points in all: 333 + 333 + 334, never a fraction of a point.
    const drinks = { ...whopper, quantity: 3, points: 1000 };
    const threeDrinks: Cart = { ...cart, lines: [line('1', 599, 2), line('3', 0, 3, 'reward')] };
    const one = planRefund(sale({ cart: threeDrinks, redemptions: [drinks] }), [{ referenceId: '3', quantity: 1 }]);
    expect(one).toMatchObject({ ok: true, pointsReturned: 333, returns: [{ quantity: 1, points: 333 }] });
    const two = planRefund(
      sale({ cart: threeDrinks, redemptions: [{ ...drinks, returnedQuantity: 1 }], prior: [{ lines: [{ referenceId: '3', quantity: 1 }], goodsCents: 0 }] }),
      [{ referenceId: '3', quantity: 2 }],
    );
    expect(two).toMatchObject({ ok: true, pointsReturned: 667 });
  });

  it('refuses more than is left of a line, naming the field', () => {
    const plan = planRefund(sale({ prior: [{ lines: [{ referenceId: '1', quantity: 2 }], goodsCents: 1198 }] }), [
      { referenceId: '2', quantity: 1 },
      { referenceId: '1', quantity: 1 },
    ]);
    expect(plan).toEqual({ ok: false, field: 'lines[1].quantity', message: 'refunds 1 of line "1", of which only 0 of 2 remain unrefunded' });
  });

  it('reverses nothing of a sale without goods', () => {
    expect(planRefund(sale({ cart: { ...cart, lines: [line('3', 0, 1, 'reward')] }, redemptions: [] }), [{ referenceId: '3', quantity: 1 }])).toMatchObject({
      pointsDue: 0,
    });
  });
});

describe('refund lines', () => {
  it('accepts whole quantities named once', () => {
    expect(refundLines([{ referenceId: '1', quantity: 2 }])).toEqual({ ok: true, lines: [{ referenceId: '1', quantity: 2 }] });
  });
  it('refuses no lines, a line twice and a quantity below 1', () => {
    expect(refundLines([])).toMatchObject({ ok: false, field: 'lines' });
    expect(
      refundLines([
        { referenceId: '1', quantity: 1 },
        { referenceId: '1', quantity: 1 },
      ]),
    ).toMatchObject({ ok: false, field: 'lines[1].referenceId' });
    expect(refundLines([{ referenceId: '1', quantity: 0.5 }])).toMatchObject({ ok: false, field: 'lines[0].quantity' });
  });
  it('names the first line that is no line of the sale', () => {
    expect(
      unknownRefundLine(cart, [
        { referenceId: '2', quantity: 1 },
        { referenceId: '9', quantity: 1 },
      ]),
    ).toEqual({ ok: false, field: 'lines[1].referenceId', message: '"9" is no line of this sale' });
    expect(unknownRefundLine(cart, [{ referenceId: '2', quantity: 1 }])).toBeNull();
  });
});

describe('netOfRefunds', () => {
  it('leaves a void what partial refunds have not moved, never below zero', () => {
    expect(netOfRefunds({ pointsEarned: 144, pointsRedeemed: 700 }, [{ pointsReversed: 24, pointsReturned: 700 }])).toEqual({
      pointsEarned: 120,
      pointsRedeemed: 0,
    });
    expect(netOfRefunds({ pointsEarned: 10, pointsRedeemed: 0 }, [{ pointsReversed: 24, pointsReturned: 0 }])).toEqual({ pointsEarned: 0, pointsRedeemed: 0 });
  });
});
