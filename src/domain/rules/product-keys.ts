import type { CartFacts } from './rule.ts';

/**
 * Product ids as small integer keys, for the cart rules (`cart-requirements`, `cart-exclusions`),
 * which look the cart's products up several hundred times per eligibility list of 200
 * incentives. V8's Map compares a string key with each entry of its hash bucket by a full string
 * comparison (a builtin call per entry; hashes are not compared first); an integer key is
 * compared in one instruction.
 *
 * Only product ids that a rule's arguments name get a key, when the rule is prepared (once per
 * incentive object), so the table grows with the configured incentives, never with carts.
 */
const keys = new Map<string, number>();
/** The product id of each key. */
const productIds: string[] = [];

/** The key of `productId`, made on first use. For rule preparation only (see above). */
export function productKey(productId: string): number {
  let key = keys.get(productId);
  if (key === undefined) {
    key = productIds.length;
    keys.set(productId, key);
    productIds.push(productId);
  }
  return key;
}

/**
 * How many of the product with this key the cart holds (`facts.productQuantities`). Each key is
 * looked up by its product id once per cart facts and then memoized by key, so an evaluation
 * that asks once (the POS path) costs what a plain lookup costs, and one that asks hundreds of
 * times (eligibility) mostly compares integers.
 */
export function cartQuantity(facts: CartFacts, key: number): number {
  let byKey = facts.quantityByProductKey;
  if (byKey === null) {
    byKey = new Map();
    facts.quantityByProductKey = byKey;
  }
  let quantity = byKey.get(key);
  if (quantity === undefined) {
    quantity = facts.productQuantities.get(productIds[key]!) ?? 0;
    byKey.set(key, quantity);
  }
  return quantity;
}
