import { MAX_AMOUNT_MINOR, MAX_QUANTITY } from './limits.ts';
import { type Cents, formatMajor, MoneyFormatError, parseMajor } from './money.ts';

/**
 * The canonical cart every dialect is translated into. Vendor shapes never reach the rules
 * engine or the ledger: they see only this.
 */
export type LineKind = 'item' | 'combo' | 'offer' | 'reward';

export interface CartLine {
  ref: string;
  parentRef: string | null;
  productId: string;
  name: string;
  kind: LineKind;
  quantity: number;
  unitPriceCents: Cents;
  /** unit price × quantity */
  amountCents: Cents;
  taxCents: Cents;
  /** The loyalty incentive this line redeems (reward/offer lines), once resolved. */
  incentiveId: string | null;
}

export interface Tender {
  type: string;
  amountCents: Cents;
}

export interface Cart {
  currency: string;
  lines: CartLine[];
  /** Real tenders (cash, cards …); NCR's SUBTOTAL/DISCOUNTS/TAXES pseudo-payments are in `totals`. */
  tenders: Tender[];
  totals: Partial<Record<'SUBTOTAL' | 'DISCOUNTS' | 'TAXES', Cents>>;
}

/** Input line as the adapter hands it over: money still as the POS wrote it. */
export interface RawLine {
  referenceId: string;
  parentReferenceId?: string | null;
  productId: string;
  name?: string;
  productType: string;
  quantity: number;
  price: string | number;
  tax?: string | number;
  incentiveId?: string | null;
}

export interface RawPayment {
  type: string;
  /** minor units */
  amount: number;
}

/** A cart that cannot be built; `path` is relative to the order/payments array of the request. */
export class CartError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const TOTAL_TYPES = new Set(['SUBTOTAL', 'DISCOUNTS', 'TAXES']);
const KINDS = new Set<LineKind>(['item', 'combo', 'offer', 'reward']);

export function buildCart(currency: string, order: RawLine[], payments: RawPayment[], digits = 2): Cart {
  const lines: CartLine[] = [];
  const refs = new Set<string>();
  order.forEach((raw, i) => {
    const kind = raw.productType.toLowerCase() as LineKind;
    if (!KINDS.has(kind)) throw new CartError(`order[${i}].productType`, 'must be one of item, combo, offer, reward');
    if (!Number.isInteger(raw.quantity) || raw.quantity < 0) {
      throw new CartError(`order[${i}].quantity`, 'must be a whole number, zero or more');
    }
    if (raw.quantity > MAX_QUANTITY) throw new CartError(`order[${i}].quantity`, `must be at most ${MAX_QUANTITY}`);
    if (refs.has(raw.referenceId)) {
      throw new CartError(`order[${i}].referenceId`, `duplicates referenceId "${raw.referenceId}" of an earlier line`);
    }
    refs.add(raw.referenceId);
    const unit = money(raw.price, `order[${i}].price`, digits);
    const tax = raw.tax === undefined ? 0 : money(raw.tax, `order[${i}].tax`, digits);
    // unit ≤ MAX_AMOUNT_MINOR and quantity ≤ MAX_QUANTITY: the product is exact (below 2^53).
    if (unit * raw.quantity > MAX_AMOUNT_MINOR)
      throw new CartError(`order[${i}].price`, `times quantity must be at most ${formatMajor(MAX_AMOUNT_MINOR, digits)}`);
    lines.push({
      ref: raw.referenceId,
      parentRef: raw.parentReferenceId ?? null,
      productId: raw.productId,
      name: raw.name ?? '',
      kind,
      quantity: raw.quantity,
      unitPriceCents: unit,
      amountCents: unit * raw.quantity,
      taxCents: tax,
      incentiveId: raw.incentiveId ?? null,
    });
  });
  // Goods of at most 500 lines each ≤ MAX_AMOUNT_MINOR: the sum is exact, then bounded.
  const goods = lines.reduce((sum, l) => sum + l.amountCents, 0);
  if (goods > MAX_AMOUNT_MINOR) throw new CartError('order', `must total at most ${formatMajor(MAX_AMOUNT_MINOR, digits)}`);
  lines.forEach((line, i) => {
    if (line.parentRef !== null && !refs.has(line.parentRef)) {
      throw new CartError(`order[${i}].parentReferenceId`, `points at "${line.parentRef}", which is no line of this order`);
    }
  });
  const tenders: Tender[] = [];
  const totals: Cart['totals'] = {};
  payments.forEach((p, i) => {
    if (!Number.isInteger(p.amount) || p.amount < 0) {
      throw new CartError(`payments[${i}].amount`, 'must be a whole number of minor units, zero or more');
    }
    if (p.amount > MAX_AMOUNT_MINOR) throw new CartError(`payments[${i}].amount`, `must be at most ${MAX_AMOUNT_MINOR}`);
    const type = p.type.toUpperCase();
    if (TOTAL_TYPES.has(type)) totals[type as keyof Cart['totals']] = p.amount;
    else tenders.push({ type, amountCents: p.amount });
  });
  return { currency: currency.toUpperCase(), lines, tenders, totals };
}

function money(value: string | number, path: string, digits: number): Cents {
  try {
    const cents = parseMajor(value, digits);
    if (cents < 0) throw new CartError(path, 'must not be negative');
    if (cents > MAX_AMOUNT_MINOR) throw new CartError(path, `must be at most ${formatMajor(MAX_AMOUNT_MINOR, digits)}`);
    return cents;
  } catch (e) {
    if (e instanceof MoneyFormatError) throw new CartError(path, e.reason);
    throw e;
  }
}

/** Spend on goods: item and combo lines (combo children included), before tax and loyalty discounts. */
export function goodsSubtotal(cart: Cart): Cents {
  let sum = 0;
  for (const l of cart.lines) if (!isIncentiveLine(l)) sum += l.amountCents;
  return sum;
}

/** Value of loyalty lines (rewards and offers): a discount on the goods, never spend that earns. */
export function loyaltyDiscount(cart: Cart): Cents {
  let sum = 0;
  for (const l of cart.lines) if (isIncentiveLine(l)) sum += l.amountCents;
  return sum;
}

export function isIncentiveLine(line: CartLine): boolean {
  return line.kind === 'reward' || line.kind === 'offer' || line.incentiveId !== null;
}
