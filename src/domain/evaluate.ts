import { minutesOf } from './calendar.ts';
import { type Cart, goodsSubtotal, isIncentiveLine, loyaltyDiscount } from './cart.ts';
import type { Incentive, IncentiveKind } from './incentive.ts';
import { type EarnPolicy, pointsForSpend } from './points.ts';
import { LIMIT_PER_ORDER } from './rules/limit-per-order.rule.ts';
import { RULES } from './rules/registry.ts';
import type {
  AppliedRef,
  CartFacts,
  GuestHistory,
  GuestSnapshot,
  RuleContext,
  RuleDefinition,
  RuleFailure,
  RuleNeed,
  RuleOutcome,
  StoreRef,
} from './rules/rule.ts';
import type { ServiceMode } from './service-mode.ts';
import type { LocalTime } from './time.ts';

export interface EvaluationContext {
  now: LocalTime;
  store: StoreRef;
  serviceMode: ServiceMode | null;
  /** null for an anonymous (unclaimed) sale. */
  guest: GuestSnapshot | null;
  earn: EarnPolicy;
  /** The incentives the cart's loyalty lines name, by id. */
  incentives: ReadonlyMap<string, Incentive>;
  /** `channel` of the sale (Restaurant | App | Web), for `authentication-required`. */
  channel?: string | null;
  /**
   * The guest's history, loaded by the application when `needsOf(incentives)` asks for it. Rules
   * whose needs are not loaded fail closed (`missing-guest-history`).
   */
  history?: GuestHistory | null;
}

export interface AppliedIncentive {
  incentiveId: string;
  kind: IncentiveKind;
  quantity: number;
  /** Points this incentive costs in this order (point cost × quantity; 0 for offers). */
  points: number;
  lineRefs: string[];
}

export interface Evaluation {
  applied: AppliedIncentive[];
  subtotalCents: number;
  eligibleSpendCents: number;
  pointsEarned: number;
  pointsRedeemed: number;
  /** Every failing rule of every incentive; empty when the order may be claimed. */
  failures: RuleFailure[];
}

export const OFFERS_PER_ORDER = 'offers-per-order';
export const POINT_BALANCE = 'point-balance';
export const MISSING_GUEST_HISTORY = 'missing-guest-history';

/**
 * Evaluates a cart: which incentives it redeems, whether each one's rules pass, the points it
 * costs and earns. Pure; the same function serves validate, PENDING and CLAIMED.
 */
export function evaluate(cart: Cart, ctx: EvaluationContext): Evaluation {
  const applied = collectIncentives(cart, ctx.incentives);
  const facts = cartFacts(cart);
  const failures: RuleFailure[] = [];
  const appliedRefs: AppliedRef[] = applied.map((a) => ({ incentiveId: a.incentiveId, kind: a.kind, quantity: a.quantity }));
  const ruleCtx = ruleContext(cart, facts, appliedRefs, ctx);
  const loaded = loadedNeeds(ruleCtx.history);

  for (const a of applied) {
    ruleCtx.incentive = ctx.incentives.get(a.incentiveId)!;
    ruleCtx.quantity = a.quantity;
    checkIncentive(ruleCtx, loaded, failures);
  }

  let offers = 0;
  for (const a of applied) {
    if (a.kind !== 'OFFER') continue;
    offers += a.quantity;
    if (offers > 1) {
      failures.push({
        code: 'exceeds-offers-per-order',
        ruleId: OFFERS_PER_ORDER,
        incentiveId: a.incentiveId,
        currentValue: offers,
        targetValue: 1,
        message: 'Only one offer may be redeemed per order',
      });
    }
  }

  let available = ctx.guest?.balance ?? 0;
  let pointsRedeemed = 0;
  for (const a of applied) {
    if (a.kind !== 'REWARD') continue;
    pointsRedeemed += a.points;
    if (a.points > available) {
      failures.push(insufficientPoints(a.incentiveId, available, a.points));
    } else {
      available -= a.points;
    }
  }

  const eligibleSpendCents = Math.max(0, facts.subtotalCents - loyaltyDiscount(cart));
  return {
    applied,
    subtotalCents: facts.subtotalCents,
    eligibleSpendCents,
    pointsEarned: pointsForSpend(eligibleSpendCents, ctx.earn),
    pointsRedeemed,
    failures,
  };
}

