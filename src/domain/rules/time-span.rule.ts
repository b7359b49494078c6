import { Type } from '@sinclair/typebox';
import { minutesOf } from '../calendar.ts';
import { defineRule, fail } from './rule.ts';

export const TIME_SPAN = 'time-span';
export const INVALID_TIME_OF_DAY = 'invalid-time-of-day';

const TIME = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'store-local time HH:MM (24 h)' });

/**
 * Between two times of day on the store's wall clock: `start` inclusive, `end` exclusive. A window
 * whose end is earlier than its start runs over midnight.
 *
 * @example
 * { ruleId: 'time-span', args: { start: '14:00', end: '17:00' } } // afternoons
 * { ruleId: 'time-span', args: { start: '22:00', end: '02:00' } } // late night, over midnight
 */
export const timeSpanRule = defineRule({
  id: TIME_SPAN,
  description: 'Valid between two store-local times of day (start inclusive, end exclusive; over midnight when end < start)',
  codes: [INVALID_TIME_OF_DAY],
  dependsOn: ['time'],
  args: Type.Object({ start: TIME, end: TIME }, { additionalProperties: false }),
  validate: (args) => (args.start === args.end ? ['end: must differ from start (a window of no time, or of all day)'] : []),
  // One object shape for every incentive (a spread would copy the stored arguments' shape).
  prepare: (args) => ({ start: args.start, end: args.end, startMinutes: minutesOf(args.start), endMinutes: minutesOf(args.end) }),
  check(args, ctx) {
    const now = ctx.nowMinutes;
    const start = args.startMinutes;
    const end = args.endMinutes;
    const inside = start < end ? now >= start && now < end : now >= start || now < end;
    if (inside) return null;
    return fail(ctx, INVALID_TIME_OF_DAY, ctx.now.time, { start: args.start, end: args.end }, 'Incentive is not available at this time of day');
  },
});
