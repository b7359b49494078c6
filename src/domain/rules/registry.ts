import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { addDays, DAY_NAMES, daysBetween } from '../calendar.ts';
import type { Incentive, IncentiveKind, RuleRef } from '../incentive.ts';
import { authenticationRequiredRule } from './authentication-required.rule.ts';
import { birthdayWindowRule } from './birthday-window.rule.ts';
import { CART_EXCLUSIONS, cartExclusionsRule } from './cart-exclusions.rule.ts';
import { CART_REQUIREMENTS, cartRequirementsRule } from './cart-requirements.rule.ts';
import { coolDownRule } from './cool-down.rule.ts';
import { DATE_SPAN, dateSpanRule } from './date-span.rule.ts';
import { DAY_OF_THE_WEEK, dayOfTheWeekRule } from './day-of-the-week.rule.ts';
import { FIRST_ORDER, firstOrderRule } from './first-order.rule.ts';
import { guestOfferLimitRule } from './guest-offer-limit.rule.ts';
import { limitPerOrderRule } from './limit-per-order.rule.ts';
import { maxRedemptionRule } from './max-redemption.rule.ts';
import { paymentMethodRule } from './payment-method.rule.ts';
import { restaurantGroupRule } from './restaurant-group.rule.ts';
import type { RuleDefinition, RuleDependency, RuleNeed } from './rule.ts';
import { serviceModeRule } from './service-mode.rule.ts';
import { stackableRule } from './stackable.rule.ts';
import { storeRestrictionsRule } from './store-restrictions.rule.ts';
import { subtotalSpendRule } from './subtotal-spend.rule.ts';
import { timeSpanRule } from './time-span.rule.ts';
import { totalSpendRule } from './total-spend.rule.ts';
import { TRANSACTION_COUNT, transactionCountRule } from './transaction-count.rule.ts';
import { userEnrollmentRule } from './user-enrollment.rule.ts';

const ALL_KINDS: readonly IncentiveKind[] = ['REWARD', 'OFFER'];

/** Every rule an incentive may configure, by ruleId, in the order the admin forms list them. */
export const RULES: ReadonlyMap<string, RuleDefinition> = new Map<string, RuleDefinition>(
  [
    dateSpanRule,
    timeSpanRule,
    dayOfTheWeekRule,
    limitPerOrderRule,
    maxRedemptionRule,
    firstOrderRule,
    cartRequirementsRule,
    cartExclusionsRule,
    storeRestrictionsRule,
    restaurantGroupRule,
    serviceModeRule,
    subtotalSpendRule,
    totalSpendRule,
    paymentMethodRule,
    coolDownRule,
    transactionCountRule,
    birthdayWindowRule,
    userEnrollmentRule,
    guestOfferLimitRule,
    authenticationRequiredRule,
    stackableRule,
  ].map((r) => [r.id, r as unknown as RuleDefinition]),
);

export interface RuleCatalogueEntry {
  id: string;
  description: string;
  /** Failure codes the rule answers in the RulesError envelope. */
  codes: string[];
  /** JSON Schema of the rule's arguments (drives the admin form). */
  args: Record<string, unknown>;
  /** The incentive kinds the rule may be configured on. */
  appliesTo: IncentiveKind[];
  /** Guest facts the server loads to evaluate it (informational). */
  needs: RuleNeed[];
  /** What of the sale the outcome depends on; the guest app leaves the rule to the till while any of it is unknown. */
  dependsOn: RuleDependency[];
}

/**
 * The registry as data, for the admin forms: every rule with its description, the JSON Schema of
 * its arguments and the kinds it applies to.
 *
 * @example
 * ruleCatalogue().find((r) => r.id === 'stackable')
 * // → { id: 'stackable', description: 'Offers only: …', args: { type: 'object', properties: { withRewards: { type: 'boolean' } }, … }, appliesTo: ['OFFER'], needs: [], dependsOn: [] }
 */
export function ruleCatalogue(): RuleCatalogueEntry[] {
  return [...RULES.values()].map((r) => ({
    id: r.id,
    description: r.description,
    codes: [...r.codes],
    // JSON round trip: TypeBox schemas carry symbol keys that are not part of the JSON Schema.
    args: JSON.parse(JSON.stringify(r.args)) as Record<string, unknown>,
    appliesTo: [...(r.appliesTo ?? ALL_KINDS)],
    needs: [...(r.needs ?? [])],
    dependsOn: [...r.dependsOn],
  }));
}

/** Which facts (`RuleNeed`) the application must load to evaluate these incentives. */
export function needsOf(incentives: Iterable<Incentive>): Set<RuleNeed> {
  const needs = new Set<RuleNeed>();
  for (const incentive of incentives) {
    for (const ref of incentive.rules) {
      const rule = RULES.get(ref.ruleId);
      if (rule?.needs) for (const n of rule.needs) needs.add(n);
    }
  }
  return needs;
}