export interface EligibilityVerdict {
  incentive: Incentive;
  /** Every failing rule; empty when the guest could redeem it now. */
  failures: RuleFailure[];
}

/**
 * Which of `candidates` the guest could redeem in this cart, each judged alone (quantity 1,
 * besides what the cart already redeems): one verdict per candidate, in order, with the failing
 * rules (none when eligible). Rewards also need the points. Serves the guest app's "available
 * now" lists and the bench.
 *
 * @example
 * const [weekend] = eligibility(cart, ctx, [weekendOffer]);
 * weekend.failures // → [{ code: 'invalid-day-of-the-week', ruleId: 'day-of-the-week', … }]
 */
export function eligibility(cart: Cart, ctx: EvaluationContext, candidates: readonly Incentive[]): EligibilityVerdict[] {
  const facts = cartFacts(cart);
  const inCart: AppliedRef[] = collectIncentives(cart, ctx.incentives).map((a) => ({ incentiveId: a.incentiveId, kind: a.kind, quantity: a.quantity }));
  // One context for all candidates, updated in place: rules read it synchronously and keep nothing.
  const self: AppliedRef = { incentiveId: '', kind: 'OFFER', quantity: 1 };
  const selfOnly: readonly AppliedRef[] = [self];
  const ruleCtx = ruleContext(cart, facts, selfOnly, ctx);
  const loaded = loadedNeeds(ruleCtx.history);
  const balance = ctx.guest?.balance ?? 0;
  const out: EligibilityVerdict[] = new Array(candidates.length);
  for (let c = 0; c < candidates.length; c++) {
    const incentive = candidates[c]!;
    self.incentiveId = incentive.id;
    self.kind = incentive.kind;
    ruleCtx.incentive = incentive;
    ruleCtx.applied = inCart.length === 0 ? selfOnly : [...inCart.filter((a) => a.incentiveId !== incentive.id), self];
    const failures: RuleFailure[] = [];
    runRules(rulesOf(incentive), ruleCtx, loaded, failures);
    if (incentive.kind === 'REWARD' && incentive.pointCost > balance) failures.push(insufficientPoints(incentive.id, balance, incentive.pointCost));
    out[c] = { incentive, failures };
  }
  return out;
}

/** Figures every rule may read, computed once per cart. */
export function cartFacts(cart: Cart): CartFacts {
  const productQuantities = new Map<string, number>();
  let lineTax = 0;
  for (const l of cart.lines) {
    lineTax += l.taxCents;
    if (isIncentiveLine(l) || l.quantity === 0) continue;
    productQuantities.set(l.productId, (productQuantities.get(l.productId) ?? 0) + l.quantity);
  }
  const subtotalCents = goodsSubtotal(cart);
  const tax = lineTax > 0 ? lineTax : (cart.totals.TAXES ?? 0);
  return {
    subtotalCents,
    totalCents: subtotalCents + tax,
    productQuantities,
    tenderTypes: new Set(cart.tenders.map((t) => t.type.toUpperCase())),
  };
}

function ruleContext(cart: Cart, facts: CartFacts, applied: readonly AppliedRef[], ctx: EvaluationContext): RuleContext {
  return {
    cart,
    now: ctx.now,
    store: ctx.store,
    serviceMode: ctx.serviceMode,
    guest: ctx.guest,
    incentive: undefined as unknown as Incentive,
    quantity: 1,
    subtotalCents: facts.subtotalCents,
    facts,
    applied,
    nowMinutes: minutesOf(ctx.now.time),
    channel: ctx.channel ?? null,
    history: ctx.history ?? null,
  };
}

const NEED_BITS: Record<RuleNeed, number> = { history: 1, birthday: 2, identification: 4 };
const NEEDS = Object.keys(NEED_BITS) as RuleNeed[];

/** Which needs the history snapshot satisfies, as bits. */
function loadedNeeds(history: GuestHistory | null): number {
  if (!history) return 0;
  let bits = 0;
  if (history.redemptions !== undefined && history.claimedTransactions !== undefined) bits |= NEED_BITS.history;
  if (history.birthdate !== undefined) bits |= NEED_BITS.birthday;
  if (history.identification !== undefined) bits |= NEED_BITS.identification;
  return bits;
}

