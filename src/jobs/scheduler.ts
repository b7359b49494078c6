import { Cron } from 'croner';
import type PgBoss from 'pg-boss';
import type { Db } from '../adapters/db/database.ts';
import { JOBS, type JobId } from './index.ts';
import type { JobContext, ScheduledJob } from './job.ts';
import { defaultWorkerId } from './rjr-sync.job.ts';

/**
 * Runs the scheduled jobs of a server process: every job of `JOBS` (./index.ts) on its schedule.
 *
 * Embedded (SQLite): croner in-process. PostgreSQL: pg-boss, so that several server processes
 * behind a load balancer share the work: pg-boss fires each cron tick once across all processes;
 * a job with `fanOut` (the RJR sync) turns its tick into one queued job per due item (singleton
 * per key) that every process's workers take from the queue; a job whose process died is retried.
 */
export interface JobScheduler {
  kind: 'croner' | 'pg-boss';
  /** Runs a job's tick now (as the schedule would), e.g. from tests or an operator command. */
  trigger(jobId: JobId): Promise<void>;
  stop(): Promise<void>;
}

export interface SchedulerDeps extends Omit<JobContext, 'now' | 'workerId'> {
  /** the database URL, for pg-boss's own connection pool (PostgreSQL only) */
  databaseUrl: string;
  /** default: the cstore's clock */
  now?: () => Date;
  workerId?: string;
  /** pg-boss settings; the schema defaults to `<db schema>_pgboss`, else `pgboss` */
  pgBoss?: { schema?: string | null; pollingIntervalSeconds?: number };
  /** default: every job of `JOBS` */
  jobs?: readonly ScheduledJob[];
}

export async function startScheduler(deps: SchedulerDeps): Promise<JobScheduler> {
  return deps.db.engine === 'postgres' ? startPgBossScheduler(deps) : startCronerScheduler(deps);
}

/** The pg-boss schema for a database: the configured one (`TILLPOINT_PGBOSS_SCHEMA`), else beside the application's own schema. */
export function pgBossSchema(db: Db, configured: string | null = null): string {
  return configured ?? (db.schema ? `${db.schema}_pgboss` : 'pgboss');
}

function contextOf(deps: SchedulerDeps): JobContext {
  return {
    db: deps.db,
    cstore: deps.cstore,
    log: deps.log,
    ...(deps.observer ? { observer: deps.observer } : {}),
    now: deps.now ?? deps.cstore.deps.clock,
    workerId: deps.workerId ?? defaultWorkerId(),
  };
}

/** Runs one tick or job, timing it for the observer; errors still reach the caller. */
async function timed(ctx: JobContext, job: string, work: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  try {
    await work();
    ctx.observer?.jobRun(job, 'ok', (performance.now() - t0) / 1000);
  } catch (e) {
    ctx.observer?.jobRun(job, 'failed', (performance.now() - t0) / 1000);
    throw e;
  }
}

function jobById(jobs: readonly ScheduledJob[], id: string): ScheduledJob {
  const job = jobs.find((j) => j.id === id);
  if (!job) throw new Error(`no scheduled job ${id}`);
  return job;
}

function startCronerScheduler(deps: SchedulerDeps): JobScheduler {
  const ctx = contextOf(deps);
  const jobs: readonly ScheduledJob[] = deps.jobs ?? JOBS;
  const tick = (job: ScheduledJob) => timed(ctx, job.id, () => job.run(ctx));
  const crons = jobs.map(
    (job) =>
      new Cron(
        job.schedule,
        {
          name: `tillpoint:${job.id}`,
          protect: true,
          unref: true,
          catch: (e) => ctx.log.error({ job: job.id, error: (e as Error).message }, 'scheduled job failed'),
        },
        () => tick(job),
      ),
  );
  return {
    kind: 'croner',
    trigger: (id) => tick(jobById(jobs, id)),
    async stop() {
      for (const c of crons) c.stop();
    },
  };
}

async function startPgBossScheduler(deps: SchedulerDeps): Promise<JobScheduler> {
  const ctx = contextOf(deps);
  const jobs: readonly ScheduledJob[] = deps.jobs ?? JOBS;
  // pg-boss is loaded only here: a process on SQLite never pays for it.
  const { default: PgBossClass } = await import('pg-boss');
  const boss = new PgBossClass({
    connectionString: deps.databaseUrl,
    schema: deps.pgBoss?.schema ?? pgBossSchema(deps.db),
    max: 4,
    application_name: 'tillpoint-jobs',
  });
  boss.on('error', (e: Error) => ctx.log.error({ error: e.message }, 'pg-boss error'));
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
  const polling = { pollingIntervalSeconds: deps.pgBoss?.pollingIntervalSeconds ?? 2 };
  /** a tick: the job's work, or with `fanOut` the queuing of its due items */
  const tick = (job: ScheduledJob) =>
    timed(ctx, job.id, async () => {
      if (!job.fanOut) return job.run(ctx);
      for (const item of await job.fanOut.due(ctx)) await boss.send(job.fanOut.queue, item.data, { singletonKey: item.key });
    });
  for (const job of jobs) {
    await ensureQueue(job.id, job.queue);
    if (job.fanOut) await ensureQueue(job.fanOut.queue, job.fanOut.options);
    await boss.schedule(job.id, job.schedule);
    await boss.work(job.id, polling, () => tick(job));
    const fanOut = job.fanOut;
    if (!fanOut) continue;
    // Every process adds its own workers.
    for (let i = 0; i < (fanOut.workers?.(ctx) ?? 1); i++) {
      await boss.work<object>(fanOut.queue, { ...polling, batchSize: 1 }, async ([item]) => {
        if (item) await timed(ctx, fanOut.queue, () => fanOut.runOne(ctx, item.data));
      });
    }
  }

  return {
    kind: 'pg-boss',
    trigger: (id) => tick(jobById(jobs, id)),
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 15_000 });
    },
  };
}
