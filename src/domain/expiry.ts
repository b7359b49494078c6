/**
 * Points over time, computed from the ledger. Pure: the ledger, the policy and "now" are passed
 * in. One policy per program:
 * - `inactivity`: the whole balance expires `days` days after the guest's last activity (the last
 *   CLAIMED sale, or a later credit such as a manual adjustment — a support agent's goodwill
 *   points are not taken away the next night);
 * - `monthly-buckets`: points earned in a calendar month (UTC) expire on the first day of the
 *   (`months` + 1)-th month after it — with `months: 6`, points earned in January expire on
 *   1 August. Spending consumes the oldest bucket first (FIFO).
 */
export type ExpiryPolicy = { kind: 'inactivity'; days: number } | { kind: 'monthly-buckets'; months: number } | { kind: 'none' };

/** A ledger entry as the expiry computation needs it. */
export interface ExpiryLedgerEntry {
  kind: string;
  /** signed */
  points: number;
  /** ISO-8601 UTC */
  createdAt: string;
  transactionId?: string | null;
}

export interface ExpirationBucket {
  points: number;
  /** ISO-8601 UTC instant the points expire; null when the program's points never expire. */
  expiresAt: string | null;
  /** `monthly-buckets`: the month (YYYY-MM) the points were earned in. */
  earnedMonth?: string;
  /** true when `expiresAt` is at or before `now`: the next expiry run takes these points. */
  due: boolean;
}

export interface GuestActivity {
  /** guests.last_activity_at (set at every CLAIMED sale) */
  lastActivityAt: string | null;
  /** guests.created_at: the inactivity clock of a guest who never bought anything */
  createdAt: string;
}

const DAY_MS = 86_400_000;

/**
 * The guest's balance split by expiry date, oldest first. The buckets sum to the ledger's balance
 * (entries after `now` are ignored). `activity` is needed for `inactivity`.
 *
 * @example
 * expirationBuckets(
 *   [{ kind: 'EARN', points: 100, createdAt: '2026-01-15T12:00:00Z' }, { kind: 'REDEEM', points: -30, createdAt: '2026-03-01T12:00:00Z' },
 *    { kind: 'EARN', points: 50, createdAt: '2026-02-10T12:00:00Z' }],
 *   { kind: 'monthly-buckets', months: 6 }, new Date('2026-05-01T00:00:00Z'))
 * // → [{ points: 70, expiresAt: '2026-08-01T00:00:00.000Z', earnedMonth: '2026-01', due: false },
 * //    { points: 50, expiresAt: '2026-09-01T00:00:00.000Z', earnedMonth: '2026-02', due: false }]
 */
export function expirationBuckets(entries: readonly ExpiryLedgerEntry[], policy: ExpiryPolicy, now: Date, activity?: GuestActivity): ExpirationBucket[] {
  const nowIso = now.toISOString();
  const past = entries.filter((e) => e.createdAt <= nowIso);
  switch (policy.kind) {
    case 'none': {
      const balance = sum(past);
      return balance > 0 ? [{ points: balance, expiresAt: null, due: false }] : [];
    }
    case 'inactivity': {
      const balance = sum(past);
      if (balance <= 0) return [];
      const expiresAt = inactivityExpiry(past, policy.days, activity);
      return [{ points: balance, expiresAt, due: expiresAt <= nowIso }];
    }
    case 'monthly-buckets':
      return monthlyBuckets(past, policy.months).map((b) => {
        const expiresAt = monthlyExpiry(b.month, policy.months);
        return { points: b.points, expiresAt, earnedMonth: b.month, due: expiresAt <= nowIso };
      });
  }
}

/**
 * What an expiry run at `now` takes: the points of every bucket that is due (never more than
 * the balance). 0 when nothing is due — which is what makes a rerun write nothing.
 */
export function pointsDue(
  entries: readonly ExpiryLedgerEntry[],
  policy: ExpiryPolicy,
  now: Date,
  activity?: GuestActivity,
): { points: number; buckets: ExpirationBucket[] } {
  const due = expirationBuckets(entries, policy, now, activity).filter((b) => b.due);
  return { points: due.reduce((s, b) => s + b.points, 0), buckets: due };
}

