import { type ExpiryOptions, type ExpiryRunReport, ExpiryService } from '../app/expiry.service.ts';
import type { JobContext, ScheduledJob } from './job.ts';

export const EXPIRE_POINTS_JOB_ID = 'expire-points';

export type ExpirePointsJobContext = Pick<JobContext, 'db'> & Partial<Pick<JobContext, 'now' | 'log' | 'observer'>> & { options?: ExpiryOptions };

/**
 * Expires points under each program's policy (`inactivity` or `monthly-buckets`): EXPIRE ledger
 * entries and a `points.expired` event per guest, in batches of one database transaction each.
 * Daily (the scheduler fires it hourly); a second run the same UTC day writes nothing, so a retried or doubled schedule is harmless.
 *
 * @example
 * await expirePointsJob.run({ db }); // → [{ programId, runDate: '2026-11-26', guestsExpired: 12, pointsExpired: 3400, skipped: null, … }]
 */
export const expirePointsJob = {
  id: EXPIRE_POINTS_JOB_ID,
  /**
   * every hour at :15: the first run of a UTC day does the work and later ones find it done, so a
   * server that was down overnight catches up within the hour
   */
  schedule: '15 * * * *',
  queue: { policy: 'singleton', retryLimit: 2, retryDelay: 60, retryBackoff: true, expireInSeconds: 4 * 3600 },
  async run(ctx: ExpirePointsJobContext): Promise<ExpiryRunReport[]> {
    const reports = await new ExpiryService(ctx.db.kysely).runAll((ctx.now ?? (() => new Date()))(), ctx.options);
    const done = reports.filter((r) => !r.skipped);
    for (const r of done) ctx.observer?.pointsExpired(r.programId, r.pointsExpired);
    if (done.length)
      ctx.log?.info(
        { programs: done.map((r) => ({ programId: r.programId, guestsExpired: r.guestsExpired, pointsExpired: r.pointsExpired, ms: r.ms })) },
        'points expired',
      );
    return reports;
  },
} satisfies ScheduledJob;
