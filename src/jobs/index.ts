import { EXPIRE_POINTS_JOB_ID, expirePointsJob } from './expire-points.job.ts';
import type { ScheduledJob } from './job.ts';
import { RJR_SYNC_JOB_ID, rjrSyncJob } from './rjr-sync.job.ts';
import { SCANDATA_WEEKLY_JOB_ID, scanDataWeeklyJob } from './scandata-weekly.job.ts';

export { EXPIRE_POINTS_JOB_ID, RJR_SYNC_JOB_ID, SCANDATA_WEEKLY_JOB_ID };

/**
 * Every scheduled job of a server process, in one list: the scheduler (`scheduler.ts`) runs each
 * on its `schedule`: croner in-process on SQLite, pg-boss across processes on PostgreSQL.
 *
 * - `rjr-sync`: every minute, the locations whose store-local sync time has come today are synced
 *   (once per location and store-local day, guaranteed by the `sync_claims` rows);
 * - `expire-points`: every hour at :15, points due under each program's expiry policy are expired
 *   (the first run of a UTC day does the work, later ones find it done);
 * - `scandata-weekly`: hourly on Mondays and Tuesdays, last week's scan-data file of every account
 *   (once per account and week; a held week stays held).
 *
 * Webhook delivery is not a cron job: `serve` keeps a delivery loop running (every 2 s), built by
 * the composition root beside the scheduler; `webhookDeliveryJob` is the same round as a job object
 * for hosts that prefer to run it from their own scheduler.
 */
export const JOBS = [rjrSyncJob, expirePointsJob, scanDataWeeklyJob] as const satisfies readonly ScheduledJob[];

export type JobId = (typeof JOBS)[number]['id'];
