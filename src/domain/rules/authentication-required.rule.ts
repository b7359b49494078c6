import { Type } from '@sinclair/typebox';
import { defineRule, fail } from './rule.ts';

export const AUTHENTICATION_REQUIRED = 'authentication-required';
export const GUEST_NOT_AUTHENTICATED = 'guest-not-authenticated';

export const AUTH_METHODS = ['app', 'web', 'code'] as const;

/**
 * Offers only. The guest must have proven who they are, by one of the listed means:
 * - `app` / `web`: the sale's `channel` is App / Web (the guest ordered signed in);
 * - `code`: the POS identified the guest with the one-time code from the guest's app, not with
 *   the loyalty id (which can be typed in or copied from an old receipt).
 *
 * @example
 * { ruleId: 'authentication-required', args: { via: ['app', 'web', 'code'] } }
 */
export const authenticationRequiredRule = defineRule({
  id: AUTHENTICATION_REQUIRED,
  description: 'Offers only: the guest must be signed in (App/Web channel) or identified with a one-time code, as listed',
  codes: [GUEST_NOT_AUTHENTICATED],
  dependsOn: [],
  args: Type.Object(
    { via: Type.Array(Type.Union(AUTH_METHODS.map((m) => Type.Literal(m))), { minItems: 1, maxItems: 3, uniqueItems: true }) },
    { additionalProperties: false },
  ),
  appliesTo: ['OFFER'],
  needs: ['identification'],
  check(args, ctx) {
    const channel = ctx.channel?.toLowerCase() ?? null;
    const identifiedBy = ctx.history!.identification ?? null;
    const via = args.via as string[];
    if ((channel === 'app' || channel === 'web') && via.includes(channel)) return null;
    if (identifiedBy === 'code' && via.includes('code')) return null;
    return fail(
      ctx,
      GUEST_NOT_AUTHENTICATED,
      { channel: ctx.channel, identifiedBy },
      args.via,
      'Offer requires a guest signed in to the app or identified with a one-time code',
    );
  },
});
