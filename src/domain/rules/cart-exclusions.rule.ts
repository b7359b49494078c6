import { Type } from '@sinclair/typebox';
import { ProductIds } from './cart-requirements.rule.ts';
import { cartQuantity, productKey } from './product-keys.ts';
import { defineRule, fail } from './rule.ts';

export const CART_EXCLUSIONS = 'cart-exclusions';
export const EXCLUDED_ITEM_IN_CART = 'excluded-item-in-cart';

/**
 * The order must contain none of the listed products (item or combo lines, combo children included).
 *
 * @example
 * { ruleId: 'cart-exclusions', args: { productIds: ['300001'] } } // not with a family bundle
 */
export const cartExclusionsRule = defineRule({
  id: CART_EXCLUSIONS,
  description: 'The order must contain none of the listed products',
  codes: [EXCLUDED_ITEM_IN_CART],
  dependsOn: ['order'],
  args: Type.Object({ productIds: ProductIds }, { additionalProperties: false }),
  // Product ids as integer keys (see product-keys.ts).
  prepare: (args) => ({ productIds: args.productIds, keys: args.productIds.map((id) => productKey(id)) }),
  check(args, ctx) {
    const keys = args.keys;
    let found: string[] | null = null;
    for (let i = 0; i < keys.length; i++) if (cartQuantity(ctx.facts, keys[i]!) > 0) (found ??= []).push(args.productIds[i]!);
    if (!found) return null;
    return fail(ctx, EXCLUDED_ITEM_IN_CART, found, args.productIds, 'Order contains a product this incentive excludes');
  },
});
