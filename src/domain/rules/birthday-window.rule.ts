import { Type } from '@sinclair/typebox';
import { birthdayIn, daysBetween } from '../calendar.ts';
import { defineRule, fail } from './rule.ts';

export const BIRTHDAY_WINDOW = 'birthday-window';
export const OUTSIDE_BIRTHDAY_WINDOW = 'outside-birthday-window';
export const MISSING_BIRTHDATE = 'missing-birthdate';

/**
 * Only from `daysBefore` days before to `daysAfter` days after the guest's birthday (store-local
 * dates, inclusive; across New Year too). A birthday on 29 February is the 28th in other years.
 * A guest without a birthdate fails with `missing-birthdate`.
 *
 * @example
 * { ruleId: 'birthday-window', args: { daysBefore: 3, daysAfter: 7 } }
 */
export const birthdayWindowRule = defineRule({
  id: BIRTHDAY_WINDOW,
  description: "Only within the given days before and after the guest's birthday",
  codes: [OUTSIDE_BIRTHDAY_WINDOW, MISSING_BIRTHDATE],
  dependsOn: ['time'],
  args: Type.Object(
    { daysBefore: Type.Integer({ minimum: 0, maximum: 180 }), daysAfter: Type.Integer({ minimum: 0, maximum: 180 }) },
    { additionalProperties: false },
  ),
  needs: ['birthday'],
  check(args, ctx) {
    const birthdate = ctx.history!.birthdate;
    if (!birthdate) return fail(ctx, MISSING_BIRTHDATE, null, { daysBefore: args.daysBefore, daysAfter: args.daysAfter }, 'Guest has not given a birthdate');
    const year = Number(ctx.now.date.slice(0, 4));
    for (const y of [year - 1, year, year + 1]) {
      const offset = daysBetween(birthdayIn(birthdate, y), ctx.now.date);
      if (offset >= -args.daysBefore && offset <= args.daysAfter) return null;
    }
    return fail(
      ctx,
      OUTSIDE_BIRTHDAY_WINDOW,
      ctx.now.date,
      // The birthdate itself is personal data and stays out of an answer that POS staff see.
      { daysBefore: args.daysBefore, daysAfter: args.daysAfter },
      "Incentive is only available around the guest's birthday",
    );
  },
});
