import type { Kysely, Selectable } from 'kysely';
import {
  BATCH_COLUMNS,
  chunks,
  lockLocation,
  toBatch,
  toChange,
  toLocation,
} from '../../adapters/db/repositories/cstore.repository.ts';
import { writeAudit } from '../../adapters/db/repositories/outbox.repository.ts';
import type { ChangeStatus, Database, LocationTable, PromotionChangeTable, UpdateBatchTable } from '../../adapters/db/schema.ts';
import { promotionKey } from '../../domain/promotions/diff.ts';
import type { Manufacturer, Promotion, PromotionChange } from '../../domain/promotions/promotion.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { renderBatch } from './batch-render.ts';
import { type CstoreDeps, auditActor } from './deps.ts';
import type { Actor, Batch, Change, RegisterEntry } from './model.ts';

export interface AcceptRequest {
  /** the changes to accept; omit (with `all: true`) to accept every pending change */
  changeIds?: string[];
  all?: boolean;
  /** a repeated Accept with the same key answers the first one's batch and writes nothing */
  idempotencyKey?: string;
}

export interface AcceptResult {
  batch: Batch;
  /** true when this answer repeats an earlier Accept with the same idempotency key */
  replayed: boolean;
}

export interface ChangeQuery {
  status?: ChangeStatus;
  limit?: number;
  /** changes created before this change (its id), for paging */
  before?: string;
}

type ChangeRow = Selectable<PromotionChangeTable>;

/** The Cash Register Updates Manager: the review queue, Accept / Reject, register state, batch history. */
export class ReviewService {
  constructor(private readonly deps: CstoreDeps) {}

  private get db(): Kysely<Database> {
    return this.deps.db.kysely;
  }

  async listChanges(locationId: string, q: ChangeQuery = {}): Promise<Change[]> {
    let query = this.db.selectFrom('promotion_changes').selectAll().where('location_id', '=', locationId);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.before) {
      const cursor = await this.db.selectFrom('promotion_changes').select(['created_at', 'id']).where('id', '=', q.before).executeTakeFirst();
      if (cursor) query = query.where((eb) => eb.or([eb('created_at', '<', cursor.created_at), eb.and([eb('created_at', '=', cursor.created_at), eb('id', '<', cursor.id)])]));
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(Math.min(q.limit ?? 500, 5000)).execute();
    return rows.map(toChange);
  }

  async register(locationId: string): Promise<RegisterEntry[]> {
    const rows = await this.db.selectFrom('location_promotions').selectAll().where('location_id', '=', locationId).orderBy('manufacturer').orderBy('external_id').execute();
    return rows.map((r) => ({ promotion: JSON.parse(r.promotion) as Promotion, batchId: r.batch_id, acceptedAt: r.accepted_at }));
  }

  /**
   * Accept Changes: the selected (or all) pending changes of one location become one update batch,
   * rendered for the location's POS, and the register state moves with them — in one transaction.
   * Any id that is not a pending change of this location fails the whole request, writing nothing.
   */
  async accept(locationId: string, req: AcceptRequest, actor: Actor): Promise<AcceptResult> {
    if (!req.all && !(req.changeIds && req.changeIds.length)) throw new AppError('ValidationError', 'send changeIds, or all: true to accept every pending change', { field: 'changeIds' });
    if (req.all && req.changeIds?.length) throw new AppError('ValidationError', 'send either changeIds or all: true, not both', { field: 'all' });
    const now = this.deps.clock().toISOString();
    const out = await this.db.transaction().execute(async (trx) => {
      if (!(await lockLocation(trx, locationId))) throw new AppError('LocationNotFound', `No location ${locationId}`);
      const loc = await trx.selectFrom('locations').selectAll().where('id', '=', locationId).executeTakeFirstOrThrow();
      if (req.idempotencyKey) {
        const earlier = await trx.selectFrom('update_batches').select(BATCH_COLUMNS).where('location_id', '=', locationId).where('idempotency_key', '=', req.idempotencyKey).executeTakeFirst();
        if (earlier) return { batch: toBatch(earlier), replayed: true, row: null };
      }
      const rows = req.all ? await pendingRows(trx, locationId) : await this.selected(trx, locationId, req.changeIds!);
      if (rows.length === 0) throw new AppError('NothingToAccept', 'There are no pending changes at this location');
      const batch = await acceptRows(trx, loc, rows, actor, now, req.idempotencyKey ?? null);
      return { batch: toBatch(batch), replayed: false, row: batch };
    });
    return { batch: out.batch, replayed: out.replayed };
  }

