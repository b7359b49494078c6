import type { Batch, BatchState, BatchTally, RegisterEntry } from '../../../app/cstore/model.ts';
import type { Promotion } from '../../../domain/promotions/promotion.ts';
import type { UpdateBatchTable } from '../schema.ts';
import type { Tx } from '../tx.ts';
import { BATCH_COLUMNS, type BatchRow, chunks, toBatch } from './cstore.repository.ts';

/**
 * A location's cash register: the update batches sent to it, the promotions it holds (register
 * state) and the register numbers handed out at numeric locations.
 */

export type { BatchRow };

/** Batches per state, the newest sequence number and the newest acknowledged batch, per location. */
export async function batchTallies(db: Tx, locationIds: readonly string[]): Promise<Map<string, BatchTally>> {
  const tallies = new Map<string, BatchTally>(locationIds.map((id) => [id, { counts: {}, lastSeq: null, lastApplied: null }]));
  for (const part of chunks(locationIds, 1)) {
    const counts = await db
      .selectFrom('update_batches')
      .select(['location_id', 'state', (eb) => eb.fn.countAll<string | number>().as('n'), (eb) => eb.fn.max('seq').as('max_seq')])
      .where('location_id', 'in', part)
      .groupBy(['location_id', 'state'])
      .execute();
    for (const c of counts) {
      const t = tallies.get(c.location_id)!;
      t.counts[c.state] = Number(c.n);
      t.lastSeq = Math.max(t.lastSeq ?? 0, Number(c.max_seq));
    }
    const applied = await db
      .selectFrom('update_batches as b')
      .select(['b.location_id', 'b.seq', 'b.acknowledged_at'])
      .where('b.location_id', 'in', part)
      .where('b.state', '=', 'acknowledged')
      .where('b.seq', '=', (eb) =>
        eb
          .selectFrom('update_batches as n')
          .select((e) => e.fn.max('n.seq').as('s'))
          .whereRef('n.location_id', '=', 'b.location_id')
          .where('n.state', '=', 'acknowledged'),
      )
      .execute();
    for (const a of applied) tallies.get(a.location_id)!.lastApplied = { seq: Number(a.seq), at: a.acknowledged_at };
  }
  return tallies;
}

export async function hasBatches(db: Tx, locationId: string): Promise<boolean> {
  return !!(await db.selectFrom('update_batches').select('id').where('location_id', '=', locationId).limit(1).executeTakeFirst());
}

/** The batch (without its content), or undefined. */
export async function findBatch(db: Tx, batchId: string): Promise<BatchRow | undefined> {
  return db.selectFrom('update_batches').select(BATCH_COLUMNS).where('id', '=', batchId).executeTakeFirst();
}

/** The batch with its rendered content, or undefined. */
export async function findBatchWithContent(db: Tx, batchId: string): Promise<UpdateBatchTable | undefined> {
  return db.selectFrom('update_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
}

export async function batchByIdempotencyKey(db: Tx, locationId: string, key: string): Promise<BatchRow | undefined> {
  return db.selectFrom('update_batches').select(BATCH_COLUMNS).where('location_id', '=', locationId).where('idempotency_key', '=', key).executeTakeFirst();
}

/** A location's batches, newest first (of one state, when given). */
export async function batchesOfLocation(db: Tx, locationId: string, state: BatchState | undefined, limit: number): Promise<Batch[]> {
  let q = db.selectFrom('update_batches').select(BATCH_COLUMNS).where('location_id', '=', locationId);
  if (state) q = q.where('state', '=', state);
  return (await q.orderBy('seq', 'desc').limit(limit).execute()).map(toBatch);
}

/** Ready and delivered batches of a location, oldest first: what its POS agent still has to apply. */
export async function openBatches(db: Tx, locationId: string, limit: number): Promise<Batch[]> {
  const rows = await db
    .selectFrom('update_batches')
    .select(BATCH_COLUMNS)
    .where('location_id', '=', locationId)
    .where('state', 'in', ['ready', 'delivered'])
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toBatch);
}

/** Ready batches of a location with their files, oldest first. */
export async function readyBatchFiles(db: Tx, locationId: string): Promise<{ id: string; filename: string; content: string }[]> {
  return db
    .selectFrom('update_batches')
    .select(['id', 'filename', 'content'])
    .where('location_id', '=', locationId)
    .where('state', '=', 'ready')
    .orderBy('seq')
    .execute();
}

export async function insertBatch(db: Tx, batch: UpdateBatchTable): Promise<void> {
  await db.insertInto('update_batches').values(batch).execute();
}

