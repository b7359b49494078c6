import { Type } from '@sinclair/typebox';
import { defineRule } from './rule.ts';

export const SUBTOTAL_SPEND = 'subtotal-spend';

/** The goods subtotal (before tax and loyalty discounts) must reach `minimumCents`. */
export const subtotalSpendRule = defineRule({
  id: SUBTOTAL_SPEND,
  description: 'Minimum goods subtotal in minor units, before tax and loyalty discounts',
  args: Type.Object({ minimumCents: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  check(args, ctx) {
    if (ctx.subtotalCents >= args.minimumCents) return null;
    return {
      code: 'insufficient-subtotal-spend',
      currentValue: ctx.subtotalCents,
      targetValue: args.minimumCents,
      message: 'Order subtotal is below the minimum spend for this incentive',
    };
  },
});
