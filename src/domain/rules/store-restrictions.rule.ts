import { Type } from '@sinclair/typebox';
import { defineRule, fail } from './rule.ts';

export const STORE_RESTRICTIONS = 'store-restrictions';
export const INVALID_STORE_ID = 'invalid-store-id';

/**
 * Only at the listed stores, by the store number the POS sends (`posVendor.storeId`). For whole
 * groups of stores use `restaurant-group`.
 *
 * @example
 * { ruleId: 'store-restrictions', args: { storeIds: ['9999', '1001'] } }
 */
export const storeRestrictionsRule = defineRule({
  id: STORE_RESTRICTIONS,
  description: 'Only at the listed stores (the POS store ids)',
  codes: [INVALID_STORE_ID],
  dependsOn: ['store'],
  args: Type.Object({ storeIds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }) }, { additionalProperties: false }),
  check(args, ctx) {
    if (args.storeIds.includes(ctx.store.externalId)) return null;
    return fail(ctx, INVALID_STORE_ID, ctx.store.externalId, args.storeIds, 'Incentive is not available at this store');
  },
});
