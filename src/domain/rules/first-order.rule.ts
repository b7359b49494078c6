import { Type } from '@sinclair/typebox';
import { defineRule, fail } from './rule.ts';

export const FIRST_ORDER = 'first-order';
export const NOT_FIRST_ORDER = 'not-first-order';

/**
 * Only on the guest's first claimed sale: the guest has no earlier CLAIMED sale (voided ones do
 * not count, partly refunded ones do).
 *
 * @example
 * { ruleId: 'first-order', args: {} }
 */
export const firstOrderRule = defineRule({
  id: FIRST_ORDER,
  description: "Only on the guest's first claimed sale",
  codes: [NOT_FIRST_ORDER],
  dependsOn: [],
  args: Type.Object({}, { additionalProperties: false }),
  needs: ['history'],
  check(_args, ctx) {
    const before = ctx.history!.claimedTransactions!;
    if (before === 0) return null;
    return fail(ctx, NOT_FIRST_ORDER, before, 0, 'Incentive is only for the first order of a guest');
  },
});
