import { Type } from '@sinclair/typebox';
import { defineRule, fail } from './rule.ts';

export const LIMIT_PER_ORDER = 'limit-per-order';
export const EXCEEDS_LIMIT_PER_ORDER = 'exceeds-limit-per-order';

/**
 * How many times one incentive may be in one order. Every incentive is checked against it,
 * with a maximum of 1 when the incentive does not configure the rule.
 *
 * @example
 * { ruleId: 'limit-per-order', args: { max: 2 } } // up to two in one order
 */
export const limitPerOrderRule = defineRule({
  id: LIMIT_PER_ORDER,
  description: 'How many times the incentive may be redeemed in one order (1 when not configured)',
  codes: [EXCEEDS_LIMIT_PER_ORDER],
  dependsOn: [],
  args: Type.Object({ max: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  check(args, ctx) {
    if (ctx.quantity <= args.max) return null;
    return fail(ctx, EXCEEDS_LIMIT_PER_ORDER, ctx.quantity, args.max, 'Incentive is in the order more often than allowed');
  },
});
