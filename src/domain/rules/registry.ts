import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { dateSpanRule } from './date-span.rule.ts';
import { limitPerOrderRule } from './limit-per-order.rule.ts';
import { subtotalSpendRule } from './min-spend.rule.ts';
import type { RuleDefinition } from './rule.ts';
import { serviceModeRule } from './service-mode.rule.ts';
import { storeRestrictionsRule } from './store-restrictions.rule.ts';
import type { RuleRef } from '../incentive.ts';

/** Every rule an incentive may configure, by ruleId. */
export const RULES: ReadonlyMap<string, RuleDefinition> = new Map<string, RuleDefinition>(
  [dateSpanRule, serviceModeRule, storeRestrictionsRule, subtotalSpendRule, limitPerOrderRule].map(
    (r) => [r.id, r as unknown as RuleDefinition],
  ),
);

const compiled = new Map<string, ReturnType<typeof TypeCompiler.Compile<TSchema>>>();

/**
 * Checks an incentive's rule list against the registry: known ruleIds, arguments of the right
 * shape, each rule at most once. Returns one message per problem (empty when valid).
 */
export function validateRuleRefs(refs: RuleRef[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  refs.forEach((ref, i) => {
    const rule = RULES.get(ref.ruleId);
    if (!rule) {
      problems.push(`rules[${i}].ruleId: unknown rule "${ref.ruleId}"`);
      return;
    }
    if (seen.has(ref.ruleId)) problems.push(`rules[${i}].ruleId: "${ref.ruleId}" is configured twice`);
    seen.add(ref.ruleId);
    let check = compiled.get(rule.id);
    if (!check) {
      check = TypeCompiler.Compile(rule.args);
      compiled.set(rule.id, check);
    }
    for (const err of check.Errors(ref.args)) {
      problems.push(`rules[${i}].args${err.path.replaceAll('/', '.')}: ${err.message}`);
    }
  });
  return problems;
}
