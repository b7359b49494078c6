import { Type } from '@sinclair/typebox';
import { ProductIds } from './cart-requirements.rule.ts';
import { defineRule } from './rule.ts';

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
  args: Type.Object({ productIds: ProductIds }, { additionalProperties: false }),
  check(args, ctx) {
    const quantities = ctx.facts.productQuantities;
    const ids = args.productIds;
    let found: string[] | null = null;
    for (let i = 0; i < ids.length; i++) if ((quantities.get(ids[i]!) ?? 0) > 0) (found ??= []).push(ids[i]!);
    if (!found) return null;
    return { code: EXCLUDED_ITEM_IN_CART, currentValue: found, targetValue: args.productIds, message: 'Order contains a product this incentive excludes' };
  },
});
