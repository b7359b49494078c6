import { type TObject, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { allPlus, type PluConfig, type PluType, PLU_TYPES } from './incentive.ts';

/**
 * The shape of each `pluType`'s payload, as TypeBox schemas: they validate vendor configs on
 * write and can drive the admin form. Extra keys are refused so that a typo (`constantPLU`) is
 * an error, not a config that silently rings nothing.
 */
const Plu = Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S+$', description: 'a PLU of this vendor' });
const Positive = Type.Integer({ minimum: 1, maximum: 1000 });
const common = { priceCents: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'minor units' })) };
const strict = { additionalProperties: false };

export const PLU_CONFIG_SCHEMAS: Record<PluType, TObject> = {
  constantPlu: Type.Object({ pluType: Type.Literal('constantPlu'), constantPlu: Plu, ...common }, strict),
  discountPlu: Type.Object({ pluType: Type.Literal('discountPlu'), discountPlu: Plu, ...common }, strict),
  quantityBasedPlu: Type.Object(
    {
      pluType: Type.Literal('quantityBasedPlu'),
      quantityBasedPlu: Type.Array(Type.Object({ quantity: Positive, plu: Plu }, strict), { minItems: 1, maxItems: 50 }),
      ...common,
    },
    strict,
  ),
  sizeBasedPlu: Type.Object(
    {
      pluType: Type.Literal('sizeBasedPlu'),
      sizeBasedPlu: Type.Array(Type.Object({ size: Type.String({ minLength: 1, maxLength: 30 }), plu: Plu }, strict), { minItems: 1, maxItems: 20 }),
      ...common,
    },
    strict,
  ),
  parentChildPlu: Type.Object(
    { pluType: Type.Literal('parentChildPlu'), parentChildPlu: Type.Object({ plu: Plu, childPlu: Type.Optional(Plu) }, strict), ...common },
    strict,
  ),
  multiConstantPlus: Type.Object(
    {
      pluType: Type.Literal('multiConstantPlus'),
      multiConstantPlus: Type.Array(Type.Object({ plu: Plu, quantity: Positive }, strict), { minItems: 1, maxItems: 50 }),
      ...common,
    },
    strict,
  ),
  ignore: Type.Object({ pluType: Type.Literal('ignore'), ...common }, strict),
};

const checks = new Map(Object.entries(PLU_CONFIG_SCHEMAS).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]));

/**
 * Checks one vendor config: a known `pluType`, its payload in the right shape, and no PLU, size
 * or quantity listed twice. Returns one `path: problem` message per problem (empty when valid).
 *
 * @example validatePluConfig({ pluType: 'constantPlu' }, 'vendorConfigs.ncr')
 *   // → ['vendorConfigs.ncr.constantPlu: is required']
 */
export function validatePluConfig(config: unknown, path: string): string[] {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return [`${path}: must be an object with a pluType`];
  const pluType = (config as { pluType?: unknown }).pluType;
  const check = typeof pluType === 'string' ? checks.get(pluType) : undefined;
  if (!check) return [`${path}.pluType: must be one of ${PLU_TYPES.join(', ')}`];
  // The first complaint per field is enough; TypeBox reports a missing string as missing and as not a string.
  const byField = new Map<string, string>();
  for (const err of check.Errors(config)) {
    const where = `${path}${err.path.replaceAll('/', '.').replace(/\.(\d+)(?=\.|$)/g, '[$1]')}`;
    const missing = err.message === 'Expected required property';
    if (!byField.has(where)) byField.set(where, `${where}: ${missing ? 'is required' : err.message.toLowerCase()}`);
  }
  if (byField.size > 0) return [...byField.values()];
  const problems: string[] = [];

  const c = config as PluConfig;
  const twice = (values: (string | number)[], what: string) => {
    const seen = new Set<string | number>();
    for (const v of values) {
      if (seen.has(v)) problems.push(`${path}.${c.pluType}: ${what} "${v}" is listed twice`);
      seen.add(v);
    }
  };
  twice(allPlus(c), 'PLU');
  if (c.pluType === 'sizeBasedPlu')
    twice(
      c.sizeBasedPlu.map((s) => s.size.toLowerCase()),
      'size',
    );
  if (c.pluType === 'quantityBasedPlu')
    twice(
      c.quantityBasedPlu.map((q) => q.quantity),
      'quantity',
    );
  return problems;
}
