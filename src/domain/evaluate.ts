import { minutesOf } from './calendar.ts';
import { type Cart, goodsSubtotal, isIncentiveLine, loyaltyDiscount } from './cart.ts';
import type { Incentive, IncentiveKind, RuleRef } from './incentive.ts';
import { type EarnPolicy, pointsForSpend } from './points.ts';
import { LIMIT_PER_ORDER } from './rules/limit-per-order.rule.ts';
import { RULES } from './rules/registry.ts';
import type { AppliedRef, CartFacts, GuestHistory, GuestSnapshot, RuleContext, RuleFailure, RuleNeed, RuleOutcome, StoreRef } from './rules/rule.ts';
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
    ruleCtx.applied = inCart.length === 0 ? selfOnly : appliedWith(inCart, self);
    let failures = runRules(rulesOf(incentive).alone, ruleCtx, loaded);
    if (incentive.kind === 'REWARD' && incentive.pointCost > balance)
      failures = append(failures, insufficientPoints(incentive.id, balance, incentive.pointCost));
    out[c] = { incentive, failures: failures ?? [] };
  }
  return out;
}

/** What the cart already redeems besides `self`, then `self`. (Not inlined in the loop: see `missingNeed`.) */
function appliedWith(inCart: readonly AppliedRef[], self: AppliedRef): AppliedRef[] {
  return [...inCart.filter((a) => a.incentiveId !== self.incentiveId), self];
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
  const tenders = cart.tenders.map((t) => t.type.toUpperCase());
  const tenderTypes = new Set(tenders);
  return {
    subtotalCents,
    totalCents: subtotalCents + tax,
    productQuantities,
    tenderTypes,
    // Usually no tender type repeats, and the list is the one already made.
    tenderTypeList: tenderTypes.size === tenders.length ? tenders : [...tenderTypes],
    quantityByProductKey: null,
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
    ruleId: '',
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
  /** `rule.check`, held here so that the hot loop reads one object shape. */
  check: (args: unknown, ctx: RuleContext) => RuleOutcome;
  /** The arguments as `check` reads them (`prepare`d). */
  args: unknown;
  needBits: number;
  /** Unknown rules are refused when an incentive is written; one that slipped through fails closed with this. */
  unknown: RuleFailure | null;
}

interface CompiledIncentive {
  /** Every rule, with `limit-per-order` (max 1 when not configured) last. */
  rules: CompiledRule[];
  /**
   * The rules `eligibility()` runs: it judges each candidate alone at quantity 1, where a
   * `limit-per-order` with max ≥ 1 (every valid one) passes by definition and is left out.
   */
  alone: CompiledRule[];
}

/** Rule lookups per incentive, done once per incentive object (configuration is cached upstream). */
const compiledRules = new WeakMap<Incentive, CompiledIncentive>();

const NEVER_CALLED = (): null => null;

function rulesOf(incentive: Incentive): CompiledIncentive {
  // The compiling is a function of its own: its closures would otherwise make V8 allocate a
  // context on every call, cached or not.
  return compiledRules.get(incentive) ?? compileRules(incentive);
}

function compileRules(incentive: Incentive): CompiledIncentive {
  const refs = incentive.rules.some((r) => r.ruleId === LIMIT_PER_ORDER)
    ? incentive.rules
    : [...incentive.rules, { ruleId: LIMIT_PER_ORDER, args: { max: 1 } }];
  const rules = refs.map((ref): CompiledRule => {
    const rule = RULES.get(ref.ruleId);
    if (!rule) {
      const unknown = { code: 'unknown-rule', ruleId: ref.ruleId, incentiveId: incentive.id, message: `Rule ${ref.ruleId} is not known to this server` };
      return { ruleId: ref.ruleId, check: NEVER_CALLED, args: null, needBits: 0, unknown };
    }
    let needBits = 0;
    for (const n of rule.needs ?? []) needBits |= NEED_BITS[n];
    return { ruleId: ref.ruleId, check: rule.check as CompiledRule['check'], args: rule.prepare ? rule.prepare(ref.args) : ref.args, needBits, unknown: null };
  });
  const passesAlone = (ref: RuleRef) => ref.ruleId === LIMIT_PER_ORDER && typeof ref.args.max === 'number' && ref.args.max >= 1;
  const compiled = { rules, alone: rules.filter((_, i) => !passesAlone(refs[i]!)) };
  compiledRules.set(incentive, compiled);
  return compiled;
}

/** Runs every rule of `ctx.incentive`, appending one failure per failing rule. */
function checkIncentive(ctx: RuleContext, loaded: number, failures: RuleFailure[]): void {
  const own = runRules(rulesOf(ctx.incentive).rules, ctx, loaded);
  if (own !== null) failures.push(...own);
}

/** Runs `rules` for `ctx.incentive`: the failing rules' failures, or null when every rule passes. */
function runRules(rules: CompiledRule[], ctx: RuleContext, loaded: number): RuleFailure[] | null {
  let failures: RuleFailure[] | null = null;
  for (let i = 0; i < rules.length; i++) {
    const compiled = rules[i]!;
    if (compiled.unknown !== null) {
      failures = append(failures, { ...compiled.unknown });
      continue;
    }
    if (compiled.needBits !== 0 && (compiled.needBits & ~loaded) !== 0) {
      failures = append(failures, missingNeed(compiled, ctx.incentive.id, loaded));
      continue;
    }
    ctx.ruleId = compiled.ruleId;
    const failure = compiled.check(compiled.args, ctx);
    if (failure !== null) failures = append(failures, failure);
  }
  return failures;
}

/**
 * The failure of a rule whose needs were not loaded. (A function of its own, like the other rare
 * paths here: a closure in the hot loop would make V8 allocate a context per rule.)
 */
function missingNeed(compiled: CompiledRule, incentiveId: string, loaded: number): RuleFailure {
  const ruleId = compiled.ruleId;
  const missing = NEEDS.find((need) => (compiled.needBits & ~loaded & NEED_BITS[need]) !== 0)!;
  return {
    code: MISSING_GUEST_HISTORY,
    ruleId,
    incentiveId,
    targetValue: missing,
    message: `Rule ${ruleId} needs the guest's ${missing}, which was not loaded`,
  };
}

/**
 * `list` with `failure` appended (`list` itself, or a new list). Most verdicts hold one to three
 * failures: lists of one and two are made as literals of exactly that size, which V8 allocates
 * inline, where growing a list by push calls into the runtime (and reserves room for 17).
 */
function append(list: RuleFailure[] | null, failure: RuleFailure): RuleFailure[] {
  if (list === null) return [failure];
  if (list.length === 1) return [list[0]!, failure];
  list.push(failure);
  return list;
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
    // Exact while it matters: a cost (≤ MAX_POINTS) times a quantity beyond every balance (also
    // ≤ MAX_POINTS) fails point-balance whatever its rounding.
    a.points = incentive.kind === 'REWARD' ? incentive.pointCost * a.quantity : 0;
    a.lineRefs.push(line.ref);
  }
  return [...byId.values()];
}
