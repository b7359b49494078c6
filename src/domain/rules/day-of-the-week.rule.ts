import { Type } from '@sinclair/typebox';
import { DAY_NAMES } from '../calendar.ts';
import { defineRule, fail } from './rule.ts';

export const DAY_OF_THE_WEEK = 'day-of-the-week';
export const INVALID_DAY_OF_THE_WEEK = 'invalid-day-of-the-week';

/**
 * Only on the listed days of the store's week. A band such as Monday to Friday is written as its
 * days.
 *
 * @example
 * { ruleId: 'day-of-the-week', args: { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] } }
 */
export const dayOfTheWeekRule = defineRule({
  id: DAY_OF_THE_WEEK,
  description: 'Only on the listed store-local days of the week (SUN … SAT)',
  codes: [INVALID_DAY_OF_THE_WEEK],
  dependsOn: ['time'],
  args: Type.Object(
    { days: Type.Array(Type.Union(DAY_NAMES.map((d) => Type.Literal(d))), { minItems: 1, maxItems: 7, uniqueItems: true }) },
    { additionalProperties: false },
  ),
  prepare: (args) => ({ days: args.days, mask: args.days.reduce((m, d) => m | (1 << DAY_NAMES.indexOf(d)), 0) }),
  check(args, ctx) {
    if ((args.mask & (1 << ctx.now.dayOfWeek)) !== 0) return null;
    return fail(ctx, INVALID_DAY_OF_THE_WEEK, DAY_NAMES[ctx.now.dayOfWeek], args.days, 'Incentive is not available on this day of the week');
  },
});
