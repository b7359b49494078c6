import type { LedgerKind } from '../../adapters/db/schema.ts';
import type { ExpiryPolicy } from '../model.ts';

/** Points that expire together; `expiresAt` null when the program's points never expire. */
export interface ExpirationBucket {
  points: number;
  expiresAt: string | null;
}

export interface LedgerRow {
  kind: LedgerKind;
  points: number;
  created_at: string;
}

const DAY_MS = 86_400_000;

/**
 * The guest's balance split by expiry date, from the ledger (oldest first). Interim version for
 * the guest API until the points-expiry work provides the policy's own computation:
 * - `inactivity`: everything expires N days after the last activity;
 * - `monthly-buckets`: credits are bucketed by UTC month and debits consume the oldest bucket
 *   first; a month's points expire on the first day of the (months + 1)-th month after it.
 */
export function ledgerBuckets(policy: ExpiryPolicy, balance: number, ledger: LedgerRow[], lastActivityAt: string | null, createdAt: string): ExpirationBucket[] {
  if (balance <= 0) return [];
  switch (policy.kind) {
    case 'inactivity': {
      const from = Date.parse(lastActivityAt ?? createdAt);
      return [{ points: balance, expiresAt: new Date(from + policy.days * DAY_MS).toISOString() }];
    }
    case 'monthly-buckets': {
      const buckets: { month: string; points: number }[] = [];
      for (const e of [...ledger].sort((a, b) => a.created_at.localeCompare(b.created_at))) {
        if (e.points > 0) {
          const month = e.created_at.slice(0, 7);
          const last = buckets[buckets.length - 1];
          if (last && last.month === month) last.points += e.points;
          else buckets.push({ month, points: e.points });
        } else {
          let debit = -e.points;
          for (const b of buckets) {
            if (debit === 0) break;
            const take = Math.min(b.points, debit);
            b.points -= take;
            debit -= take;
          }
        }
      }
      return buckets
        .filter((b) => b.points > 0)
        .map((b) => {
          const [y, m] = b.month.split('-').map(Number) as [number, number];
          return { points: b.points, expiresAt: new Date(Date.UTC(y, m - 1 + policy.months + 1, 1)).toISOString() };
        });
    }
    default:
      return [{ points: balance, expiresAt: null }];
  }
}
