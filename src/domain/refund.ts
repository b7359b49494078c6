import { type Cart, isIncentiveLine } from './cart.ts';

/**
 * Partial refunds of a CLAIMED sale, as arithmetic: the POS names the refunded lines (by
 * referenceId and quantity). Earned points are reversed in proportion to the goods refunded,
 * rounded down on the running total of the sale's refunds (so refunding every line reverses every
 * point); a reward or offer is given back only with a line that redeemed it. No I/O: the refund use
 * case reads the sale, its earlier refunds and redemptions, plans, and applies the plan.
 */

export interface RefundedLine {
  referenceId: string;
  quantity: number;
}

/** A refund the POS cannot have: the field at fault and why, in the words of the 400 answer. */
export interface RefundRefusal {
  ok: false;
  field: string;
  message: string;
}

export type RefundCheck<T> = ({ ok: true } & T) | RefundRefusal;

/** The sale as a refund sees it. */
export interface RefundableSale {
  cart: Cart;
  /** points the sale earned when CLAIMED */
  pointsEarned: number;
  /** the sale's refunds before this one */
  prior: { lines: RefundedLine[]; goodsCents: number }[];
  /** the sale's redemptions not voided */
  redemptions: {
    id: string;
    incentiveId: string;
    kind: 'REWARD' | 'OFFER';
    quantity: number;
    returnedQuantity: number;
    points: number;
    /** the lines that redeemed it */
    lineRefs: string[];
  }[];
}

export interface RefundPlan {
  /** price of the goods refunded (incentive lines excluded) */
  goodsCents: number;
  /** earned points this refund reverses, before the guest's balance caps it */
  pointsDue: number;
  /** reward points given back */
  pointsReturned: number;
  /** redemptions given back, and how much of each */
  returns: { redemptionId: string; incentiveId: string; kind: 'REWARD' | 'OFFER'; quantity: number; points: number }[];
}

const refuse = (field: string, message: string): RefundRefusal => ({ ok: false, field, message });

/** The requested lines, checked: at least one, each named once, whole quantities of 1 or more. */
export function refundLines(lines: readonly { referenceId: string; quantity: number }[]): RefundCheck<{ lines: RefundedLine[] }> {
  if (lines.length === 0) return refuse('lines', 'must name at least one refunded line');
  const seen = new Set<string>();
  const out: RefundedLine[] = [];
  for (const [i, l] of lines.entries()) {
    const referenceId = String(l.referenceId);
    if (seen.has(referenceId)) return refuse(`lines[${i}].referenceId`, `names line "${referenceId}" twice; give its total quantity once`);
    seen.add(referenceId);
    if (!Number.isInteger(l.quantity) || l.quantity < 1) return refuse(`lines[${i}].quantity`, 'must be a whole number, 1 or more');
    out.push({ referenceId, quantity: l.quantity });
  }
  return { ok: true, lines: out };
}

/** Refusal for the first requested line that is no line of the sale, or null. */
export function unknownRefundLine(cart: Cart, requested: readonly RefundedLine[]): RefundRefusal | null {
  const refs = new Set(cart.lines.map((l) => l.ref));
  const i = requested.findIndex((r) => !refs.has(r.referenceId));
  return i < 0 ? null : refuse(`lines[${i}].referenceId`, `"${requested[i]!.referenceId}" is no line of this sale`);
}

/**
 * What refunding `requested` of `sale` moves.
 *
 * @example
 * planRefund({ cart, pointsEarned: 100, prior: [], redemptions: [] }, [{ referenceId: '2', quantity: 1 }]);
 * // → { ok: true, goodsCents: 299, pointsDue: 29, pointsReturned: 0, returns: [] } (line 2: 2.99 of a 10.00 sale)
 */
export function planRefund(sale: RefundableSale, requested: readonly RefundedLine[]): RefundCheck<RefundPlan> {
  const byRef = new Map(sale.cart.lines.map((l) => [l.ref, l]));
  const refundedBefore = new Map<string, number>();
  let goodsBefore = 0;
  for (const p of sale.prior) {
    goodsBefore += p.goodsCents;
    for (const l of p.lines) refundedBefore.set(l.referenceId, (refundedBefore.get(l.referenceId) ?? 0) + l.quantity);
  }

  let goods = 0;
  for (const [i, r] of requested.entries()) {
    const line = byRef.get(r.referenceId);
    if (!line) return refuse(`lines[${i}].referenceId`, `"${r.referenceId}" is no line of this sale`);
    const left = line.quantity - (refundedBefore.get(r.referenceId) ?? 0);
    if (r.quantity > left) {
      return refuse(`lines[${i}].quantity`, `refunds ${r.quantity} of line "${r.referenceId}", of which only ${left} of ${line.quantity} remain unrefunded`);
    }
    if (!isIncentiveLine(line)) goods += line.unitPriceCents * r.quantity;
  }

  // Earned points follow the goods: the share of the sale's goods refunded so far, rounded down.
  const base = goodsSubtotalOf(sale.cart);
  const share = (cents: number) => (base <= 0 ? 0 : Math.floor((sale.pointsEarned * cents) / base));
  const pointsDue = share(goodsBefore + goods) - share(goodsBefore);

  // Rewards and offers come back only with a line that redeemed them.
  const returns: RefundPlan['returns'] = [];
  let pointsReturned = 0;
  for (const red of sale.redemptions) {
    let give = 0;
    for (const r of requested) if (red.lineRefs.includes(r.referenceId)) give += r.quantity;
    give = Math.min(give, red.quantity - red.returnedQuantity);
    if (give <= 0) continue;
    // Points are whole: what comes back is the share of the redemption returned so far, rounded
    // down on the running total, so giving back every unit gives back exactly what it cost.
    const returnedShare = (n: number) => (red.quantity > 0 ? Math.floor((red.points * n) / red.quantity) : 0);
    const points = returnedShare(red.returnedQuantity + give) - returnedShare(red.returnedQuantity);
    pointsReturned += points;
    returns.push({ redemptionId: red.id, incentiveId: red.incentiveId, kind: red.kind, quantity: give, points });
  }
  return { ok: true, goodsCents: goods, pointsDue, pointsReturned, returns };
}

/** What a void must still reverse once partial refunds have moved some points. */
export function netOfRefunds(
  sale: { pointsEarned: number; pointsRedeemed: number },
  refunds: readonly { pointsReversed: number; pointsReturned: number }[],
): { pointsEarned: number; pointsRedeemed: number } {
  let reversed = 0;
  let returned = 0;
  for (const r of refunds) {
    reversed += r.pointsReversed;
    returned += r.pointsReturned;
  }
  return { pointsEarned: Math.max(0, sale.pointsEarned - reversed), pointsRedeemed: Math.max(0, sale.pointsRedeemed - returned) };
}

function goodsSubtotalOf(cart: Cart): number {
  let sum = 0;
  for (const l of cart.lines) if (!isIncentiveLine(l)) sum += l.unitPriceCents * l.quantity;
  return sum;
}