  /** Reject selected pending changes with a reason. They stay in the history and are not queued again while the feed says the same. */
  async reject(locationId: string, changeIds: string[], reason: string, actor: Actor): Promise<{ rejected: Change[] }> {
    if (!changeIds.length) throw new AppError('ValidationError', 'changeIds must name at least one change', { field: 'changeIds' });
    const why = reason.trim();
    if (!why || why.length > 500) throw new AppError('ValidationError', 'reason is required (at most 500 characters)', { field: 'reason' });
    const now = this.deps.clock().toISOString();
    return this.db.transaction().execute(async (trx) => {
      if (!(await lockLocation(trx, locationId))) throw new AppError('LocationNotFound', `No location ${locationId}`);
      const rows = await this.selected(trx, locationId, changeIds);
      const ids = rows.map((r) => r.id);
      for (const part of chunks(ids, 1)) {
        await trx.updateTable('promotion_changes').set({ status: 'rejected', reason: why, decided_at: now, decided_by: actor.id }).where('id', 'in', part).execute();
      }
      const programId = rows[0]!.program_id;
      await writeAudit(trx, { program_id: programId, ...auditActor(actor), action: 'changes.rejected', entity_type: 'location', entity_id: locationId, after: { changeIds: ids }, reason: why }, now);
      return { rejected: rows.map((r) => toChange({ ...r, status: 'rejected', reason: why, decided_at: now, decided_by: actor.id })) };
    });
  }

  /** The named changes, all pending at this location, or a 4xx that names the offenders. */
  private async selected(trx: Kysely<Database>, locationId: string, changeIds: string[]): Promise<ChangeRow[]> {
    const ids = [...new Set(changeIds)];
    const rows: ChangeRow[] = [];
    for (const part of chunks(ids, 1)) rows.push(...(await trx.selectFrom('promotion_changes').selectAll().where('id', 'in', part).execute()));
    const found = new Map(rows.map((r) => [r.id, r]));
    const missing = ids.filter((id) => found.get(id)?.location_id !== locationId);
    if (missing.length) throw new AppError('ChangeNotFound', `${missing.length} change(s) are not changes of this location`, { changeIds: missing.slice(0, 50) });
    const decided = rows.filter((r) => r.status !== 'pending');
    if (decided.length) {
      throw new AppError('ChangeNotPending', `${decided.length} change(s) were already decided`, { changes: decided.slice(0, 50).map((r) => ({ id: r.id, status: r.status, batchId: r.batch_id })) });
    }
    return ids.map((id) => found.get(id)!).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }
}

/** Pending changes of a location, oldest first. */
export async function pendingRows(trx: Kysely<Database>, locationId: string): Promise<ChangeRow[]> {
  return trx.selectFrom('promotion_changes').selectAll().where('location_id', '=', locationId).where('status', '=', 'pending').orderBy('created_at').orderBy('id').execute();
}

const parse = (text: string | null): Promotion | null => (text === null ? null : (JSON.parse(text) as Promotion));

/**
 * Inside the caller's transaction (the location already locked): the rows become accepted, the
 * register state follows them and one rendered update batch is written. Returns the batch row.
 */
