import { randomBytes } from 'node:crypto';
import { capabilitiesOf } from '../adapters/db/capabilities.ts';
import {
  finishedRunWithCutoff,
  findExpiryRun,
  finishExpiryRun,
  startExpiryRun,
  takeOverExpiryRun,
} from '../adapters/db/repositories/expiry-runs.repository.ts';
import { type GuestActivity, guestActivity, guestsMaybeDue } from '../adapters/db/repositories/guests.repository.ts';
import { enqueueEvents } from '../adapters/db/repositories/outbox.repository.ts';
import { type GuestPosting, postEntriesBatch } from '../adapters/db/repositories/points-ledger-batch.repository.ts';
import { ledgerEntries, lockGuests } from '../adapters/db/repositories/points-ledger.repository.ts';
import { programExpiryPolicies } from '../adapters/db/repositories/programs.repository.ts';
import { inTransaction, type Tx } from '../adapters/db/tx.ts';
import { type ExpirationBucket, type ExpiryPolicy, expirationBuckets, expiryCutoff, pointsDue } from '../domain/expiry.ts';

/**
 * Runs the programs' expiry policies (domain/expiry.ts) over their guests: EXPIRE ledger entries
 * through `postEntriesBatch` (the batch form of `postEntries`), one database transaction per page
 * of guests, and a `points.expired` outbox event per guest in the same transaction.
 *
 * Safe to run twice: one `expiry_runs` row per program and UTC day — a finished run makes a second
 * run that day a no-op, and a run already under way elsewhere is left alone. Each guest is
 * recomputed from the ledger under a row lock just before writing, so a crashed run can simply run
 * again and concurrent sales are never double-counted: what is already expired is not due any more.
 */
export interface ExpiryRunReport {
  programId: string;
  runDate: string;
  /** why nothing ran: 'done-today' | 'running-elsewhere' | 'nothing-new' | 'no-policy'; null when it ran */
  skipped: string | null;
  guestsScanned: number;
  guestsExpired: number;
  pointsExpired: number;
  ms: number;
}

export interface ExpiryOptions {
  /** Guests per page and per database transaction (default: 5,000 on SQLite, 1,000 where rows are locked). */
  batchSize?: number;
  /** Run even if today's run finished (tests, manual reruns); still writes only what is due. */
  force?: boolean;
  /** A run that started this long ago without finishing is taken over (ms). */
  staleAfterMs?: number;
}

export interface PointsExpiredData {
  guestId: string;
  points: number;
  balance: number;
  policy: ExpiryPolicy;
  /** the buckets that expired (monthly-buckets: one per month) */
  buckets: { points: number; expiresAt: string | null; earnedMonth?: string }[];
  expiredAt: string;
}

export class ExpiryService {
  constructor(private readonly db: Tx) {}

  /** Runs every program whose policy expires points. */
  async runAll(now: Date, options: ExpiryOptions = {}): Promise<ExpiryRunReport[]> {
    const reports: ExpiryRunReport[] = [];
    for (const p of await programExpiryPolicies(this.db)) {
      if (p.expiry.kind === 'none') continue;
      reports.push(await this.runProgram(p.id, p.expiry, now, options));
    }
    return reports;
  }

  async runProgram(programId: string, policy: ExpiryPolicy, now: Date, options: ExpiryOptions = {}): Promise<ExpiryRunReport> {
    const started = Date.now();
    const nowIso = now.toISOString();
    const runDate = nowIso.slice(0, 10);
    const report: ExpiryRunReport = { programId, runDate, skipped: null, guestsScanned: 0, guestsExpired: 0, pointsExpired: 0, ms: 0 };
    const cutoff = expiryCutoff(policy, now);
    if (cutoff === null) return { ...report, skipped: 'no-policy' };

    const claim = await this.claim(programId, runDate, policy, cutoff, nowIso, options);
    if (typeof claim === 'string') return { ...report, skipped: claim, ms: Date.now() - started };

    const batchSize = options.batchSize ?? (capabilitiesOf(this.db).skipLocked ? 1000 : 5000);
    const ids = timeOrderedIds();
    let after = '';
    for (;;) {
      const page = await inTransaction(this.db, (trx) => this.expirePage(trx, programId, policy, cutoff, after, batchSize, now, ids));
      if (page.scanned === 0) break;
      after = page.last;
      report.guestsScanned += page.scanned;
      report.guestsExpired += page.guests;
      report.pointsExpired += page.points;
    }

    await finishExpiryRun(this.db, claim.id, { at: new Date().toISOString(), guestsExpired: report.guestsExpired, pointsExpired: report.pointsExpired });
    report.ms = Date.now() - started;
    return report;
  }

