import { Type } from '@sinclair/typebox';
import { defineRule, fail } from './rule.ts';

export const PAYMENT_METHOD = 'payment-method';
export const INVALID_PAYMENT_METHOD = 'invalid-payment-method';

/**
 * At least one payment of the order must be of a listed tender type (CASH, CARD, VISA, AMEX …,
 * compared in upper case). Before payment is taken (validate and PENDING usually carry no
 * payments) the rule cannot be decided and passes; the CLAIMED update decides it.
 *
 * @example
 * { ruleId: 'payment-method', args: { types: ['VISA'] } }
 */
export const paymentMethodRule = defineRule({
  id: PAYMENT_METHOD,
  description: 'A payment of the order must use one of the listed tender types (undecided, so passing, while the order has no payments)',
  codes: [INVALID_PAYMENT_METHOD],
  dependsOn: ['order'],
  args: Type.Object(
    {
      types: Type.Array(Type.String({ pattern: '^[A-Z0-9_]{1,30}$' }), {
        minItems: 1,
        maxItems: 50,
        uniqueItems: true,
        description: 'upper-case tender types',
      }),
    },
    { additionalProperties: false },
  ),
  check(args, ctx) {
    const tenders = ctx.facts.tenderTypes;
    if (tenders.size === 0) return null;
    const types = args.types;
    for (let i = 0; i < types.length; i++) if (tenders.has(types[i]!)) return null;
    return fail(ctx, INVALID_PAYMENT_METHOD, ctx.facts.tenderTypeList, args.types, 'Order is not paid with a payment method this incentive requires');
  },
});
