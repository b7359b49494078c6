import { Type } from '@sinclair/typebox';
import { defineRule, fail } from './rule.ts';

export const TRANSACTION_COUNT = 'transaction-count';
export const INSUFFICIENT_TRANSACTION_COUNT = 'insufficient-transaction-count';
export const EXCEEDS_TRANSACTION_COUNT = 'exceeds-transaction-count';

/**
 * The guest's number of earlier CLAIMED sales (voided ones excluded) must be at least `min`
 * and, when set, at most `max`.
 *
 * @example
 * { ruleId: 'transaction-count', args: { min: 5 } }         // after five visits
 * { ruleId: 'transaction-count', args: { min: 1, max: 3 } } // second to fourth visit
 */
export const transactionCountRule = defineRule({
  id: TRANSACTION_COUNT,
  description: "The guest's earlier claimed sales must number at least min (and at most max when set)",
  codes: [INSUFFICIENT_TRANSACTION_COUNT, EXCEEDS_TRANSACTION_COUNT],
  dependsOn: [],
  args: Type.Object(
    { min: Type.Integer({ minimum: 0, maximum: 1_000_000 }), max: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })) },
    { additionalProperties: false },
  ),
  needs: ['history'],
  validate: (args) => (args.max !== undefined && args.max < args.min ? ['max: must not be below min'] : []),
  check(args, ctx) {
    const count = ctx.history!.claimedTransactions!;
    if (count < args.min) {
      return fail(ctx, INSUFFICIENT_TRANSACTION_COUNT, count, args.min, 'Guest has not made enough purchases for this incentive yet');
    }
    if (args.max !== undefined && count > args.max) {
      return fail(ctx, EXCEEDS_TRANSACTION_COUNT, count, args.max, 'Guest has made more purchases than this incentive allows');
    }
    return null;
  },
});
