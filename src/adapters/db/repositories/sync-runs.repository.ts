import type { LastSyncView, SyncRun, SyncRunDetail } from '../../../app/cstore/model.ts';
import type { SyncRunTable } from '../schema.ts';
import type { Tx } from '../tx.ts';
import { chunks, toSyncRun, toSyncRunDetail } from './cstore.repository.ts';

/** Promotion sync runs per location, and the daily claims that make a scheduled sync run once. */

/** The newest sync run per location (by start time; a tie goes to the larger id). */
export async function lastSyncs(db: Tx, locationIds: readonly string[]): Promise<Map<string, LastSyncView>> {
  const out = new Map<string, LastSyncView>();
  for (const part of chunks(locationIds, 1)) {
    const runs = await db
      .selectFrom('sync_runs as r')
      .select(['r.id', 'r.location_id', 'r.status', 'r.as_of', 'r.finished_at', 'r.rejected', 'r.error_code', 'r.error'])
      .where('r.location_id', 'in', part)
      .where('r.started_at', '=', (eb) =>
        eb
          .selectFrom('sync_runs as n')
          .select((e) => e.fn.max('n.started_at').as('s'))
          .whereRef('n.location_id', '=', 'r.location_id'),
      )
      .orderBy('r.id')
      .execute();
    for (const r of runs)
      out.set(r.location_id, {
        runId: r.id,
        status: r.status,
        asOf: r.as_of,
        finishedAt: r.finished_at,
        rejected: Number(r.rejected),
        errorCode: r.error_code,
        error: r.error,
      });
  }
  return out;
}

export async function hasSucceededRun(db: Tx, locationId: string): Promise<boolean> {
  return !!(await db.selectFrom('sync_runs').select('id').where('location_id', '=', locationId).where('status', '=', 'succeeded').limit(1).executeTakeFirst());
}

export async function insertSyncRun(db: Tx, row: SyncRunTable): Promise<SyncRun> {
  await db.insertInto('sync_runs').values(row).execute();
  return toSyncRun(row);
}

/** A location's runs, newest first. */
export async function runsOfLocation(db: Tx, locationId: string, limit: number): Promise<SyncRun[]> {
  const rows = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('location_id', '=', locationId)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toSyncRun);
}

export async function latestSucceededRun(db: Tx, locationId: string): Promise<SyncRunDetail | undefined> {
  const row = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('location_id', '=', locationId)
    .where('status', '=', 'succeeded')
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toSyncRunDetail(row);
}

export async function findSyncRun(db: Tx, runId: string): Promise<SyncRunDetail | undefined> {
  const row = await db.selectFrom('sync_runs').selectAll().where('id', '=', runId).executeTakeFirst();
  return row && toSyncRunDetail(row);
}

// ---- daily sync claims ----

/** Which of these locations already have a claim for the store-local day. */
export async function claimedOn(db: Tx, day: string, locationIds: readonly string[]): Promise<Set<string>> {
  const claimed = new Set<string>();
  for (let i = 0; i < locationIds.length; i += 5000) {
    const rows = await db
      .selectFrom('sync_claims')
      .select('location_id')
      .where('day', '=', day)
      .where('location_id', 'in', locationIds.slice(i, i + 5000))
      .execute();
    for (const row of rows) claimed.add(row.location_id);
  }
  return claimed;
}

/**
 * Takes the (location, day) claim: one INSERT … ON CONFLICT DO NOTHING, so of any number of
 * processes on one database exactly one wins. A claim left unfinished since before `staleBefore`
 * is taken over with a conditional UPDATE, again by exactly one.
 */
export async function takeSyncClaim(db: Tx, c: { locationId: string; day: string; workerId: string; at: string; staleBefore: string }): Promise<boolean> {
  const inserted = await db
    .insertInto('sync_claims')
    .values({ location_id: c.locationId, day: c.day, claimed_by: c.workerId, claimed_at: c.at, finished_at: null, run_id: null })
    .onConflict((oc) => oc.columns(['location_id', 'day']).doNothing())
    .returning('location_id')
    .executeTakeFirst();
  if (inserted) return true;
  const taken = await db
    .updateTable('sync_claims')
    .set({ claimed_by: c.workerId, claimed_at: c.at })
    .where('location_id', '=', c.locationId)
    .where('day', '=', c.day)
    .where('finished_at', 'is', null)
    .where('claimed_at', '<', c.staleBefore)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}

export async function finishSyncClaim(db: Tx, c: { locationId: string; day: string; workerId: string; at: string; runId: string | null }): Promise<void> {
  await db
    .updateTable('sync_claims')
    .set({ finished_at: c.at, run_id: c.runId })
    .where('location_id', '=', c.locationId)
    .where('day', '=', c.day)
    .where('claimed_by', '=', c.workerId)
    .execute();
}