export async function acceptRows(
  trx: Kysely<Database>,
  loc: Selectable<LocationTable>,
  rows: ChangeRow[],
  actor: Actor,
  now: string,
  idempotencyKey: string | null,
): Promise<UpdateBatchTable> {
  const seq = loc.batch_seq + 1;
  const batchId = newId();
  const changes: PromotionChange[] = rows.map((r) => ({ kind: r.kind, externalId: r.external_id, before: parse(r.before), after: parse(r.after) }));
  const registerNumbers = loc.register_ids === 'numeric' ? await registerNumbersFor(trx, loc, rows, now) : undefined;
  const rendered = renderBatch({ batchId, seq, createdAt: now, location: toLocation(loc), changes, registerNumbers });
  const summary = { add: 0, modify: 0, end: 0 };
  for (const c of changes) summary[c.kind]++;

  await trx.updateTable('locations').set({ batch_seq: seq }).where('id', '=', loc.id).execute();
  const batch: UpdateBatchTable = {
    id: batchId,
    program_id: loc.program_id,
    location_id: loc.id,
    seq,
    accepted_by: actor.id,
    accepted_by_name: actor.name,
    accepted_at: now,
    idempotency_key: idempotencyKey,
    state: 'ready',
    format: rendered.format,
    filename: rendered.filename,
    content: rendered.content,
    change_count: rows.length,
    summary: JSON.stringify(summary),
    delivered_at: null,
    delivery_count: 0,
    acknowledged_at: null,
    ack_message: null,
    outbox_path: null,
    updated_at: now,
  };
  await trx.insertInto('update_batches').values(batch).execute();

  // Register state: adds and modifies put the after-state, ends remove.
  const upserts = rows.filter((r) => r.after !== null).map((r) => ({ location_id: loc.id, manufacturer: r.manufacturer, external_id: r.external_id, promotion: r.after!, batch_id: batchId, accepted_at: now }));
  for (const part of chunks(upserts, 6)) {
    await trx
      .insertInto('location_promotions')
      .values(part)
      .onConflict((oc) => oc.columns(['location_id', 'manufacturer', 'external_id']).doUpdateSet((eb) => ({ promotion: eb.ref('excluded.promotion'), batch_id: eb.ref('excluded.batch_id'), accepted_at: eb.ref('excluded.accepted_at') })))
      .execute();
  }
  const ends = rows.filter((r) => r.after === null);
  for (const r of ends) {
    await trx.deleteFrom('location_promotions').where('location_id', '=', loc.id).where('manufacturer', '=', r.manufacturer).where('external_id', '=', r.external_id).execute();
  }
  for (const part of chunks(rows.map((r) => r.id), 1)) {
    await trx.updateTable('promotion_changes').set({ status: 'accepted', batch_id: batchId, decided_at: now, decided_by: actor.id }).where('id', 'in', part).where('status', '=', 'pending').execute();
  }
  await writeAudit(trx, { program_id: loc.program_id, ...auditActor(actor), action: 'changes.accepted', entity_type: 'update_batch', entity_id: batchId, after: { locationId: loc.id, seq, summary, changes: rows.length }, reason: null }, now);
  return batch;
}

/**
 * The register numbers of the batch's promotions at a numeric location, handing out the next free
 * number (from `register_id_start`) to a promotion seen for the first time. A number stays with its
 * promotion for good, so a later modify or end hits the same register record; numbers are never
 * reused. The caller holds the location lock.
 */
async function registerNumbersFor(trx: Kysely<Database>, loc: Selectable<LocationTable>, rows: ChangeRow[], now: string): Promise<Map<string, number>> {
  const known = await trx.selectFrom('location_register_ids').select(['manufacturer', 'external_id', 'register_no']).where('location_id', '=', loc.id).execute();
  const numbers = new Map(known.map((k) => [promotionKey({ manufacturer: k.manufacturer as Manufacturer, externalId: k.external_id }), k.register_no]));
  let next = known.reduce((n, k) => Math.max(n, k.register_no + 1), loc.register_id_start);
  const fresh: { location_id: string; manufacturer: string; external_id: string; register_no: number; created_at: string }[] = [];
  for (const r of rows) {
    const key = promotionKey({ manufacturer: r.manufacturer as Manufacturer, externalId: r.external_id });
    if (numbers.has(key)) continue;
    numbers.set(key, next);
    fresh.push({ location_id: loc.id, manufacturer: r.manufacturer, external_id: r.external_id, register_no: next, created_at: now });
    next++;
  }
  for (const part of chunks(fresh, 5)) await trx.insertInto('location_register_ids').values(part).execute();
  return numbers;
}
