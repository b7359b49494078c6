import { Type } from '@sinclair/typebox';
import { defineRule } from './rule.ts';

const DATE = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'store-local date, inclusive' });

export const DATE_SPAN = 'date-span';

/** Valid from `start` to `end`, both inclusive, in the store's local calendar. */
export const dateSpanRule = defineRule({
  id: DATE_SPAN,
  description: 'Valid between two store-local dates, both inclusive',
  args: Type.Object({ start: Type.Optional(DATE), end: Type.Optional(DATE) }, { additionalProperties: false }),
  check(args, ctx) {
    if (args.start && ctx.now.date < args.start) {
      return { code: 'invalid-start-date', currentValue: ctx.now.date, targetValue: args.start, message: 'Incentive is not valid yet' };
    }
    if (args.end && ctx.now.date > args.end) {
      return { code: 'invalid-end-date', currentValue: ctx.now.date, targetValue: args.end, message: 'Incentive has expired' };
    }
    return null;
  },
});
