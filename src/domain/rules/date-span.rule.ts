import { Type } from '@sinclair/typebox';
import { isDate } from '../calendar.ts';
import { defineRule, fail } from './rule.ts';

const DATE = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'store-local date, inclusive' });

export const DATE_SPAN = 'date-span';
export const INVALID_START_DATE = 'invalid-start-date';
export const INVALID_END_DATE = 'invalid-end-date';

/**
 * Valid from `start` to `end`, both inclusive, in the store's local calendar.
 *
 * @example
 * { ruleId: 'date-span', args: { start: '2026-11-01', end: '2026-11-30' } }
 */
export const dateSpanRule = defineRule({
  id: DATE_SPAN,
  description: 'Valid between two store-local dates, both inclusive',
  codes: [INVALID_START_DATE, INVALID_END_DATE],
  dependsOn: ['time'],
  args: Type.Object({ start: Type.Optional(DATE), end: Type.Optional(DATE) }, { additionalProperties: false }),
  validate(args) {
    const problems: string[] = [];
    if (args.start !== undefined && !isDate(args.start)) problems.push('start: is not a calendar date');
    if (args.end !== undefined && !isDate(args.end)) problems.push('end: is not a calendar date');
    if (args.start && args.end && args.start > args.end) problems.push('end: is before start');
    return problems;
  },
  check(args, ctx) {
    if (args.start && ctx.now.date < args.start) {
      return fail(ctx, INVALID_START_DATE, ctx.now.date, args.start, 'Incentive is not valid yet');
    }
    if (args.end && ctx.now.date > args.end) {
      return fail(ctx, INVALID_END_DATE, ctx.now.date, args.end, 'Incentive has expired');
    }
    return null;
  },
});
