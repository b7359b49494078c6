import { Type } from '@sinclair/typebox';
import { cartQuantity, productKey } from './product-keys.ts';
import { defineRule, fail } from './rule.ts';

export const CART_REQUIREMENTS = 'cart-requirements';
export const MISSING_REQUIRED_ITEM = 'missing-required-item';

export const ProductIds = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  minItems: 1,
  maxItems: 500,
  uniqueItems: true,
  description: 'POS product ids (PLUs)',
});

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
  dependsOn: ['order'],
  args: Type.Object(
    { productIds: ProductIds, minQuantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1 })) },
    { additionalProperties: false },
  ),
  // Product ids as integer keys (see product-keys.ts); `minQuantity` defaulted once.
  prepare: (args) => ({ productIds: args.productIds, minQuantity: args.minQuantity ?? 1, keys: args.productIds.map((id) => productKey(id)) }),
  check(args, ctx) {
    const keys = args.keys;
    let found = 0;
    for (let i = 0; i < keys.length; i++) found += cartQuantity(ctx.facts, keys[i]!);
    if (found >= args.minQuantity) return null;
    return fail(
      ctx,
      MISSING_REQUIRED_ITEM,
      found,
      { productIds: args.productIds, minQuantity: args.minQuantity },
      'Order does not contain a product this incentive requires',
    );
  },
});
