import type { Db } from '../adapters/db/database.ts';
import { type ExpiryOptions, type ExpiryRunReport, ExpiryService } from '../app/expiry.service.ts';

export const EXPIRE_POINTS_JOB = 'expire-points';

export interface ExpirePointsJobContext {
  db: Db;
  now?: () => Date;
  options?: ExpiryOptions;
}

/**
 * Expires points under each program's policy (`inactivity` or `monthly-buckets`): EXPIRE ledger
 * entries and a `points.expired` event per guest, in batches of one database transaction each.
 * Daily (the scheduler fires it hourly); a second run the same UTC day writes nothing, so a retried or doubled schedule is harmless.
 *
 * @example
 * await expirePointsJob.run({ db }); // → [{ programId, runDate: '2026-11-26', guestsExpired: 12, pointsExpired: 3400, skipped: null, … }]
 */
export const expirePointsJob = {
  id: EXPIRE_POINTS_JOB,
  /**
   * every hour at :15: the first run of a UTC day does the work and later ones find it done, so a
   * server that was down overnight catches up within the hour
   */
  schedule: '15 * * * *',
  async run(ctx: ExpirePointsJobContext): Promise<ExpiryRunReport[]> {
    return new ExpiryService(ctx.db.kysely).runAll((ctx.now ?? (() => new Date()))(), ctx.options);
  },
};
