import { Type } from '@sinclair/typebox';
import { PERIODS, periodStart } from '../calendar.ts';
import { offersSince } from './history.ts';
import { defineRule, fail } from './rule.ts';

export const GUEST_OFFER_LIMIT = 'guest-offer-limit';
export const EXCEEDS_GUEST_OFFER_LIMIT = 'exceeds-guest-offer-limit';

/**
 * Offers only. Caps how many offers — this one or any other of the program — one guest may
 * redeem per store-local day, week (Monday to Sunday), month, year or in total. The limit of
 * this offer alone is `max-redemption`.
 *
 * @example
 * { ruleId: 'guest-offer-limit', args: { max: 3, period: 'week' } } // at most 3 offers a week
 */
export const guestOfferLimitRule = defineRule({
  id: GUEST_OFFER_LIMIT,
  description: 'Offers only: how many offers of any kind one guest may redeem per period (this one included)',
  codes: [EXCEEDS_GUEST_OFFER_LIMIT],
  dependsOn: ['time'],
  args: Type.Object(
    { max: Type.Integer({ minimum: 1, maximum: 100_000 }), period: Type.Union(PERIODS.map((p) => Type.Literal(p))) },
    { additionalProperties: false },
  ),
  appliesTo: ['OFFER'],
  needs: ['history'],
  check(args, ctx) {
    const from = periodStart(ctx.now.date, args.period);
    const used = offersSince(ctx.history!, from);
    let inOrder = 0;
    for (const a of ctx.applied) if (a.kind === 'OFFER') inOrder += a.quantity;
    if (used + inOrder <= args.max) return null;
    return fail(
      ctx,
      EXCEEDS_GUEST_OFFER_LIMIT,
      used + inOrder,
      args.max,
      `Guest has already redeemed ${used} offer(s) ${args.period === 'lifetime' ? 'in total' : `this ${args.period}`}`,
    );
  },
});
