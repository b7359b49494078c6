/**
 * Tiers (optional per program): a guest's tier follows the points earned in a rolling window,
 * e.g. the last 365 days. Pure: the ledger and "now" are passed in.
 */
export interface TierConfig {
  /** Length of the rolling window in days. */
  windowDays: number;
  /** Tier names with the points needed in the window; any order. */
  tiers: { name: string; minPoints: number }[];
}

export interface GuestTier {
  name: string;
  minPoints: number;
  /** Points earned in the window (net of voids and refunds of those sales). */
  pointsInWindow: number;
  /** The next tier up and how many points it still takes; null at the top. */
  next: { name: string; minPoints: number; pointsToGo: number } | null;
}

export interface TierLedgerEntry {
  kind: string;
  points: number;
  createdAt: string;
  transactionId?: string | null;
}

const DAY_MS = 86_400_000;

/**
 * Points earned by sales whose EARN falls in the window ending at `now`, net of the reversals
 * (VOID_EARN, from voids and partial refunds) of those same sales.
 */
export function pointsEarnedInWindow(entries: readonly TierLedgerEntry[], windowDays: number, now: Date): number {
  const from = new Date(now.getTime() - windowDays * DAY_MS).toISOString();
  const to = now.toISOString();
  const inWindow = new Set<string>();
  let points = 0;
  for (const e of entries) {
    if (e.kind === 'EARN' && e.createdAt > from && e.createdAt <= to) {
      points += e.points;
      if (e.transactionId) inWindow.add(e.transactionId);
    }
  }
  for (const e of entries) {
    if (e.kind === 'VOID_EARN' && e.transactionId && inWindow.has(e.transactionId) && e.createdAt <= to) points += e.points;
  }
  return Math.max(0, points);
}

/**
 * The tier for a number of points earned in the window: the highest whose `minPoints` is
 * reached; null when below every tier (or when the program has none).
 *
 * @example
 * tierFor({ windowDays: 365, tiers: [{ name: 'Gold', minPoints: 5000 }, { name: 'Silver', minPoints: 1000 }] }, 1200)
 * // → { name: 'Silver', minPoints: 1000, pointsInWindow: 1200, next: { name: 'Gold', minPoints: 5000, pointsToGo: 3800 } }
 */
export function tierFor(config: TierConfig | null | undefined, pointsInWindow: number): GuestTier | null {
  if (!config || config.tiers.length === 0) return null;
  const ladder = [...config.tiers].sort((a, b) => a.minPoints - b.minPoints);
  let at = -1;
  ladder.forEach((t, i) => {
    if (pointsInWindow >= t.minPoints) at = i;
  });
  if (at < 0) return null;
  const tier = ladder[at]!;
  const up = ladder[at + 1];
  return {
    name: tier.name,
    minPoints: tier.minPoints,
    pointsInWindow,
    next: up ? { name: up.name, minPoints: up.minPoints, pointsToGo: up.minPoints - pointsInWindow } : null,
  };
}

/** Checks a tier configuration; one `path: message` per problem. */
export function validateTierConfig(config: unknown): string[] {
  const c = config as Partial<TierConfig> | null;
  if (!c || typeof c !== 'object') return ['tiers: must be { windowDays, tiers: [{ name, minPoints }] }'];
  const problems: string[] = [];
  if (!Number.isInteger(c.windowDays) || (c.windowDays as number) < 1 || (c.windowDays as number) > 3660)
    problems.push('tiers.windowDays: must be a whole number of days, 1 to 3660');
  if (!Array.isArray(c.tiers) || c.tiers.length === 0 || c.tiers.length > 20) {
    problems.push('tiers.tiers: must list 1 to 20 tiers');
    return problems;
  }
  const names = new Set<string>();
  const mins = new Set<number>();
  c.tiers.forEach((t, i) => {
    if (typeof t?.name !== 'string' || t.name.trim() === '' || t.name.length > 60) problems.push(`tiers.tiers[${i}].name: must be 1 to 60 characters`);
    else if (names.has(t.name)) problems.push(`tiers.tiers[${i}].name: "${t.name}" is listed twice`);
    else names.add(t.name);
    if (!Number.isInteger(t?.minPoints) || t.minPoints < 0) problems.push(`tiers.tiers[${i}].minPoints: must be a whole number, 0 or more`);
    else if (mins.has(t.minPoints)) problems.push(`tiers.tiers[${i}].minPoints: two tiers cannot start at the same points`);
    else mins.add(t.minPoints);
  });
  return problems;
}
