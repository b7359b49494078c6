import type { Evaluation } from './evaluate.ts';
import type { Incentive, IncentiveKind } from './incentive.ts';
import type { RuleFailure } from './rules/rule.ts';

/** One rule's verdict on one incentive of a sale. */
export interface RuleVerdict {
  ruleId: string;
  passed: boolean;
  /** the typed failure when it did not pass (code, current and target values, message) */
  failure: Omit<RuleFailure, 'ruleId' | 'incentiveId'> | null;
}

/** One incentive the cart redeemed, and whether it applied: every configured rule passed, and the order-wide checks too. */
export interface IncentiveVerdict {
  incentiveId: string;
  kind: IncentiveKind;
  quantity: number;
  points: number;
  applied: boolean;
  /**
   * The incentive's configured rules in order, then any order-wide check that failed for it
   * (`limit-per-order` when not configured, `offers-per-order`, `point-balance`, an unknown rule).
   */
  rules: RuleVerdict[];
}

/** What an evaluation decided, as stored with the transaction (admin: the transaction's rule results). */
export interface RuleResults {
  /** the update that evaluated it */
  stage: 'validate' | 'PENDING' | 'CLAIMED';
  at: string;
  pointsEarned: number;
  pointsRedeemed: number;
  incentives: IncentiveVerdict[];
}

/**
 * The per-incentive, per-rule outcome of `evaluate`, for people to read later: `Evaluation` lists
 * only failures; this names every configured rule with its verdict. Pure.
 *
 * @example
 * ruleResults(evaluation, incentives, 'CLAIMED', now).incentives[0]
 * // → { incentiveId, kind: 'REWARD', applied: false, rules: [{ ruleId: 'time-span', passed: false, failure: { code: 'invalid-time-span', … } }] }
 */
export function ruleResults(evaluation: Evaluation, incentives: ReadonlyMap<string, Incentive>, stage: RuleResults['stage'], at: string): RuleResults {
  return {
    stage,
    at,
    pointsEarned: evaluation.pointsEarned,
    pointsRedeemed: evaluation.pointsRedeemed,
    incentives: evaluation.applied.map((a) => {
      const left = evaluation.failures.filter((f) => f.incentiveId === a.incentiveId);
      const take = (ruleId: string) => {
        const i = left.findIndex((f) => f.ruleId === ruleId);
        return i < 0 ? null : left.splice(i, 1)[0]!;
      };
      const verdict = (ruleId: string, f: RuleFailure | null): RuleVerdict => ({
        ruleId,
        passed: f === null,
        failure: f === null ? null : { code: f.code, currentValue: f.currentValue, targetValue: f.targetValue, message: f.message },
      });
      const configured = (incentives.get(a.incentiveId)?.rules ?? []).map((r) => verdict(r.ruleId, take(r.ruleId)));
      const rules = [...configured, ...left.map((f) => verdict(f.ruleId, f))];
      return { incentiveId: a.incentiveId, kind: a.kind, quantity: a.quantity, points: a.points, applied: rules.every((r) => r.passed), rules };
    }),
  };
}
