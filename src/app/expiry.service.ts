import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { capabilitiesOf } from '../adapters/db/capabilities.ts';
import { type GuestPosting, postEntriesBatch } from '../adapters/db/repositories/points-ledger-batch.repository.ts';
import { ledgerEntries } from '../adapters/db/repositories/points-ledger.repository.ts';
import type { Database } from '../adapters/db/schema.ts';
import { type ExpirationBucket, type ExpiryPolicy, expirationBuckets, expiryCutoff, pointsDue } from '../domain/expiry.ts';
import { newId } from '../lib/ids.ts';

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
  constructor(private readonly db: Kysely<Database>) {}

  /** Runs every program whose policy expires points. */
  async runAll(now: Date, options: ExpiryOptions = {}): Promise<ExpiryRunReport[]> {
    const programs = await this.db.selectFrom('programs').select(['id', 'expiry_policy']).orderBy('id').execute();
    const reports: ExpiryRunReport[] = [];
    for (const p of programs) {
      const policy = JSON.parse(p.expiry_policy) as ExpiryPolicy;
      if (policy.kind === 'none') continue;
      reports.push(await this.runProgram(p.id, policy, now, options));
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
      const page = await this.db.transaction().execute((trx) => this.expirePage(trx, programId, policy, cutoff, after, batchSize, now, ids));
      if (page.scanned === 0) break;
      after = page.last;
      report.guestsScanned += page.scanned;
      report.guestsExpired += page.guests;
      report.pointsExpired += page.points;
    }

    await this.db
      .updateTable('expiry_runs')
      .set({ finished_at: new Date().toISOString(), guests_expired: report.guestsExpired, points_expired: report.pointsExpired })
      .where('id', '=', claim.id)
      .execute();
    report.ms = Date.now() - started;
    return report;
  }

  /** A guest's expiration buckets now (for the guest app), from the ledger. */
  async bucketsFor(programId: string, policy: ExpiryPolicy, guestId: string, now: Date): Promise<ExpirationBucket[]> {
    const guest = await this.db
      .selectFrom('guests')
      .select(['id', 'balance', 'last_activity_at', 'created_at'])
      .where('program_id', '=', programId)
      .where('id', '=', guestId)
      .executeTakeFirst();
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
  async upcoming(programId: string, policy: ExpiryPolicy, now: Date, until: Date, onBucket: (b: { guestId: string; points: number; expiresAt: string }) => void, batchSize = 1000): Promise<void> {
    const cutoff = expiryCutoff(policy, until);
    if (cutoff === null) return;
    const untilIso = until.toISOString();
    let after = '';
    for (;;) {
      const page = await this.page(this.db, programId, policy, cutoff, after, batchSize);
      if (page.length === 0) return;
      after = page[page.length - 1]!.id;
      const candidates = page.filter((g) => Number(g.maybe_due) === 1);
      const ledgers = await ledgerEntries(this.db, candidates.map((g) => g.id));
      for (const g of candidates) {
        for (const b of expirationBuckets(ledgers.get(g.id) ?? [], policy, now, activityOf(g))) {
          if (b.expiresAt !== null && b.expiresAt <= untilIso) onBucket({ guestId: g.id, points: Math.min(b.points, g.balance), expiresAt: b.expiresAt });
        }
      }
    }
  }

  /** Today's run row for this program, or why not to run. */
  private async claim(programId: string, runDate: string, policy: ExpiryPolicy, cutoff: string, nowIso: string, options: ExpiryOptions): Promise<{ id: string } | string> {
    const policyJson = JSON.stringify(policy);
    const today = await this.db.selectFrom('expiry_runs').selectAll().where('program_id', '=', programId).where('run_date', '=', runDate).executeTakeFirst();
    if (today && options.force) return { id: today.id };
    if (today?.finished_at) return 'done-today';
    if (today) {
      if (Date.parse(nowIso) - Date.parse(today.started_at) < (options.staleAfterMs ?? 30 * 60_000)) return 'running-elsewhere';
      const taken = await this.db
        .updateTable('expiry_runs')
        .set({ started_at: nowIso })
        .where('id', '=', today.id)
        .where('started_at', '=', today.started_at)
        .returning('id')
        .executeTakeFirst();
      return taken ? { id: today.id } : 'running-elsewhere';
    }
    if (!options.force && policy.kind === 'monthly-buckets') {
      // Monthly buckets: after a finished run with this cutoff nothing new is due until the month turns.
      const done = await this.db
        .selectFrom('expiry_runs')
        .select('id')
        .where('program_id', '=', programId)
        .where('cutoff', '=', cutoff)
        .where('policy', '=', policyJson)
        .where('finished_at', 'is not', null)
        .executeTakeFirst();
      if (done) return 'nothing-new';
    }
    const id = newId();
    const inserted = await this.db
      .insertInto('expiry_runs')
      .values({ id, program_id: programId, run_date: runDate, policy: policyJson, cutoff, started_at: nowIso, finished_at: null, guests_expired: 0, points_expired: 0 })
      .onConflict((oc) => oc.columns(['program_id', 'run_date']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted ? { id } : 'running-elsewhere';
  }

  /**
   * The next page of guests (by id) with a balance, each flagged when its points could be due:
   * inactivity — no activity since the cutoff; monthly buckets — some ledger entry older than the
   * cutoff (in practice a credit; the flag only picks whom to recompute, so a guest flagged for an
   * old debit merely costs a recomputation, and the probe stays inside the (guest_id, created_at)
   * index instead of reading every guest's ledger rows).
   */
  private async page(db: Kysely<Database>, programId: string, policy: ExpiryPolicy, cutoff: string, after: string, limit: number) {
    const maybeDue =
      policy.kind === 'inactivity'
        ? sql<number>`case when last_activity_at <= ${cutoff} or (last_activity_at is null and created_at <= ${cutoff}) then 1 else 0 end`
        : sql<number>`case when exists (select 1 from points_ledger l where l.guest_id = guests.id and l.created_at < ${cutoff}) then 1 else 0 end`;
    return db
      .selectFrom('guests')
      .select(['id', 'balance', 'last_activity_at', 'created_at', maybeDue.as('maybe_due')])
      .where('program_id', '=', programId)
      .where('id', '>', after)
      .where('balance', '>', 0)
      .orderBy('id')
      .limit(limit)
      .execute();
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
    trx: Kysely<Database>,
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
    let candidates: { id: string; balance: number; last_activity_at: string | null; created_at: string }[] = page.filter((g) => Number(g.maybe_due) === 1);
    if (candidates.length === 0) return result;
    if (capabilitiesOf(trx).skipLocked) {
      candidates = await trx
        .selectFrom('guests')
        .select(['id', 'balance', 'last_activity_at', 'created_at'])
        .where('program_id', '=', programId)
        .where('id', 'in', candidates.map((g) => g.id))
        .orderBy('id')
        .forUpdate()
        .execute();
    }
    const ledgers = await ledgerEntries(trx, candidates.map((g) => g.id));
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
      return { id: ids(), program_id: programId, type: 'points.expired' as const, payload: JSON.stringify(data), created_at: nowIso };
    });
    // Multi-row inserts for the page's events (the outbox's enqueueEvent writes one at a time).
    for (let i = 0; i < events.length; i += EVENT_ROWS) await trx.insertInto('outbox_events').values(events.slice(i, i + EVENT_ROWS)).execute();
    result.guests = events.length;
    return result;
  }
}

/** Events per INSERT statement (5 parameters each). */
const EVENT_ROWS = 500;

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

function activityOf(g: { last_activity_at: string | null; created_at: string }) {
  return { lastActivityAt: g.last_activity_at, createdAt: g.created_at };
}

function expiryReason(policy: ExpiryPolicy, buckets: ExpirationBucket[]): string {
  if (policy.kind === 'inactivity') return `inactivity: no purchase for ${policy.days} days`;
  if (policy.kind === 'monthly-buckets') return `monthly-buckets: earned ${buckets.map((b) => b.earnedMonth).join(', ')}`;
  return 'expired';
}
