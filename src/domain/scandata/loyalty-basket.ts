import type { Cart } from '../cart.ts';
import { normalizeUpc } from '../promotions/upc.ts';
import { DISCOUNT_SLOTS, type DiscountSlot, type PricedLine } from './pricing.ts';
import type { PosSaleLineInput } from './pos-sale.ts';
import type { Funding, Tender } from './sale-line.ts';

/**
 * A Loyalty-API basket (the canonical {@link Cart} every POS dialect is read into) as a c-store
 * sale: which of its lines are c-store goods, how its tender reads, and what pricing gave each
 * line back in the cart's own references. Pure; docs/scan-data.md "Sales in by POS key" says why
 * each mapping is what it is.
 */

/** The c-store lines of a cart, in cart order, with the `referenceId` of the cart line each came from. */
export interface CstoreBasket {
  lines: PosSaleLineInput[];
  refs: string[];
}

/**
 * The cart's c-store goods: `item` lines (children of a combo too) with at least one unit whose
 * `productId` is a UPC-A, or a zero-padded EAN-13/GTIN-14 of one, with a valid check digit.
 * Anything else — a restaurant PLU, a reward or offer line, a code with a wrong check digit — is
 * not a c-store line and is left out, so a restaurant-style sale is never refused for it.
 * @example cstoreBasket(cart).lines // [{ productId: '012300000019', quantity: 2, unitPriceCents: 899, … }]
 */
export function cstoreBasket(cart: Pick<Cart, 'lines'>): CstoreBasket {
  const out: CstoreBasket = { lines: [], refs: [] };
  for (const l of cart.lines) {
    if (l.kind !== 'item' || l.quantity < 1) continue;
    const upc = normalizeUpc(l.productId);
    if (!upc.ok) continue;
    out.lines.push({ productId: upc.upc, description: l.name, quantity: l.quantity, unitPriceCents: l.unitPriceCents });
    out.refs.push(l.ref);
  }
  return out;
}

const TENDER_WORDS: Record<string, Tender> = {
  CASH: 'cash',
  COUPON: 'cash',
  CARD: 'credit',
  CREDIT: 'credit',
  CREDIT_CARD: 'credit',
  VISA: 'credit',
  MASTERCARD: 'credit',
  AMEX: 'credit',
  DISCOVER: 'credit',
  DEBIT: 'debit',
  DEBIT_CARD: 'debit',
  EBT: 'ebt',
  SNAP: 'ebt',
  MOBILE: 'mobile',
  APPLE_PAY: 'mobile',
  APPLEPAY: 'mobile',
  GOOGLE_PAY: 'mobile',
  GOOGLEPAY: 'mobile',
  PAYPAL: 'mobile',
  APP: 'mobile',
};

/**
 * The sale's tender in scan-data words: the real tender (NCR's SUBTOTAL/DISCOUNTS/TAXES totals are
 * not tenders) that paid the most, the first of equals; `other` when the POS sent none or an
 * unknown type.
 * @example tenderOf({ tenders: [{ type: 'VISA', amountCents: 917 }] }) === 'credit'
 */
export function tenderOf(cart: Pick<Cart, 'tenders'>): Tender {
  let best: { type: string; amountCents: number } | null = null;
  for (const t of cart.tenders) if (!best || t.amountCents > best.amountCents) best = t;
  if (!best) return 'other';
  return (
    TENDER_WORDS[
      best.type
        .trim()
        .toUpperCase()
        .replace(/[\s-]+/g, '_')
    ] ?? 'other'
  );
}

/** What kind of discount a pricing slot is, for a POS. */
export type DiscountKind = 'buydown' | 'multipack' | 'loyalty' | 'coupon';

const SLOT_KIND: Record<DiscountSlot, { kind: DiscountKind; funding: Funding }> = {
  manufacturerBuydown: { kind: 'buydown', funding: 'manufacturer' },
  manufacturerMultipack: { kind: 'multipack', funding: 'manufacturer' },
  manufacturerLoyalty: { kind: 'loyalty', funding: 'manufacturer' },
  outletMultipack: { kind: 'multipack', funding: 'outlet' },
  outletDiscount: { kind: 'buydown', funding: 'outlet' },
  coupon: { kind: 'coupon', funding: 'manufacturer' },
};

/** One discount to apply to some units of one cart line. */
export interface LineDiscount {
  /** the cart line's `referenceId` */
  lineRef: string;
  upc: string;
  promotionId: string;
  /** the promotion's manufacturer ('rjr' …), null for the outlet's own */
  manufacturer: string | null;
  description: string;
  kind: DiscountKind;
  funding: Funding;
  slot: DiscountSlot;
  /** units it applies to */
  quantity: number;
  /** per unit, minor units */
  unitAmountCents: number;
  /** quantity × unitAmountCents */
  amountCents: number;
  /** multipacks: units in the qualifying set; 1 otherwise */
  setSize: number;
}

/**
 * Pricing's rows of a basket as discounts per cart line: one per row and slot that gave
 * something (a line whose units got different amounts, e.g. 3 packs of which 2 form a set, has a
 * discount per group of units). `refs[i]` is the cart reference of the basket's line i + 1.
 */
export function lineDiscounts(rows: readonly PricedLine[], refs: readonly string[]): LineDiscount[] {
  const out: LineDiscount[] = [];
  for (const row of rows) {
    if (row.quantity <= 0) continue;
    for (const slot of DISCOUNT_SLOTS) {
      const d = row.discounts[slot];
      if (!d) continue;
      const { kind, funding } = SLOT_KIND[slot];
      out.push({
        lineRef: refs[row.line.lineNumber - 1] ?? String(row.line.lineNumber),
        upc: row.line.upc,
        promotionId: d.promotionId,
        manufacturer: d.manufacturer,
        description: d.description,
        kind,
        funding: slot === 'coupon' ? (d.manufacturer ? 'manufacturer' : 'outlet') : funding,
        slot,
        quantity: row.quantity,
        unitAmountCents: d.perUnitCents,
        amountCents: row.quantity * d.perUnitCents,
        setSize: d.setSize,
      });
    }
  }
  return out;
}
