import { Type } from '@sinclair/typebox';
import { defineRule, fail } from './rule.ts';

export const SUBTOTAL_SPEND = 'subtotal-spend';
export const INSUFFICIENT_SUBTOTAL_SPEND = 'insufficient-subtotal-spend';

/**
 * The goods subtotal (item and combo lines, before tax and loyalty discounts) must reach
 * `minimumCents`.
 *
 * @example
 * { ruleId: 'subtotal-spend', args: { minimumCents: 1000 } } // orders of $10 or more
 */
export const subtotalSpendRule = defineRule({
  id: SUBTOTAL_SPEND,
  description: 'Minimum goods subtotal in minor units, before tax and loyalty discounts',
  codes: [INSUFFICIENT_SUBTOTAL_SPEND],
  dependsOn: ['order'],
  args: Type.Object({ minimumCents: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  check(args, ctx) {
    if (ctx.subtotalCents >= args.minimumCents) return null;
    return fail(ctx, INSUFFICIENT_SUBTOTAL_SPEND, ctx.subtotalCents, args.minimumCents, 'Order subtotal is below the minimum spend for this incentive');
  },
});
