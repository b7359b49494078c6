import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pLimit from 'p-limit';
import { syncingLocations } from '../adapters/db/repositories/locations.repository.ts';
import { claimedOn, finishSyncClaim, takeSyncClaim } from '../adapters/db/repositories/sync-runs.repository.ts';
import type { Tx } from '../adapters/db/tx.ts';
import type { Cstore } from '../app/cstore/cstore.ts';
import type { SyncRun } from '../app/cstore/model.ts';
import { localTimeAt } from '../domain/time.ts';
import type { JobContext, ScheduledJob } from './job.ts';

export const RJR_SYNC_JOB_ID = 'rjr-sync';
/** PostgreSQL: the queue of one (location, day) sync each, fed by the `rjr-sync` tick */
export const RJR_SYNC_LOCATION_QUEUE = 'rjr-sync-location';
const STALE_CLAIM_MS = 30 * 60_000;

export interface RjrSyncJobContext extends Partial<Pick<JobContext, 'log' | 'observer'>> {
  cstore: Cstore;
  /** who claims, in the claim rows; default host:pid:random */
  workerId?: string;
  /** default: the cstore's clock */
  now?: () => Date;
  /** a claim not finished after this long was abandoned (its process died) and may be taken over. Default 30 min. */
  staleClaimMs?: number;
  /** locations synced at once by this process; default the cstore config's syncConcurrency */
  concurrency?: number;
}

export interface RjrSyncRound {
  /** locations whose store-local sync time has passed today and that nobody has claimed yet */
  due: number;
  /** the ones this process won and ran */
  runs: SyncRun[];
  /** the ones another process won first */
  lostClaims: number;
}

export interface DueLocation {
  locationId: string;
  /** the store-local date the claim is for */
  day: string;
}

export const defaultWorkerId = (): string => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * Pilot and live locations whose daily sync is due: their store-local time has reached their sync
 * time (default 03:00) and no claim exists for their store-local date. A process that starts late
 * catches up the same day.
 */
export async function dueLocations(db: Tx, now: Date, defaultSyncTime: string): Promise<DueLocation[]> {
  const candidates: DueLocation[] = [];
  for (const r of await syncingLocations(db)) {
    const local = localTimeAt(now, r.timeZone);
    if (local.time >= (r.syncTime ?? defaultSyncTime)) candidates.push({ locationId: r.id, day: local.date });
  }
  if (!candidates.length) return [];
  const days = [...new Set(candidates.map((c) => c.day))];
  const claimed = new Set<string>();
  for (const day of days) {
    const ids = candidates.filter((c) => c.day === day).map((c) => c.locationId);
    for (const id of await claimedOn(db, day, ids)) claimed.add(`${id}|${day}`);
  }
  return candidates.filter((c) => !claimed.has(`${c.locationId}|${c.day}`));
}

/**
 * Takes the (location, day) claim: one INSERT … ON CONFLICT DO NOTHING, so of any number of
 * processes on one database exactly one wins. A claim left unfinished longer than `staleMs` (its
 * process died mid-sync) is taken over with a conditional UPDATE, again by exactly one.
 */
export async function claimDay(db: Tx, loc: DueLocation, workerId: string, now: Date, staleMs: number): Promise<boolean> {
  return takeSyncClaim(db, {
    locationId: loc.locationId,
    day: loc.day,
    workerId,
    at: now.toISOString(),
    staleBefore: new Date(now.getTime() - staleMs).toISOString(),
  });
}

/** Shuffled, so processes starting together spread over the locations instead of racing in step. */
function shuffle<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * Claims one due (location, day) and syncs it. `claimed: false` when another process holds the
 * claim; the claim is marked finished (with the run) whatever the sync's outcome, so a failed
 * sync is not retried by the schedule the same day: the operator re-runs it on demand.
 */
