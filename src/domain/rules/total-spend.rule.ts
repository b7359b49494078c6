import { Type } from '@sinclair/typebox';
import { defineRule, fail } from './rule.ts';

export const TOTAL_SPEND = 'total-spend';
export const INSUFFICIENT_TOTAL_SPEND = 'insufficient-total-spend';

/**
 * The order total including tax (goods subtotal plus tax, before loyalty discounts) must reach
 * `minimumCents`. Tax is the lines' `tax`, or NCR's TAXES total when no line carries tax.
 *
 * @example
 * { ruleId: 'total-spend', args: { minimumCents: 1500 } } // $15.00 with tax
 */
export const totalSpendRule = defineRule({
  id: TOTAL_SPEND,
  description: 'Minimum order total in minor units, tax included, before loyalty discounts',
  codes: [INSUFFICIENT_TOTAL_SPEND],
  dependsOn: ['order'],
  args: Type.Object({ minimumCents: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  check(args, ctx) {
    if (ctx.facts.totalCents >= args.minimumCents) return null;
    return fail(ctx, INSUFFICIENT_TOTAL_SPEND, ctx.facts.totalCents, args.minimumCents, 'Order total is below the minimum spend for this incentive');
  },
});
