import { Type } from '@sinclair/typebox';
import { SERVICE_MODES } from '../service-mode.ts';
import { defineRule, fail } from './rule.ts';

export const SERVICE_MODE = 'service-mode';
export const INVALID_SERVICE_MODE = 'invalid-service-mode';

/**
 * Only in the listed service modes (the POS's spellings such as "Eatin" are normalized first).
 *
 * @example
 * { ruleId: 'service-mode', args: { modes: ['DRIVE_THRU', 'TAKEOUT'] } }
 */
export const serviceModeRule = defineRule({
  id: SERVICE_MODE,
  description: 'Only in the listed service modes',
  codes: [INVALID_SERVICE_MODE],
  dependsOn: ['serviceMode'],
  args: Type.Object({ modes: Type.Array(Type.Union(SERVICE_MODES.map((m) => Type.Literal(m))), { minItems: 1 }) }, { additionalProperties: false }),
  check(args, ctx) {
    if (ctx.serviceMode && (args.modes as string[]).includes(ctx.serviceMode)) return null;
    return fail(ctx, INVALID_SERVICE_MODE, ctx.serviceMode, args.modes, 'Incentive is not available in this service mode');
  },
});
