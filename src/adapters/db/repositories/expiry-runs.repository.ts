import type { ExpiryPolicy } from '../../../domain/expiry.ts';
import { newId } from '../../../lib/ids.ts';
import type { Tx } from '../tx.ts';

/** One row per program and UTC day the expiry job ran: a finished row makes a rerun that day a no-op. */
export interface ExpiryRun {
  id: string;
  startedAt: string;
  finishedAt: string | null;
}

export async function findExpiryRun(db: Tx, programId: string, runDate: string): Promise<ExpiryRun | null> {
  const row = await db
    .selectFrom('expiry_runs')
    .select(['id', 'started_at', 'finished_at'])
    .where('program_id', '=', programId)
    .where('run_date', '=', runDate)
    .executeTakeFirst();
  return row ? { id: row.id, startedAt: row.started_at, finishedAt: row.finished_at } : null;
}

/** Takes over a stale run (its start moves to `at`) unless another process did so first. */
export async function takeOverExpiryRun(db: Tx, run: ExpiryRun, at: string): Promise<boolean> {
  const taken = await db
    .updateTable('expiry_runs')
    .set({ started_at: at })
    .where('id', '=', run.id)
    .where('started_at', '=', run.startedAt)
    .returning('id')
    .executeTakeFirst();
  return taken !== undefined;
}

/** Whether a run with this cutoff and policy already finished (monthly buckets: nothing new is due). */
export async function finishedRunWithCutoff(db: Tx, programId: string, cutoff: string, policy: ExpiryPolicy): Promise<boolean> {
  const done = await db
    .selectFrom('expiry_runs')
    .select('id')
    .where('program_id', '=', programId)
    .where('cutoff', '=', cutoff)
    .where('policy', '=', JSON.stringify(policy))
    .where('finished_at', 'is not', null)
    .executeTakeFirst();
  return done !== undefined;
}

/** Starts today's run; null when another process started it first. */
export async function startExpiryRun(
  db: Tx,
  r: { programId: string; runDate: string; policy: ExpiryPolicy; cutoff: string; at: string },
): Promise<{ id: string } | null> {
  const id = newId();
  const inserted = await db
    .insertInto('expiry_runs')
    .values({
      id,
      program_id: r.programId,
      run_date: r.runDate,
      policy: JSON.stringify(r.policy),
      cutoff: r.cutoff,
      started_at: r.at,
      finished_at: null,
      guests_expired: 0,
      points_expired: 0,
    })
    .onConflict((oc) => oc.columns(['program_id', 'run_date']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted ? { id } : null;
}

export async function finishExpiryRun(db: Tx, id: string, r: { at: string; guestsExpired: number; pointsExpired: number }): Promise<void> {
  await db
    .updateTable('expiry_runs')
    .set({ finished_at: r.at, guests_expired: r.guestsExpired, points_expired: r.pointsExpired })
    .where('id', '=', id)
    .execute();
}
