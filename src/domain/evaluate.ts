import { type Cart, goodsSubtotal, loyaltyDiscount } from './cart.ts';
import type { Incentive, IncentiveKind } from './incentive.ts';
import { type EarnPolicy, pointsForSpend } from './points.ts';
import { LIMIT_PER_ORDER } from './rules/limit-per-order.rule.ts';
import { RULES } from './rules/registry.ts';
import type { GuestSnapshot, RuleContext, RuleFailure, StoreRef } from './rules/rule.ts';
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

/**
 * Evaluates a cart: which incentives it redeems, whether each one's rules pass, the points it
 * costs and earns. Pure; the same function serves validate, PENDING and CLAIMED.
 */
export function evaluate(cart: Cart, ctx: EvaluationContext): Evaluation {
  const applied = collectIncentives(cart, ctx.incentives);
  const subtotalCents = goodsSubtotal(cart);
  const failures: RuleFailure[] = [];

  for (const a of applied) {
    const incentive = ctx.incentives.get(a.incentiveId)!;
    const ruleCtx: RuleContext = {
      cart,
      now: ctx.now,
      store: ctx.store,
      serviceMode: ctx.serviceMode,
      guest: ctx.guest,
      incentive,
      quantity: a.quantity,
      subtotalCents,
    };
    const refs = incentive.rules.some((r) => r.ruleId === LIMIT_PER_ORDER)
      ? incentive.rules
      : [...incentive.rules, { ruleId: LIMIT_PER_ORDER, args: { max: 1 } }];
    for (const ref of refs) {
      const rule = RULES.get(ref.ruleId);
      // Unknown rules are refused when an incentive is written; one that slipped through fails closed.
      const outcome = rule
        ? rule.check(ref.args as never, ruleCtx)
        : { code: 'unknown-rule', message: `Rule ${ref.ruleId} is not known to this server` };
      if (outcome) failures.push({ ...outcome, ruleId: ref.ruleId, incentiveId: a.incentiveId });
    }
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
      failures.push({
        code: 'insufficient-point-balance',
        ruleId: POINT_BALANCE,
        incentiveId: a.incentiveId,
        currentValue: available,
        targetValue: a.points,
        message: 'User does not have sufficient funds to redeem reward',
      });
    } else {
      available -= a.points;
    }
  }

  const eligibleSpendCents = Math.max(0, subtotalCents - loyaltyDiscount(cart));
  return {
    applied,
    subtotalCents,
    eligibleSpendCents,
    pointsEarned: pointsForSpend(eligibleSpendCents, ctx.earn),
    pointsRedeemed,
    failures,
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
