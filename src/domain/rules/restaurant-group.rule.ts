import { Type } from '@sinclair/typebox';
import { defineRule, fail } from './rule.ts';

export const RESTAURANT_GROUP = 'restaurant-group';
export const INVALID_RESTAURANT_GROUP = 'invalid-restaurant-group';

/**
 * Only at stores that belong to any of the listed restaurant groups (a store's groups are set in
 * the admin API: regions, franchisees, test markets …). For a list of single stores use
 * `store-restrictions`.
 *
 * @example
 * { ruleId: 'restaurant-group', args: { groups: ['northeast', 'franchisee-42'] } }
 */
export const restaurantGroupRule = defineRule({
  id: RESTAURANT_GROUP,
  description: 'Only at stores in any of the listed restaurant groups',
  codes: [INVALID_RESTAURANT_GROUP],
  dependsOn: ['store'],
  args: Type.Object(
    { groups: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { minItems: 1, maxItems: 100, uniqueItems: true }) },
    { additionalProperties: false },
  ),
  check(args, ctx) {
    const groups = ctx.store.groups ?? [];
    for (let i = 0; i < groups.length; i++) if (args.groups.includes(groups[i]!)) return null;
    return fail(ctx, INVALID_RESTAURANT_GROUP, groups, args.groups, 'Incentive is not available at stores of this group');
  },
});