  /** A guest's expiration buckets now (for the guest app), from the ledger. */
  async bucketsFor(programId: string, policy: ExpiryPolicy, guestId: string, now: Date): Promise<ExpirationBucket[]> {
    const guest = await guestActivity(this.db, programId, guestId);
    if (!guest) return [];
    const ledgers = await ledgerEntries(this.db, [guestId]);
    return expirationBuckets(ledgers.get(guestId) ?? [], policy, now, activityOf(guest));
  }

  /**
   * Points that will expire before `until`, as the job will take them: the same candidate probe
   * (with `until` as the job's "now") and the same bucket computation, page by page, without
   * writing. Buckets already due at `now` (the next run takes them) come with their past
   * `expiresAt`; `onBucket` sees every bucket once.
   */
  async upcoming(
    programId: string,
    policy: ExpiryPolicy,
    now: Date,
    until: Date,
    onBucket: (b: { guestId: string; points: number; expiresAt: string }) => void,
    batchSize = 1000,
  ): Promise<void> {
    const cutoff = expiryCutoff(policy, until);
    if (cutoff === null) return;
    const untilIso = until.toISOString();
    let after = '';
    for (;;) {
      const page = await this.page(this.db, programId, policy, cutoff, after, batchSize);
      if (page.length === 0) return;
      after = page[page.length - 1]!.id;
      const candidates = page.filter((g) => g.maybeDue);
      const ledgers = await ledgerEntries(
        this.db,
        candidates.map((g) => g.id),
      );
      for (const g of candidates) {
        for (const b of expirationBuckets(ledgers.get(g.id) ?? [], policy, now, activityOf(g))) {
          if (b.expiresAt !== null && b.expiresAt <= untilIso) onBucket({ guestId: g.id, points: Math.min(b.points, g.balance), expiresAt: b.expiresAt });
        }
      }
    }
  }

  /** Today's run row for this program, or why not to run. */
  private async claim(
    programId: string,
    runDate: string,
    policy: ExpiryPolicy,
    cutoff: string,
    nowIso: string,
    options: ExpiryOptions,
  ): Promise<{ id: string } | string> {
    const today = await findExpiryRun(this.db, programId, runDate);
    if (today && options.force) return { id: today.id };
    if (today?.finishedAt) return 'done-today';
    if (today) {
      if (Date.parse(nowIso) - Date.parse(today.startedAt) < (options.staleAfterMs ?? 30 * 60_000)) return 'running-elsewhere';
      return (await takeOverExpiryRun(this.db, today, nowIso)) ? { id: today.id } : 'running-elsewhere';
    }
    // Monthly buckets: after a finished run with this cutoff nothing new is due until the month turns.
    if (!options.force && policy.kind === 'monthly-buckets' && (await finishedRunWithCutoff(this.db, programId, cutoff, policy))) return 'nothing-new';
    return (await startExpiryRun(this.db, { programId, runDate, policy, cutoff, at: nowIso })) ?? 'running-elsewhere';
  }

  /**
   * The next page of guests (by id) with a balance, each flagged when its points could be due:
   * inactivity — no activity since the cutoff; monthly buckets — some ledger entry older than the
   * cutoff (guests.repository.ts `guestsMaybeDue`).
   */
  private page(db: Tx, programId: string, policy: ExpiryPolicy, cutoff: string, after: string, limit: number) {
    return guestsMaybeDue(db, programId, policy.kind === 'inactivity' ? 'inactivity' : 'ledger-before', cutoff, after, limit);
  }