export async function syncDueLocation(
  cstore: Cstore,
  loc: DueLocation,
  opts: { workerId: string; now: () => Date; staleMs: number },
): Promise<{ claimed: boolean; run: SyncRun | null }> {
  const db = cstore.deps.db.kysely;
  if (!(await claimDay(db, loc, opts.workerId, opts.now(), opts.staleMs))) return { claimed: false, run: null };
  let run: SyncRun | null = null;
  try {
    run = await cstore.syncLocation(loc.locationId, { trigger: 'schedule' });
  } catch (e) {
    cstore.deps.log.error({ locationId: loc.locationId, day: loc.day, error: (e as Error).message }, 'scheduled promotion sync failed');
  } finally {
    await finishSyncClaim(db, { locationId: loc.locationId, day: loc.day, workerId: opts.workerId, at: opts.now().toISOString(), runId: run?.id ?? null });
  }
  return { claimed: true, run };
}

/**
 * The daily RJR sync as a scheduled job. Each tick runs every due location this process can
 * claim; the claim row makes each location sync once per store-local day however many server
 * processes share the database (embedded SQLite or PostgreSQL alike). On PostgreSQL the
 * scheduler (scheduler.ts) spreads the due locations over every process through pg-boss instead
 * of running whole rounds; both end in `syncDueLocation`.
 *
 * @example
 * const round = await rjrSyncJob.run({ cstore }); // → { due: 12, runs: [...], lostClaims: 0 }
 */
export const rjrSyncJob = {
  id: RJR_SYNC_JOB_ID,
  /** every minute, so each location starts within a minute of its store-local sync time */
  schedule: '* * * * *',
  // A tick is worth doing once: `singleton` lets one run at a time, a late one is simply skipped.
  queue: { policy: 'singleton', retryLimit: 0, expireInSeconds: 300 },
  async run(ctx: RjrSyncJobContext): Promise<RjrSyncRound> {
    const { cstore } = ctx;
    const opts = { workerId: ctx.workerId ?? defaultWorkerId(), now: ctx.now ?? cstore.deps.clock, staleMs: ctx.staleClaimMs ?? STALE_CLAIM_MS };
    const due = shuffle(await dueLocations(cstore.deps.db.kysely, opts.now(), cstore.deps.config.defaultSyncTime));
    const round: RjrSyncRound = { due: due.length, runs: [], lostClaims: 0 };
    const limit = pLimit(Math.max(1, ctx.concurrency ?? cstore.deps.config.syncConcurrency));
    await Promise.all(
      due.map((loc) =>
        limit(async () => {
          const outcome = await syncDueLocation(cstore, loc, opts);
          if (!outcome.claimed) round.lostClaims++;
          else if (outcome.run) round.runs.push(outcome.run);
        }),
      ),
    );
    for (const run of round.runs) reportSync(ctx, run);
    if (round.lostClaims) ctx.log?.info({ due: round.due, lostClaims: round.lostClaims }, 'rjr sync tick: other processes took some locations');
    return round;
  },
  // One job per (location, day); `stately` keeps at most one queued and one running per key. A
  // process that dies mid-sync leaves its job active until it expires, then it is retried; the
  // claim row (taken over once stale) still makes the location sync once that day.
  fanOut: {
    queue: RJR_SYNC_LOCATION_QUEUE,
    options: { policy: 'stately', retryLimit: 3, retryDelay: 60, retryBackoff: true, expireInSeconds: 1800 },
    /** as many workers in each process as the sync concurrency */
    workers: (ctx: JobContext) => Math.max(1, ctx.cstore.deps.config.syncConcurrency),
    async due(ctx: JobContext) {
      const due = await dueLocations(ctx.db.kysely, ctx.now(), ctx.cstore.deps.config.defaultSyncTime);
      if (due.length) ctx.log.info({ due: due.length }, 'rjr sync tick: locations queued');
      return due.map((loc) => ({ key: `${loc.locationId}|${loc.day}`, data: loc }));
    },
    async runOne(ctx: JobContext, data: object) {
      const outcome = await syncDueLocation(ctx.cstore, data as DueLocation, { workerId: ctx.workerId, now: ctx.now, staleMs: STALE_CLAIM_MS });
      if (outcome.run) reportSync(ctx, outcome.run);
    },
  },
} satisfies ScheduledJob;

function reportSync(ctx: Partial<Pick<JobContext, 'log' | 'observer'>>, run: SyncRun): void {
  ctx.log?.info({ locationId: run.locationId, status: run.status }, 'scheduled promotion sync');
  ctx.observer?.syncRun(run.status);
}
