import type { LineDiscount } from '../../domain/scandata/loyalty-basket.ts';

/**
 * Validate for a c-store basket, in the Loyalty API's own words: each discount to apply is an
 * `eligibleDiscounts` entry (the vocabulary the API already uses to tell a POS which order line
 * to reprice) pointing at the order line by `orderReferenceId`, with its `productId` (the line's
 * UPC), `referenceId` (the promotion) and, in `details`, what it is and how much. Amounts are
 * minor units like `payments[].amount`. Manufacturer- and outlet-funded discounts stay apart by
 * `details.funding`. No manufacturer feed's field names reach the POS.
 *
 * @example
 * { "details": { "displayName": "Camel 2 pack save $1.00", "type": "OFFER", "discountType": "multipack",
 *     "funding": "manufacturer", "quantity": 2, "unitAmount": 50, "amount": 100 },
 *   "orderReferenceId": "1", "productId": "012300000019", "referenceId": "rjr:MP-1" }
 */
export function renderCstoreDiscounts(discounts: readonly LineDiscount[]): Record<string, unknown>[] {
  return discounts.map((d) => ({
    details: {
      displayName: d.description,
      type: 'OFFER',
      discountType: d.kind,
      funding: d.funding,
      quantity: d.quantity,
      unitAmount: d.unitAmountCents,
      amount: d.amountCents,
    },
    orderReferenceId: d.lineRef,
    productId: d.upc,
    referenceId: d.manufacturer ? `${d.manufacturer}:${d.promotionId}` : d.promotionId,
  }));
}

/** A rendered validate answer with the c-store discounts after any loyalty discounts the dialect gave. */
export function withCstoreDiscounts(answer: Record<string, unknown>, discounts: readonly LineDiscount[]): Record<string, unknown> {
  const own = Array.isArray(answer.eligibleDiscounts) ? (answer.eligibleDiscounts as unknown[]) : [];
  return { ...answer, eligibleDiscounts: [...own, ...renderCstoreDiscounts(discounts)] };
}