/**
 * Whether a rule can be decided knowing only the `known` parts of the sale: every part it
 * declares in `dependsOn` is known. The guest app knows the time, and the store and service mode
 * when the guest names them, but never the basket; it leaves the rules it cannot decide to the
 * till. An unknown rule id is decidable: it fails closed (`unknown-rule`) wherever it is checked.
 *
 * @example
 * decidableWith('subtotal-spend', new Set(['store', 'serviceMode', 'time'])) // → false: it depends on the order
 * decidableWith('store-restrictions', new Set(['store', 'time']))            // → true
 */
export function decidableWith(ruleId: string, known: ReadonlySet<RuleDependency>): boolean {
  const rule = RULES.get(ruleId);
  return !rule || rule.dependsOn.every((d) => known.has(d));
}

const compiled = new Map<string, ReturnType<typeof TypeCompiler.Compile<TSchema>>>();

function compiledArgs(rule: RuleDefinition): ReturnType<typeof TypeCompiler.Compile<TSchema>> {
  let check = compiled.get(rule.id);
  if (!check) {
    check = TypeCompiler.Compile(rule.args);
    compiled.set(rule.id, check);
  }
  return check;
}

/**
 * Rule pairs that together can never pass: refused when the incentive is written. Each returns a
 * problem (`path: message`, path relative to the second rule's index) or null.
 */
const CONFLICTS: { a: string; b: string; check(a: Record<string, unknown>, b: Record<string, unknown>): string | null }[] = [
  {
    a: CART_REQUIREMENTS,
    b: CART_EXCLUSIONS,
    check(req, exc) {
      const excluded = new Set(exc.productIds as string[]);
      const both = (req.productIds as string[]).filter((p) => excluded.has(p));
      return both.length > 0 ? `args.productIds: ${both.join(', ')} both required (${CART_REQUIREMENTS}) and excluded` : null;
    },
  },
  {
    a: FIRST_ORDER,
    b: TRANSACTION_COUNT,
    check(_first, count) {
      return (count.min as number) > 0 ? `args.min: a first order has no earlier sales, so min ${String(count.min)} can never be met` : null;
    },
  },
  {
    a: DATE_SPAN,
    b: DAY_OF_THE_WEEK,
    check(span, dow) {
      const { start, end } = span as { start?: string; end?: string };
      if (!start || !end || start > end || daysBetween(start, end) >= 6) return null;
      const days = new Set(dow.days as string[]);
      for (let d = start; d <= end; d = addDays(d, 1)) {
        if (days.has(DAY_NAMES[new Date(`${d}T00:00:00Z`).getUTCDay()]!)) return null;
      }
      return `args.days: none of these days falls between ${start} and ${end} (${DATE_SPAN})`;
    },
  },
];

/**
 * Checks an incentive's rule list against the registry: known ruleIds, each at most once,
 * arguments of the right shape and consistent (`validate`), rules allowed on the incentive's
 * kind, and no two rules that contradict each other. Returns one `path: message` per problem
 * (empty when valid).
 *
 * @example
 * validateRuleRefs([{ ruleId: 'date-span', args: { start: '2026-12-01', end: '2026-11-01' } }], 'OFFER')
 * // → ['rules[0].args.end: is before start']
 */
export function validateRuleRefs(refs: RuleRef[], kind?: IncentiveKind): string[] {
  const problems: string[] = [];
  if (!Array.isArray(refs)) return ['rules: must be a list of { ruleId, args }'];
  const seen = new Map<string, number>();
  refs.forEach((ref, i) => {
    if (typeof ref !== 'object' || ref === null || typeof ref.ruleId !== 'string') {
      problems.push(`rules[${i}]: must be { ruleId, args }`);
      return;
    }
    const rule = RULES.get(ref.ruleId);
    if (!rule) {
      problems.push(`rules[${i}].ruleId: unknown rule "${ref.ruleId}"`);
      return;
    }
    if (seen.has(ref.ruleId)) {
      problems.push(`rules[${i}].ruleId: "${ref.ruleId}" is configured twice (also rules[${seen.get(ref.ruleId)}])`);
      return;
    }
    seen.set(ref.ruleId, i);
    if (kind && rule.appliesTo && !rule.appliesTo.includes(kind)) {
      problems.push(`rules[${i}].ruleId: "${ref.ruleId}" applies to ${rule.appliesTo.join(', ')} only, not to ${kind}`);
    }
    const shape = compiledArgs(rule);
    const before = problems.length;
    for (const err of shape.Errors(ref.args)) {
      problems.push(`rules[${i}].args${err.path.replaceAll('/', '.')}: ${err.message}`);
    }
    if (problems.length === before && rule.validate) {
      for (const p of rule.validate(ref.args as never)) problems.push(`rules[${i}].args.${p}`);
    }
  });
  for (const c of CONFLICTS) {
    const ia = seen.get(c.a);
    const ib = seen.get(c.b);
    if (ia === undefined || ib === undefined) continue;
    const a = refs[ia]!.args;
    const b = refs[ib]!.args;
    if (!compiledArgs(RULES.get(c.a)!).Check(a) || !compiledArgs(RULES.get(c.b)!).Check(b)) continue;
    const problem = c.check(a, b);
    if (problem) problems.push(`rules[${ib}].${problem} — conflicts with rules[${ia}]`);
  }
  return problems;
}