  /**
   * One page, in the caller's transaction: read the page's guests, lock the candidates, read their
   * ledgers in one query, recompute what is due in code (domain/expiry.ts), then write the page's
   * balance updates, EXPIRE entries and events as multi-row statements (postEntriesBatch) instead of
   * statements per guest.
   *
   * Where the engine locks rows (PostgreSQL) the candidates are re-read `FOR UPDATE`, in id order,
   * so a concurrent sale waits for the page (or the page waits for it) and is never lost. SQLite
   * serialises writers, and its page read is part of this transaction's snapshot: if another
   * connection wrote in between, this transaction's first write fails instead of overwriting it.
   */
  private async expirePage(
    trx: Tx,
    programId: string,
    policy: ExpiryPolicy,
    cutoff: string,
    after: string,
    limit: number,
    now: Date,
    ids: () => string,
  ): Promise<{ scanned: number; last: string; guests: number; points: number }> {
    const page = await this.page(trx, programId, policy, cutoff, after, limit);
    const result = { scanned: page.length, last: page[page.length - 1]?.id ?? after, guests: 0, points: 0 };
    let candidates: GuestActivity[] = page.filter((g) => g.maybeDue);
    if (candidates.length === 0) return result;
    if (capabilitiesOf(trx).skipLocked)
      candidates = await lockGuests(
        trx,
        programId,
        candidates.map((g) => g.id),
      );
    const ledgers = await ledgerEntries(
      trx,
      candidates.map((g) => g.id),
    );
    const nowIso = now.toISOString();
    const postings: GuestPosting[] = [];
    const expiring: { guestId: string; take: number; buckets: ExpirationBucket[] }[] = [];
    for (const g of candidates) {
      const due = pointsDue(ledgers.get(g.id) ?? [], policy, now, activityOf(g));
      const take = Math.min(due.points, g.balance);
      if (take <= 0) continue;
      postings.push({ guestId: g.id, entries: [{ kind: 'EXPIRE', points: -take, transactionId: null, reason: expiryReason(policy, due.buckets) }] });
      expiring.push({ guestId: g.id, take, buckets: due.buckets });
      result.points += take;
    }
    if (postings.length === 0) return result;
    const balances = await postEntriesBatch(trx, programId, postings, nowIso, { newId: ids });
    const events = expiring.map((x) => {
      const data: PointsExpiredData = {
        guestId: x.guestId,
        points: x.take,
        balance: balances.get(x.guestId)!,
        policy,
        buckets: x.buckets.map((b) => ({ points: b.points, expiresAt: b.expiresAt, ...(b.earnedMonth ? { earnedMonth: b.earnedMonth } : {}) })),
        expiredAt: nowIso,
      };
      return { id: ids(), programId, type: 'points.expired' as const, payload: { ...data }, at: nowIso };
    });
    // Multi-row inserts for the page's events (the outbox's enqueueEvent writes one at a time).
    await enqueueEvents(trx, events);
    result.guests = events.length;
    return result;
  }
}

/**
 * A generator of UUIDv7-shaped ids that sort in the order they are made: the run's start time
 * (48 bits), then a counter (42 bits), then 32 random bits fixed per generator (two runs started in
 * the same millisecond still differ). A night's hundreds of thousands of EXPIRE entries and events
 * land at the end of their primary-key indexes instead of on random pages, and no random bytes are
 * drawn per id.
 */
export function timeOrderedIds(ms: number = Date.now()): () => string {
  const time = ms.toString(16).padStart(12, '0').slice(-12);
  const prefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
  const tail = randomBytes(4).toString('hex');
  let counter = 0;
  return () => {
    const n = counter++;
    const hi = Math.floor(n / 2 ** 30); // 12 bits: rand_a
    const lo = n % 2 ** 30; // 30 bits, after the 2 variant bits: rand_b's first 32 bits
    const a = hi.toString(16).padStart(3, '0');
    const b = (0x80000000 + lo).toString(16);
    return `${prefix}${a}-${b.slice(0, 4)}-${b.slice(4, 8)}${tail}`;
  };
}

function activityOf(g: { lastActivityAt: string | null; createdAt: string }) {
  return { lastActivityAt: g.lastActivityAt, createdAt: g.createdAt };
}

function expiryReason(policy: ExpiryPolicy, buckets: ExpirationBucket[]): string {
  if (policy.kind === 'inactivity') return `inactivity: no purchase for ${policy.days} days`;
  if (policy.kind === 'monthly-buckets') return `monthly-buckets: earned ${buckets.map((b) => b.earnedMonth).join(', ')}`;
  return 'expired';
}