/** A download by the POS agent: a ready batch becomes delivered (first delivery time kept), counted. */
export async function markDownloaded(db: Tx, batchId: string, now: string): Promise<void> {
  await db
    .updateTable('update_batches')
    .set((eb) => ({
      state: eb
        .case()
        .when('state', '=', 'ready')
        .then('delivered' as BatchState)
        .else(eb.ref('state'))
        .end(),
      delivered_at: eb.fn.coalesce('delivered_at', eb.val(now)),
      delivery_count: eb('delivery_count', '+', 1),
      updated_at: now,
    }))
    .where('id', '=', batchId)
    .execute();
}

/** The file was written to the outbox folder: a still-ready batch becomes delivered there. */
export async function markWrittenToOutbox(db: Tx, batchId: string, path: string, now: string): Promise<void> {
  await db
    .updateTable('update_batches')
    .set((eb) => ({ state: 'delivered', outbox_path: path, delivered_at: now, delivery_count: eb('delivery_count', '+', 1), updated_at: now }))
    .where('id', '=', batchId)
    .where('state', '=', 'ready')
    .execute();
}

/** The agent's answer, applied only while the batch is still in state `from`. Returns whether it was. */
export async function settleBatch(
  db: Tx,
  batchId: string,
  from: BatchState,
  s: { state: BatchState; ackMessage: string | null; deliveredAt: string; at: string },
): Promise<boolean> {
  const r = await db
    .updateTable('update_batches')
    .set({ state: s.state, acknowledged_at: s.at, ack_message: s.ackMessage, delivered_at: s.deliveredAt, updated_at: s.at })
    .where('id', '=', batchId)
    .where('state', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** An admin sends the batch again: ready, its earlier answer forgotten. */
export async function markReadyAgain(db: Tx, batchId: string, now: string): Promise<void> {
  await db.updateTable('update_batches').set({ state: 'ready', acknowledged_at: null, ack_message: null, updated_at: now }).where('id', '=', batchId).execute();
}

// ---- register state ----

export async function registerEntries(db: Tx, locationId: string): Promise<RegisterEntry[]> {
  const rows = await db
    .selectFrom('location_promotions')
    .selectAll()
    .where('location_id', '=', locationId)
    .orderBy('manufacturer')
    .orderBy('external_id')
    .execute();
  return rows.map((r) => ({ promotion: JSON.parse(r.promotion) as Promotion, batchId: r.batch_id, acceptedAt: r.accepted_at }));
}

export interface RegisterPut {
  manufacturer: string;
  externalId: string;
  /** the promotion as JSON text */
  promotion: string;
}

/** Adds and modifies put the after-state on the register, ends remove it. */
export async function applyToRegister(
  db: Tx,
  locationId: string,
  batchId: string,
  at: string,
  puts: readonly RegisterPut[],
  ends: readonly { manufacturer: string; externalId: string }[],
): Promise<void> {
  const upserts = puts.map((p) => ({
    location_id: locationId,
    manufacturer: p.manufacturer,
    external_id: p.externalId,
    promotion: p.promotion,
    batch_id: batchId,
    accepted_at: at,
  }));
  for (const part of chunks(upserts, 6)) {
    await db
      .insertInto('location_promotions')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['location_id', 'manufacturer', 'external_id']).doUpdateSet((eb) => ({
          promotion: eb.ref('excluded.promotion'),
          batch_id: eb.ref('excluded.batch_id'),
          accepted_at: eb.ref('excluded.accepted_at'),
        })),
      )
      .execute();
  }
  for (const e of ends) {
    await db
      .deleteFrom('location_promotions')
      .where('location_id', '=', locationId)
      .where('manufacturer', '=', e.manufacturer)
      .where('external_id', '=', e.externalId)
      .execute();
  }
}

export interface RegisterNumber {
  manufacturer: string;
  externalId: string;
  registerNo: number;
}

/** The register numbers handed out at a (numeric) location. */
export async function registerNumbers(db: Tx, locationId: string): Promise<RegisterNumber[]> {
  const rows = await db
    .selectFrom('location_register_ids')
    .select(['manufacturer', 'external_id', 'register_no'])
    .where('location_id', '=', locationId)
    .execute();
  return rows.map((r) => ({ manufacturer: r.manufacturer, externalId: r.external_id, registerNo: r.register_no }));
}

export async function insertRegisterNumbers(db: Tx, locationId: string, numbers: readonly RegisterNumber[], at: string): Promise<void> {
  const rows = numbers.map((n) => ({
    location_id: locationId,
    manufacturer: n.manufacturer,
    external_id: n.externalId,
    register_no: n.registerNo,
    created_at: at,
  }));
  for (const part of chunks(rows, 5)) await db.insertInto('location_register_ids').values(part).execute();
}
