import { Type } from '@sinclair/typebox';
import { isDate } from '../calendar.ts';
import { defineRule, fail } from './rule.ts';

export const USER_ENROLLMENT = 'user-enrollment';
export const INVALID_ENROLLMENT_START_DATE = 'invalid-enrollment-start-date';
export const INVALID_ENROLLMENT_END_DATE = 'invalid-enrollment-end-date';

const DATE = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'date (UTC) the guest joined, inclusive' });

/**
 * Only for guests who joined the program between two dates (both inclusive, UTC calendar of the
 * sign-up instant): welcome offers for new members, thank-yous for early ones.
 *
 * @example
 * { ruleId: 'user-enrollment', args: { start: '2026-11-01' } } // members since November
 */
export const userEnrollmentRule = defineRule({
  id: USER_ENROLLMENT,
  description: 'Only for guests who enrolled between two dates (inclusive)',
  codes: [INVALID_ENROLLMENT_START_DATE, INVALID_ENROLLMENT_END_DATE],
  dependsOn: [],
  args: Type.Object({ start: Type.Optional(DATE), end: Type.Optional(DATE) }, { additionalProperties: false }),
  validate(args) {
    const problems: string[] = [];
    if (args.start === undefined && args.end === undefined) problems.push('start: set start, end or both');
    if (args.start !== undefined && !isDate(args.start)) problems.push('start: is not a calendar date');
    if (args.end !== undefined && !isDate(args.end)) problems.push('end: is not a calendar date');
    if (args.start && args.end && args.start > args.end) problems.push('end: is before start');
    return problems;
  },
  check(args, ctx) {
    const enrolled = ctx.guest ? ctx.guest.enrolledAt.slice(0, 10) : null;
    if (args.start && (enrolled === null || enrolled < args.start)) {
      return fail(ctx, INVALID_ENROLLMENT_START_DATE, enrolled, args.start, 'Guest enrolled before this incentive’s enrollment window');
    }
    if (args.end && (enrolled === null || enrolled > args.end)) {
      return fail(ctx, INVALID_ENROLLMENT_END_DATE, enrolled, args.end, 'Guest enrolled after this incentive’s enrollment window');
    }
    return null;
  },
});
