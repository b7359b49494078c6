import type { Cents } from './money.ts';

/**
 * Earning configuration of a program. The rate is stored as thousandths of a point per major
 * currency unit so that decimal rates (2.5 points per $1) stay integers.
 */
export interface EarnPolicy {
  /** points per major unit × 1000; 10 points per $1 → 10000 */
  rateMilli: number;
  /** Eligible spend below this earns nothing (minor units). */
  minimumSpendCents: Cents;
  /** Minor digits of the program's currency. */
  currencyDigits: number;
}

/** Points for an eligible spend, always rounded down. */
export function pointsForSpend(spendCents: Cents, policy: EarnPolicy): number {
  if (spendCents <= 0 || spendCents < policy.minimumSpendCents) return 0;
  const divisor = 10n ** BigInt(policy.currencyDigits) * 1000n;
  return Number((BigInt(spendCents) * BigInt(policy.rateMilli)) / divisor);
}

/** "2.5" or 2.5 points per unit → 2500 (exact to a thousandth of a point). */
export function rateToMilli(rate: number | string): number {
  const text = String(rate);
  const m = /^(\d+)(?:\.(\d{1,3}))?$/.exec(text);
  if (!m) throw new Error(`earning rate "${text}" must be a decimal with at most 3 places`);
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
}
