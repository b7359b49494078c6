import { Type } from '@sinclair/typebox';
import { redemptionsOf } from './history.ts';
import { defineRule, fail } from './rule.ts';

export const COOL_DOWN = 'cool-down';
export const COOL_DOWN_ACTIVE = 'cool-down-active';

/**
 * At least `seconds` must have passed since the guest last redeemed this incentive.
 *
 * @example
 * { ruleId: 'cool-down', args: { seconds: 86400 } } // not again within 24 hours
 */
export const coolDownRule = defineRule({
  id: COOL_DOWN,
  description: "Seconds that must pass after the guest's last redemption of the incentive",
  codes: [COOL_DOWN_ACTIVE],
  dependsOn: ['time'],
  args: Type.Object({ seconds: Type.Integer({ minimum: 1, maximum: 31_622_400 }) }, { additionalProperties: false }),
  needs: ['history'],
  check(args, ctx) {
    const history = ctx.history!;
    let last: string | null = null;
    for (const r of redemptionsOf(history, ctx.incentive.id)) if (last === null || r.at > last) last = r.at;
    if (last === null) return null;
    const elapsed = Math.floor((Date.parse(history.asOf) - Date.parse(last)) / 1000);
    if (elapsed >= args.seconds) return null;
    return fail(
      ctx,
      COOL_DOWN_ACTIVE,
      Math.max(0, elapsed),
      args.seconds,
      `Guest redeemed this incentive ${Math.max(0, elapsed)} s ago; it is available again after ${args.seconds} s`,
    );
  },
});
