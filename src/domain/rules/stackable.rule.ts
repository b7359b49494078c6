import { Type } from '@sinclair/typebox';
import { defineRule, fail } from './rule.ts';

export const STACKABLE = 'stackable';
export const NOT_STACKABLE = 'not-stackable-with-rewards';

/**
 * Offers only. Whether the offer may be redeemed in the same order as rewards. Without this rule
 * an offer combines with rewards (`withRewards: true`). One offer per order holds regardless.
 *
 * @example
 * { ruleId: 'stackable', args: { withRewards: false } } // not together with a reward
 */
export const stackableRule = defineRule({
  id: STACKABLE,
  description: 'Offers only: whether the offer may be combined with rewards in one order',
  codes: [NOT_STACKABLE],
  dependsOn: [],
  args: Type.Object({ withRewards: Type.Boolean() }, { additionalProperties: false }),
  appliesTo: ['OFFER'],
  check(args, ctx) {
    if (args.withRewards) return null;
    const rewards = ctx.applied.filter((a) => a.kind === 'REWARD').map((a) => a.incentiveId);
    if (rewards.length === 0) return null;
    return fail(ctx, NOT_STACKABLE, rewards, [], 'Offer cannot be combined with rewards in one order');
  },
});