interface CompiledRule {
  ruleId: string;
  rule: RuleDefinition | undefined;
  /** `rule.check`, held here so that the hot loop reads one object shape. */
  check: (args: unknown, ctx: RuleContext) => RuleOutcome;
  /** The arguments as `check` reads them (`prepare`d). */
  args: unknown;
  needBits: number;
}

/** Rule lookups per incentive, done once per incentive object (configuration is cached upstream). */
const compiledRules = new WeakMap<Incentive, CompiledRule[]>();

function rulesOf(incentive: Incentive): CompiledRule[] {
  let list = compiledRules.get(incentive);
  if (!list) {
    const refs = incentive.rules.some((r) => r.ruleId === LIMIT_PER_ORDER)
      ? incentive.rules
      : [...incentive.rules, { ruleId: LIMIT_PER_ORDER, args: { max: 1 } }];
    list = refs.map((ref) => {
      const rule = RULES.get(ref.ruleId);
      let needBits = 0;
      for (const n of rule?.needs ?? []) needBits |= NEED_BITS[n];
      const check = (rule?.check ?? (() => null)) as CompiledRule['check'];
      return { ruleId: ref.ruleId, rule, check, args: rule?.prepare ? rule.prepare(ref.args) : ref.args, needBits };
    });
    compiledRules.set(incentive, list);
  }
  return list;
}

/** Runs every rule of `ctx.incentive`, appending one failure per failing rule. */
function checkIncentive(ctx: RuleContext, loaded: number, failures: RuleFailure[]): void {
  runRules(rulesOf(ctx.incentive), ctx, loaded, failures);
}

function runRules(rules: CompiledRule[], ctx: RuleContext, loaded: number, failures: RuleFailure[]): void {
  const incentiveId = ctx.incentive.id;
  for (let i = 0; i < rules.length; i++) {
    const compiled = rules[i]!;
    const rule = compiled.rule;
    const ruleId = compiled.ruleId;
    const needBits = compiled.needBits;
    if (!rule) {
      // Unknown rules are refused when an incentive is written; one that slipped through fails closed.
      failures.push({ code: 'unknown-rule', ruleId, incentiveId, message: `Rule ${ruleId} is not known to this server` });
      continue;
    }
    if (needBits !== 0 && (needBits & ~loaded) !== 0) {
      const missing = NEEDS.find((n) => (needBits & ~loaded & NEED_BITS[n]) !== 0)!;
      failures.push({ code: MISSING_GUEST_HISTORY, ruleId, incentiveId, targetValue: missing, message: `Rule ${ruleId} needs the guest's ${missing}, which was not loaded` });
      continue;
    }
    const outcome = compiled.check(compiled.args, ctx);
    if (outcome) {
      // Built field by field: an object spread here costs microseconds per failure in V8.
      failures.push({
        code: outcome.code,
        ruleId,
        incentiveId,
        currentValue: outcome.currentValue,
        targetValue: outcome.targetValue,
        message: outcome.message,
      });
    }
  }
}

function insufficientPoints(incentiveId: string, available: number, required: number): RuleFailure {
  return {
    code: 'insufficient-point-balance',
    ruleId: POINT_BALANCE,
    incentiveId,
    currentValue: available,
    targetValue: required,
    message: 'User does not have sufficient funds to redeem reward',
  };
}

function collectIncentives(cart: Cart, incentives: ReadonlyMap<string, Incentive>): AppliedIncentive[] {
  const byId = new Map<string, AppliedIncentive>();
  for (const line of cart.lines) {
    if (line.incentiveId === null || line.quantity === 0) continue;
    const incentive = incentives.get(line.incentiveId);
    if (!incentive) throw new Error(`incentive ${line.incentiveId} was not resolved before evaluation`);
    let a = byId.get(line.incentiveId);
    if (!a) {
      a = { incentiveId: incentive.id, kind: incentive.kind, quantity: 0, points: 0, lineRefs: [] };
      byId.set(incentive.id, a);
    }
    a.quantity += line.quantity;
    a.points = incentive.kind === 'REWARD' ? incentive.pointCost * a.quantity : 0;
    a.lineRefs.push(line.ref);
  }
  return [...byId.values()];
}
