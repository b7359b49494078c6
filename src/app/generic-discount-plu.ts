import type { Cart, CartLine } from '../domain/cart.ts';
import { invalidField } from '../errors.ts';

const isGoods = (l: CartLine) => l.kind === 'item' || l.kind === 'combo';

/**
 * Some POSes have no reward PLUs (Winrest): they ring the reward's product as an ordinary line and
 * then their generic 100% discount PLU. A program names those PLUs per vendor
 * (`posSettings.<vendor>.genericDiscountPlus`). Each line carrying one becomes a reward line for
 * one unit of the product it discounts — the line its parentReferenceId names, else the nearest
 * goods line before it — worth that unit's price, whatever price the POS wrote on the discount.
 * The reward line is then resolved by the product's PLU like any other, so the product stays
 * goods and its value is taken off the spend that earns points. It knows no vendor.
 *
 * @example
 * // [whopper 6.49 (3001), small fries 3.00 (1201), discount (990001)] with ['990001']
 * // → [whopper, small fries, reward line for 1201 worth 3.00]
 * redeemByGenericDiscount(cart, ['990001'])
 */
export function redeemByGenericDiscount(cart: Cart, discountPlus: readonly string[]): Cart {
  if (discountPlus.length === 0 || !cart.lines.some((l) => discountPlus.includes(l.productId))) return cart;
  const isDiscount = (l: CartLine) => discountPlus.includes(l.productId);
  const lines = cart.lines.map((line, i): CartLine => {
    if (!isDiscount(line)) return line;
    const target =
      line.parentRef !== null
        ? cart.lines.find((l) => l.ref === line.parentRef && isGoods(l) && !isDiscount(l))
        : cart.lines
            .slice(0, i)
            .reverse()
            .find((l) => isGoods(l) && !isDiscount(l));
    if (!target) {
      throw invalidField(
        `transactionDetails.order[${i}].productId`,
        `is the generic discount PLU "${line.productId}", but there is no product line before it (or named by its parentReferenceId) to discount`,
      );
    }
    return {
      ...line,
      parentRef: null,
      productId: target.productId,
      kind: 'reward',
      quantity: 1,
      unitPriceCents: target.unitPriceCents,
      amountCents: target.unitPriceCents,
      taxCents: line.taxCents,
      incentiveId: null,
    };
  });
  return { ...cart, lines };
}
