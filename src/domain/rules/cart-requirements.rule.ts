import { Type } from '@sinclair/typebox';
import { defineRule } from './rule.ts';

export const CART_REQUIREMENTS = 'cart-requirements';
export const MISSING_REQUIRED_ITEM = 'missing-required-item';

export const ProductIds = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 500, uniqueItems: true, description: 'POS product ids (PLUs)' });

/**
 * The order must contain any of the listed products (item or combo lines, combo children
 * included), together at least `minQuantity` times (1 when unset).
 *
 * @example
 * { ruleId: 'cart-requirements', args: { productIds: ['100234', '100235'], minQuantity: 1 } } // with a drink
 */
export const cartRequirementsRule = defineRule({
  id: CART_REQUIREMENTS,
  description: 'The order must contain any of the listed products (at least minQuantity of them together)',
  codes: [MISSING_REQUIRED_ITEM],
  args: Type.Object(
    { productIds: ProductIds, minQuantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1 })) },
    { additionalProperties: false },
  ),
  check(args, ctx) {
    const need = args.minQuantity ?? 1;
    let found = 0;
    const quantities = ctx.facts.productQuantities;
    const ids = args.productIds;
    for (let i = 0; i < ids.length; i++) found += quantities.get(ids[i]!) ?? 0;
    if (found >= need) return null;
    return {
      code: MISSING_REQUIRED_ITEM,
      currentValue: found,
      targetValue: { productIds: args.productIds, minQuantity: need },
      message: 'Order does not contain a product this incentive requires',
    };
  },
});
