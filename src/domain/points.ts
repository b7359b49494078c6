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
