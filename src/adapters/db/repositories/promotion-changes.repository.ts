import type { Selectable } from 'kysely';
import type { Change, ChangeStatus } from '../../../app/cstore/model.ts';
import type { PromotionChangeTable } from '../schema.ts';
import type { Tx } from '../tx.ts';
import { chunks, toChange } from './cstore.repository.ts';

/** The review queue: promotion changes found by a sync, pending until accepted, rejected or superseded. */

export type ChangeRow = Selectable<PromotionChangeTable>;

/** Pending changes per location of the program. */
export async function pendingCountsOfProgram(db: Tx, programId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('promotion_changes')
    .select(['location_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('program_id', '=', programId)
    .where('status', '=', 'pending')
    .groupBy('location_id')
    .execute();
  return new Map(rows.map((p) => [p.location_id, Number(p.n)]));
}

export async function pendingCount(db: Tx, locationId: string): Promise<number> {
  const n = await db
    .selectFrom('promotion_changes')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('location_id', '=', locationId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(n.n);
}

/** A location's changes, newest first; `before` pages on from a change (its id). */
export async function changesOfLocation(db: Tx, locationId: string, q: { status?: ChangeStatus; before?: string; limit: number }): Promise<Change[]> {
  let query = db.selectFrom('promotion_changes').selectAll().where('location_id', '=', locationId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.before) {
    const cursor = await db.selectFrom('promotion_changes').select(['created_at', 'id']).where('id', '=', q.before).executeTakeFirst();
    if (cursor)
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', cursor.created_at), eb.and([eb('created_at', '=', cursor.created_at), eb('id', '<', cursor.id)])]),
      );
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
  return rows.map(toChange);
}

/** The changes with these ids that exist, whatever their location or status. */
export async function changesByIds(db: Tx, ids: readonly string[]): Promise<ChangeRow[]> {
  const rows: ChangeRow[] = [];
  for (const part of chunks(ids, 1)) rows.push(...(await db.selectFrom('promotion_changes').selectAll().where('id', 'in', part).execute()));
  return rows;
}

/** Pending changes of a location, oldest first. */
export async function pendingChanges(db: Tx, locationId: string): Promise<ChangeRow[]> {
  return db
    .selectFrom('promotion_changes')
    .selectAll()
    .where('location_id', '=', locationId)
    .where('status', '=', 'pending')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Rejected changes of one manufacturer at a location, oldest first. */
export async function rejectedChanges(db: Tx, locationId: string, manufacturer: string): Promise<ChangeRow[]> {
  return db
    .selectFrom('promotion_changes')
    .selectAll()
    .where('location_id', '=', locationId)
    .where('manufacturer', '=', manufacturer)
    .where('status', '=', 'rejected')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The changes an update batch carried, oldest first. */
export async function changesOfBatch(db: Tx, batchId: string): Promise<Change[]> {
  const rows = await db.selectFrom('promotion_changes').selectAll().where('batch_id', '=', batchId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toChange);
}

export async function insertChanges(db: Tx, rows: readonly ChangeRow[]): Promise<void> {
  for (const part of chunks(rows, 15)) await db.insertInto('promotion_changes').values(part).execute();
}

/** Rejected (with a reason) or superseded (by a sync): decided by someone other than Accept. */
export async function decideChanges(
  db: Tx,
  ids: readonly string[],
  d: { status: 'rejected' | 'superseded'; reason?: string; at: string; by: string },
): Promise<void> {
  for (const part of chunks(ids, 1)) {
    await db
      .updateTable('promotion_changes')
      .set({ status: d.status, ...(d.reason !== undefined ? { reason: d.reason } : {}), decided_at: d.at, decided_by: d.by })
      .where('id', 'in', part)
      .execute();
  }
}

/** The still-pending ones among these changes go into the batch. */
export async function markAccepted(db: Tx, ids: readonly string[], d: { batchId: string; at: string; by: string }): Promise<void> {
  for (const part of chunks(ids, 1)) {
    await db
      .updateTable('promotion_changes')
      .set({ status: 'accepted', batch_id: d.batchId, decided_at: d.at, decided_by: d.by })
      .where('id', 'in', part)
      .where('status', '=', 'pending')
      .execute();
  }
}

/** One accepted change as the history reads it: what the promotion became (JSON, null = ended) and when. */
export interface AcceptedChangeRow {
  location_id: string;
  manufacturer: string;
  external_id: string;
  /** JSON Promotion, or null for an end */
  after: string | null;
  decided_at: string;
}

/**
 * The accepted changes of these locations decided at or before `until` (an ISO instant), in
 * acceptance order per location (decided_at, then created_at and id: the order Accept applied them).
 * One query per 1,000 locations, served by the index `promotion_changes_history` (0015).
 */
export async function acceptedChangesUntil(db: Tx, locationIds: readonly string[], until: string): Promise<AcceptedChangeRow[]> {
  const out: AcceptedChangeRow[] = [];
  for (let i = 0; i < locationIds.length; i += 1000) {
    const part = locationIds.slice(i, i + 1000);
    const rows = await db
      .selectFrom('promotion_changes')
      .select(['location_id', 'manufacturer', 'external_id', 'after', 'decided_at'])
      .where('location_id', 'in', part)
      .where('status', '=', 'accepted')
      .where('decided_at', '<=', until)
      .orderBy('location_id')
      .orderBy('decided_at')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const r of rows) out.push({ ...r, decided_at: r.decided_at! });
  }
  return out;
}
