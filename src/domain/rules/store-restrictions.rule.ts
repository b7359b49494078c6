import { Type } from '@sinclair/typebox';
import { defineRule } from './rule.ts';

export const STORE_RESTRICTIONS = 'store-restrictions';

export const storeRestrictionsRule = defineRule({
  id: STORE_RESTRICTIONS,
  description: 'Only at the listed stores (the POS store ids)',
  args: Type.Object({ storeIds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }) }, { additionalProperties: false }),
  check(args, ctx) {
    if (args.storeIds.includes(ctx.store.externalId)) return null;
    return {
      code: 'invalid-store-id',
      currentValue: ctx.store.externalId,
      targetValue: args.storeIds,
      message: 'Incentive is not available at this store',
    };
  },
});
