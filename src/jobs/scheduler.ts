import { Cron } from 'croner';
import PgBoss from 'pg-boss';
import type { Db } from '../adapters/db/database.ts';
import type { Cstore } from '../app/cstore/cstore.ts';
import type { Logger } from '../app/ports/logger.ts';
import type { SyncRun } from '../app/cstore/model.ts';
import { EXPIRE_POINTS_JOB, expirePointsJob } from './expire-points.job.ts';
import { type DueLocation, RJR_SYNC_JOB_ID, defaultWorkerId, dueLocations, rjrSyncJob, syncDueLocation } from './rjr-sync.job.ts';

/**
 * Runs the scheduled jobs of a server process:
 *
 * - `rjr-sync`: every minute, the locations whose store-local sync time has come today are synced
 *   (once per location and store-local day, guaranteed by the `sync_claims` rows);
 * - `expire-points`: every hour at :15, points due under each program's expiry policy are expired
 *   (the first run of a UTC day does the work, later ones find it done; a server that was down at
 *   night catches up within the hour).
 *
 * Embedded (SQLite): croner in-process. PostgreSQL: pg-boss, so that several server processes
 * behind a load balancer share the work: pg-boss fires each cron tick once across all processes,
 * the tick enqueues one `rjr-sync-location` job per due location (singleton per location and day)
 * and every process's workers take jobs from that queue; a job whose process died is retried.
 */
export interface JobScheduler {
  kind: 'croner' | 'pg-boss';
  /** Runs a job's tick now (as the schedule would), e.g. from tests or an operator command. */
  trigger(jobId: SchedulerJobId): Promise<void>;
  stop(): Promise<void>;
}

export type SchedulerJobId = typeof RJR_SYNC_TICK | typeof EXPIRE_POINTS;

export const RJR_SYNC_TICK = RJR_SYNC_JOB_ID;
export const RJR_SYNC_LOCATION = 'rjr-sync-location';
export const EXPIRE_POINTS = EXPIRE_POINTS_JOB;

/** cron patterns (five fields: pg-boss and croner both read them) */
export const SCHEDULES: Record<SchedulerJobId, string> = {
  [RJR_SYNC_TICK]: rjrSyncJob.schedule,
  [EXPIRE_POINTS]: expirePointsJob.schedule,
};


/** What the scheduler reports as it works (Prometheus metrics in `serve`). */
export interface JobObserver {
  /** a job's tick or queued job finished: how long it took, and whether it threw */
  jobRun(job: string, outcome: 'ok' | 'failed', seconds: number): void;
  /** a scheduled location sync ended with this sync-run status */
  syncRun(status: string): void;
  pointsExpired(programId: string, points: number): void;
}

export interface SchedulerDeps {
  db: Db;
  observer?: JobObserver;
  /** the database URL, for pg-boss's own connection pool (PostgreSQL only) */
  databaseUrl: string;
  cstore: Cstore;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** default: the cstore's clock */
  now?: () => Date;
  workerId?: string;
  /** pg-boss settings; the schema defaults to TILLPOINT_PGBOSS_SCHEMA, else `<db schema>_pgboss`, else `pgboss` */
  pgBoss?: { schema?: string; pollingIntervalSeconds?: number };
}

export async function startScheduler(deps: SchedulerDeps): Promise<JobScheduler> {
  return deps.db.engine === 'postgres' ? startPgBossScheduler(deps) : startCronerScheduler(deps);
}

/** The pg-boss schema for a database: beside the application's own schema. */
export function pgBossSchema(db: Db, env: NodeJS.ProcessEnv = process.env): string {
  return env.TILLPOINT_PGBOSS_SCHEMA ?? (db.schema ? `${db.schema}_pgboss` : 'pgboss');
}

/** Runs one tick or job, timing it for the observer; errors still reach the caller. */
async function timed(deps: SchedulerDeps, job: string, work: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  try {
    await work();
    deps.observer?.jobRun(job, 'ok', (performance.now() - t0) / 1000);
  } catch (e) {
    deps.observer?.jobRun(job, 'failed', (performance.now() - t0) / 1000);
    throw e;
  }
}

function synced(deps: SchedulerDeps, run: SyncRun): void {
  deps.log.info({ locationId: run.locationId, status: run.status }, 'scheduled promotion sync');
  deps.observer?.syncRun(run.status);
}

async function expire(deps: SchedulerDeps): Promise<void> {
  const now = deps.now ?? deps.cstore.deps.clock;
  const done = (await expirePointsJob.run({ db: deps.db, now })).filter((r) => !r.skipped);
  for (const r of done) deps.observer?.pointsExpired(r.programId, r.pointsExpired);
  if (done.length) deps.log.info({ programs: done.map((r) => ({ programId: r.programId, guestsExpired: r.guestsExpired, pointsExpired: r.pointsExpired, ms: r.ms })) }, 'points expired');
}

