import type PgBoss from 'pg-boss';
import type { Db } from '../adapters/db/database.ts';
import type { Cstore } from '../app/cstore/cstore.ts';
import type { Logger } from '../app/ports/logger.ts';

/** The part of the one Logger port (app/ports/logger.ts) the jobs use. */
export type JobLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** What the scheduler reports as it works (Prometheus metrics in `serve`). */
export interface JobObserver {
  /** a job's tick or queued job finished: how long it took, and whether it threw */
  jobRun(job: string, outcome: 'ok' | 'failed', seconds: number): void;
  /** a scheduled location sync ended with this sync-run status */
  syncRun(status: string): void;
  pointsExpired(programId: string, points: number): void;
}

/** Everything a scheduled job may use; the composition root (`server.ts`) builds it once. */
export interface JobContext {
  db: Db;
  cstore: Cstore;
  now: () => Date;
  log: JobLogger;
  observer?: JobObserver;
  /** who claims work, in claim rows (host:pid:random by default) */
  workerId: string;
}

/** pg-boss queue settings of a job's tick (PostgreSQL). */
export type JobQueueOptions = Omit<PgBoss.Queue, 'name'>;

/**
 * A scheduled job: an id (exported as a constant), a five-field cron `schedule` (croner and
 * pg-boss both read it) and `run(ctx)`, which does one tick's work and reports it through
 * `ctx.log` / `ctx.observer`. Add a job by writing one and listing it in `JOBS` (`./index.ts`).
 *
 * On PostgreSQL a job with `fanOut` spreads its work over every server process: the tick only
 * finds the items due and queues one pg-boss job each (singleton per key); every process's workers
 * then run `fanOut.runOne`.
 *
 * @example
 * export const HELLO_JOB_ID = 'hello';
 * export const helloJob = {
 *   id: HELLO_JOB_ID,
 *   schedule: '0 * * * *',
 *   queue: { policy: 'singleton', retryLimit: 0 },
 *   async run(ctx) { ctx.log.info({}, 'hello'); },
 * } satisfies ScheduledJob;
 */
export interface ScheduledJob {
  readonly id: string;
  readonly schedule: string;
  readonly queue: JobQueueOptions;
  run(ctx: JobContext): Promise<unknown>;
  readonly fanOut?: {
    queue: string;
    options: JobQueueOptions;
    /** workers per process (default 1) */
    workers?(ctx: JobContext): number;
    due(ctx: JobContext): Promise<{ key: string; data: object }[]>;
    runOne(ctx: JobContext, data: object): Promise<void>;
  };
}
