import { Type } from '@sinclair/typebox';
import { PERIODS, periodStart } from '../calendar.ts';
import { redemptionsOf } from './history.ts';
import { defineRule, fail } from './rule.ts';

export const MAX_REDEMPTION = 'max-redemption';
export const EXCEEDS_MAX_REDEMPTION = 'exceeds-max-redemption';

/**
 * How often one guest may redeem the incentive, in total (`lifetime`, the default) or per
 * store-local day, week (Monday to Sunday), month or year. This order's quantity counts too.
 *
 * @example
 * { ruleId: 'max-redemption', args: { max: 1, period: 'week' } } // once a week per guest
 */
export const maxRedemptionRule = defineRule({
  id: MAX_REDEMPTION,
  description: 'How many times one guest may redeem the incentive, per period (lifetime when unset)',
  codes: [EXCEEDS_MAX_REDEMPTION],
  dependsOn: ['time'],
  args: Type.Object(
    {
      max: Type.Integer({ minimum: 1, maximum: 100_000 }),
      period: Type.Optional(
        Type.Union(
          PERIODS.map((p) => Type.Literal(p)),
          { default: 'lifetime' },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  needs: ['history'],
  check(args, ctx) {
    const from = periodStart(ctx.now.date, args.period ?? 'lifetime');
    let used = 0;
    const mine = redemptionsOf(ctx.history!, ctx.incentive.id);
    for (let i = 0; i < mine.length; i++) if (mine[i]!.localDate >= from) used += mine[i]!.quantity;
    if (used + ctx.quantity <= args.max) return null;
    return fail(
      ctx,
      EXCEEDS_MAX_REDEMPTION,
      used + ctx.quantity,
      args.max,
      `Guest has already redeemed this incentive ${used} time(s) ${args.period && args.period !== 'lifetime' ? `this ${args.period}` : 'in total'}`,
    );
  },
});
