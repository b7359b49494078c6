import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { capabilitiesOf } from '../adapters/db/capabilities.ts';
import { postEntries } from '../adapters/db/repositories/points-ledger.repository.ts';
import type { Database } from '../adapters/db/schema.ts';
import { type ExpirationBucket, type ExpiryLedgerEntry, type ExpiryPolicy, expirationBuckets, expiryCutoff, pointsDue } from '../domain/expiry.ts';
import { newId } from '../lib/ids.ts';

/**
 * Runs the programs' expiry policies (domain/expiry.ts) over their guests: EXPIRE ledger entries
 * through `postEntries`, one database transaction per batch of guests, and a `points.expired`
 * outbox event per guest in the same transaction.
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
  /** Guests per page and per database transaction. */
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

    const batchSize = options.batchSize ?? 1000;
    let after = '';
    for (;;) {
      const page = await this.page(programId, policy, cutoff, after, batchSize);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      report.guestsScanned += page.length;
      const candidates = page.filter((g) => Number(g.maybe_due) === 1).map((g) => g.id);
      if (candidates.length === 0) continue;
      const moved = await this.expireBatch(programId, policy, candidates, now);
      report.guestsExpired += moved.guests;
      report.pointsExpired += moved.points;
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
    const ledgers = await this.ledgers(this.db, [guestId]);
    return expirationBuckets(ledgers.get(guestId) ?? [], policy, now, activityOf(guest));
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
   * inactivity — no activity since the cutoff; monthly buckets — some credit older than the cutoff.
   */
  private async page(programId: string, policy: ExpiryPolicy, cutoff: string, after: string, limit: number) {
    const maybeDue =
      policy.kind === 'inactivity'
        ? sql<number>`case when last_activity_at <= ${cutoff} or (last_activity_at is null and created_at <= ${cutoff}) then 1 else 0 end`
        : sql<number>`case when exists (select 1 from points_ledger l where l.guest_id = guests.id and l.points > 0 and l.created_at < ${cutoff}) then 1 else 0 end`;
    return this.db
      .selectFrom('guests')
      .select(['id', maybeDue.as('maybe_due')])
      .where('program_id', '=', programId)
      .where('id', '>', after)
      .where('balance', '>', 0)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  private async ledgers(db: Kysely<Database>, guestIds: string[]): Promise<Map<string, ExpiryLedgerEntry[]>> {
    const out = new Map<string, ExpiryLedgerEntry[]>();
    if (guestIds.length === 0) return out;
    const rows = await db
      .selectFrom('points_ledger')
      .select(['guest_id', 'kind', 'points', 'created_at', 'transaction_id'])
      .where('guest_id', 'in', guestIds)
      .orderBy('guest_id')
      .orderBy('created_at')
      .execute();
    for (const r of rows) {
      let list = out.get(r.guest_id);
      if (!list) {
        list = [];
        out.set(r.guest_id, list);
      }
      list.push({ kind: r.kind, points: r.points, createdAt: r.created_at, transactionId: r.transaction_id });
    }
    return out;
  }

  /** One transaction: lock the guests, recompute from the ledger, write EXPIRE entries and events. */
  private async expireBatch(programId: string, policy: ExpiryPolicy, guestIds: string[], now: Date): Promise<{ guests: number; points: number }> {
    const nowIso = now.toISOString();
    return this.db.transaction().execute(async (trx) => {
      // Row locks where the engine has them (the engines that skip locked rows lock them too), so a
      // concurrent sale waits; SQLite serialises writers, and a write after a stale read fails.
      const locked = await trx
        .selectFrom('guests')
        .select(['id', 'balance', 'last_activity_at', 'created_at'])
        .where('program_id', '=', programId)
        .where('id', 'in', guestIds)
        .$if(capabilitiesOf(trx).skipLocked, (q) => q.forUpdate())
        .execute();
      const ledgers = await this.ledgers(trx, locked.map((g) => g.id));
      const events: { id: string; program_id: string; type: 'points.expired'; payload: string; created_at: string }[] = [];
      let points = 0;
      for (const g of locked) {
        const due = pointsDue(ledgers.get(g.id) ?? [], policy, now, activityOf(g));
        const take = Math.min(due.points, g.balance);
        if (take <= 0) continue;
        const balance = await postEntries(trx, programId, g.id, [{ kind: 'EXPIRE', points: -take, transactionId: null, reason: expiryReason(policy, due.buckets) }], nowIso);
        points += take;
        const data: PointsExpiredData = {
          guestId: g.id,
          points: take,
          balance,
          policy,
          buckets: due.buckets.map((b) => ({ points: b.points, expiresAt: b.expiresAt, ...(b.earnedMonth ? { earnedMonth: b.earnedMonth } : {}) })),
          expiredAt: nowIso,
        };
        events.push({ id: timeOrderedId(now.getTime()), program_id: programId, type: 'points.expired', payload: JSON.stringify(data), created_at: nowIso });
      }
      // One statement for the batch's events (the outbox's enqueueEvent writes one at a time).
      if (events.length > 0) await trx.insertInto('outbox_events').values(events).execute();
      return { guests: events.length, points };
    });
  }
}

/**
 * A UUIDv7 (time-ordered): a night's hundreds of thousands of events land at the end of the
 * outbox's primary-key index instead of on random pages — fewer pages written per batch.
 */
function timeOrderedId(ms: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function activityOf(g: { last_activity_at: string | null; created_at: string }) {
  return { lastActivityAt: g.last_activity_at, createdAt: g.created_at };
}

function expiryReason(policy: ExpiryPolicy, buckets: ExpirationBucket[]): string {
  if (policy.kind === 'inactivity') return `inactivity: no purchase for ${policy.days} days`;
  if (policy.kind === 'monthly-buckets') return `monthly-buckets: earned ${buckets.map((b) => b.earnedMonth).join(', ')}`;
  return 'expired';
}