function startCronerScheduler(deps: SchedulerDeps): JobScheduler {
  const workerId = deps.workerId ?? defaultWorkerId();
  const ticks: Record<SchedulerJobId, () => Promise<void>> = {
    [RJR_SYNC_TICK]: () =>
      timed(deps, RJR_SYNC_TICK, async () => {
        const round = await rjrSyncJob.run({ cstore: deps.cstore, workerId, ...(deps.now ? { now: deps.now } : {}) });
        for (const run of round.runs) synced(deps, run);
        if (round.lostClaims) deps.log.info({ due: round.due, lostClaims: round.lostClaims }, 'rjr sync tick: other processes took some locations');
      }),
    [EXPIRE_POINTS]: () => timed(deps, EXPIRE_POINTS, () => expire(deps)),
  };
  const crons = (Object.keys(ticks) as SchedulerJobId[]).map(
    (id) =>
      new Cron(SCHEDULES[id], { name: `tillpoint:${id}`, protect: true, unref: true, catch: (e) => deps.log.error({ job: id, error: (e as Error).message }, 'scheduled job failed') }, () => ticks[id]()),
  );
  return {
    kind: 'croner',
    trigger: (id) => ticks[id](),
    async stop() {
      for (const c of crons) c.stop();
    },
  };
}

async function startPgBossScheduler(deps: SchedulerDeps): Promise<JobScheduler> {
  const workerId = deps.workerId ?? defaultWorkerId();
  const now = deps.now ?? deps.cstore.deps.clock;
  const boss = new PgBoss({
    connectionString: deps.databaseUrl,
    schema: deps.pgBoss?.schema ?? pgBossSchema(deps.db),
    max: 4,
    application_name: 'tillpoint-jobs',
  });
  boss.on('error', (e: Error) => deps.log.error({ error: e.message }, 'pg-boss error'));
  await boss.start();

  // Processes starting together may deadlock creating the same queue (pg-boss creates a partition
  // per queue); creating is idempotent, so the loser simply tries again.
  const ensureQueue = async (name: string, options: Omit<PgBoss.Queue, 'name'>) => {
    for (let attempt = 1; ; attempt++) {
      if (await boss.getQueue(name)) return;
      try {
        return await boss.createQueue(name, { name, ...options });
      } catch (e) {
        if (attempt >= 5) throw e;
        await new Promise((r) => setTimeout(r, 100 * attempt + Math.random() * 100));
      }
    }
  };
  // A tick is worth doing once: `singleton` lets one run at a time, a late one is simply skipped.
  await ensureQueue(RJR_SYNC_TICK, { policy: 'singleton', retryLimit: 0, expireInSeconds: 300 });
  await ensureQueue(EXPIRE_POINTS, { policy: 'singleton', retryLimit: 2, retryDelay: 60, retryBackoff: true, expireInSeconds: 4 * 3600 });
  // One job per (location, day); `stately` keeps at most one queued and one running per key. A
  // process that dies mid-sync leaves its job active until it expires, then it is retried; the
  // claim row (taken over once stale) still makes the location sync once that day.
  await ensureQueue(RJR_SYNC_LOCATION, { policy: 'stately', retryLimit: 3, retryDelay: 60, retryBackoff: true, expireInSeconds: 1800 });
  for (const id of Object.keys(SCHEDULES) as SchedulerJobId[]) await boss.schedule(id, SCHEDULES[id]);

  const polling = { pollingIntervalSeconds: deps.pgBoss?.pollingIntervalSeconds ?? 2 };
  const enqueueDue = async () => {
    const due = await dueLocations(deps.db.kysely, now(), deps.cstore.deps.config.defaultSyncTime);
    for (const loc of due) await boss.send(RJR_SYNC_LOCATION, loc, { singletonKey: `${loc.locationId}|${loc.day}` });
    if (due.length) deps.log.info({ due: due.length }, 'rjr sync tick: locations queued');
  };
  await boss.work(RJR_SYNC_TICK, polling, () => timed(deps, RJR_SYNC_TICK, enqueueDue));
  await boss.work(EXPIRE_POINTS, polling, () => timed(deps, EXPIRE_POINTS, () => expire(deps)));
  // As many workers in this process as the sync concurrency; every process adds its own.
  const syncWorkers = Math.max(1, deps.cstore.deps.config.syncConcurrency);
  for (let i = 0; i < syncWorkers; i++) {
    await boss.work<DueLocation>(RJR_SYNC_LOCATION, { ...polling, batchSize: 1 }, async ([job]) => {
      if (!job) return;
      await timed(deps, RJR_SYNC_LOCATION, async () => {
        const outcome = await syncDueLocation(deps.cstore, job.data, { workerId, now, staleMs: 30 * 60_000 });
        if (outcome.run) synced(deps, outcome.run);
      });
    });
  }

  return {
    kind: 'pg-boss',
    async trigger(id) {
      if (id === RJR_SYNC_TICK) await timed(deps, RJR_SYNC_TICK, enqueueDue);
      else await timed(deps, EXPIRE_POINTS, () => expire(deps));
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 15_000 });
    },
  };
}