/**
 * The earliest moment at which points may have become due — entries created before it can expire
 * at `now`. Lets the job skip guests cheaply: `monthly-buckets` → start of the month `months`
 * before this one; `inactivity` → `now` − days.
 */
export function expiryCutoff(policy: ExpiryPolicy, now: Date): string | null {
  switch (policy.kind) {
    case 'none':
      return null;
    case 'inactivity':
      return new Date(now.getTime() - policy.days * DAY_MS).toISOString();
    case 'monthly-buckets':
      return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - policy.months, 1)).toISOString();
  }
}

/** Checks a policy's shape; one `path: message` per problem. */
export function validateExpiryPolicy(policy: unknown): string[] {
  const p = policy as { kind?: unknown; days?: unknown; months?: unknown } | null;
  if (!p || typeof p !== 'object') return ['expiry: must be { kind: inactivity | monthly-buckets | none, … }'];
  switch (p.kind) {
    case 'none':
      return [];
    case 'inactivity':
      return Number.isInteger(p.days) && (p.days as number) >= 1 && (p.days as number) <= 3660
        ? []
        : ['expiry.days: must be a whole number of days, 1 to 3660'];
    case 'monthly-buckets':
      return Number.isInteger(p.months) && (p.months as number) >= 0 && (p.months as number) <= 120
        ? []
        : ['expiry.months: must be a whole number of months, 0 to 120'];
    default:
      return ['expiry.kind: must be inactivity, monthly-buckets or none'];
  }
}

function sum(entries: readonly ExpiryLedgerEntry[]): number {
  let s = 0;
  for (const e of entries) s += e.points;
  return s;
}

function inactivityExpiry(entries: readonly ExpiryLedgerEntry[], days: number, activity?: GuestActivity): string {
  let reference = activity?.lastActivityAt ?? activity?.createdAt ?? '';
  for (const e of entries) if (e.points > 0 && e.kind !== 'EXPIRE' && e.createdAt > reference) reference = e.createdAt;
  if (reference === '') reference = entries[0]?.createdAt ?? new Date(0).toISOString();
  return new Date(Date.parse(reference) + days * DAY_MS).toISOString();
}

function monthlyExpiry(month: string, months: number): string {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1 + months + 1, 1)).toISOString();
}

interface Bucket {
  month: string;
  points: number;
}

/**
 * Credits open (or grow) the bucket of their month; debits consume the oldest buckets first. A
 * reversal of a sale's earn (VOID_EARN with the sale's id) takes from the bucket that earn went
 * into first. Within one instant credits count before debits.
 */
function monthlyBuckets(entries: readonly ExpiryLedgerEntry[], _months: number): Bucket[] {
  const sorted = [...entries].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : b.points - a.points));
  const buckets: Bucket[] = [];
  const byMonth = new Map<string, Bucket>();
  const earnedBy = new Map<string, Bucket>();
  let debt = 0;
  for (const e of sorted) {
    if (e.points > 0) {
      let credit = e.points;
      const repay = Math.min(debt, credit);
      debt -= repay;
      credit -= repay;
      const month = e.createdAt.slice(0, 7);
      let bucket = byMonth.get(month);
      if (!bucket) {
        bucket = { month, points: 0 };
        byMonth.set(month, bucket);
        buckets.push(bucket);
      }
      bucket.points += credit;
      if (e.kind === 'EARN' && e.transactionId) earnedBy.set(e.transactionId, bucket);
      continue;
    }
    let debit = -e.points;
    if (e.kind === 'VOID_EARN' && e.transactionId) {
      const own = earnedBy.get(e.transactionId);
      if (own) {
        const take = Math.min(own.points, debit);
        own.points -= take;
        debit -= take;
      }
    }
    for (const b of buckets) {
      if (debit === 0) break;
      const take = Math.min(b.points, debit);
      b.points -= take;
      debit -= take;
    }
    debt += debit;
  }
  return buckets.filter((b) => b.points > 0);
}
