import type { Cstore } from '../app/cstore/cstore.ts';
import { SYSTEM_ACTOR } from '../app/cstore/deps.ts';
import type { JobContext, ScheduledJob } from './job.ts';

export const SCANDATA_WEEKLY_JOB_ID = 'scandata-weekly';

export type ScanDataWeeklyJobContext = { cstore: Cstore } & Partial<Pick<JobContext, 'now' | 'log'>>;

export interface ScanDataWeeklyOutcome {
  accountId: string;
  manufacturer: string;
  weekStart: string;
  /** generated now, kept (a file existed: idempotent, a held week stays held) or failed */
  outcome: 'generated' | 'kept' | 'failed';
  state?: string;
  error?: string;
}

/**
 * Generates last week's scan-data file of every account (RJR Monday–Sunday, Altria
 * Sunday–Saturday: the week before the one running in US Eastern time). Idempotent per account and
 * week: an account whose week has a file — generated, held, submitted — is left as it is, so the
 * hourly ticks on Monday and Tuesday after the first find nothing to do, and a server down on
 * Monday morning catches up.
 *
 * @example
 * await scanDataWeeklyJob.run({ cstore, now: () => new Date('2026-12-07T12:00:00Z') });
 * // → [{ accountId, manufacturer: 'rjr', weekStart: '2026-11-30', outcome: 'generated', state: 'generated' }, …]
 */
export const scanDataWeeklyJob = {
  id: SCANDATA_WEEKLY_JOB_ID,
  /** hourly at :20 on Mondays and Tuesdays (UTC); the first tick after the week ended does the work */
  schedule: '20 * * * 1,2',
  queue: { policy: 'singleton', retryLimit: 1, retryDelay: 300, expireInSeconds: 4 * 3600 },
  async run(ctx: ScanDataWeeklyJobContext): Promise<ScanDataWeeklyOutcome[]> {
    const now = (ctx.now ?? ctx.cstore.deps.clock)();
    const sd = ctx.cstore.scanData;
    const out: ScanDataWeeklyOutcome[] = [];
    for (const account of await sd.accountsFor({})) {
      const week = sd.lastEndedWeek(account, now);
      try {
        const r = await sd.generate(account.id, week.start, SYSTEM_ACTOR, { onlyIfMissing: true });
        out.push({
          accountId: account.id,
          manufacturer: account.manufacturer,
          weekStart: week.start,
          outcome: r.generated ? 'generated' : 'kept',
          state: r.submission.state,
        });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        ctx.log?.error({ accountId: account.id, week: week.start, err: error }, 'scan-data generation failed');
        out.push({ accountId: account.id, manufacturer: account.manufacturer, weekStart: week.start, outcome: 'failed', error });
      }
    }
    const generated = out.filter((o) => o.outcome === 'generated');
    if (generated.length) ctx.log?.info({ files: generated }, 'scan-data files generated');
    return out;
  },
} satisfies ScheduledJob;
