import { findLocationRow, lockLocation, toBatch, toChange, toLocation } from '../../adapters/db/repositories/cstore.repository.ts';
import { type LocationRow, updateLocations } from '../../adapters/db/repositories/locations.repository.ts';
import { writeAudit } from '../../adapters/db/repositories/outbox.repository.ts';
import {
  type ChangeRow,
  changesByIds,
  changesOfLocation,
  decideChanges,
  markAccepted,
  pendingChanges,
} from '../../adapters/db/repositories/promotion-changes.repository.ts';
import {
  type RegisterNumber,
  applyToRegister,
  batchByIdempotencyKey,
  insertBatch,
  insertRegisterNumbers,
  registerEntries,
  registerNumbers,
} from '../../adapters/db/repositories/update-batches.repository.ts';
import type { UpdateBatchTable } from '../../adapters/db/schema.ts';
import { type Tx, inTransaction } from '../../adapters/db/tx.ts';
import { promotionKey } from '../../domain/promotions/diff.ts';
import type { Manufacturer, Promotion, PromotionChange } from '../../domain/promotions/promotion.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import type { RenderBatch } from '../ports/pricebook-renderer.ts';
import { type CstoreDeps, auditActor } from './deps.ts';
import type { Actor, Batch, Change, ChangeStatus, RegisterEntry } from './model.ts';

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

/** The Cash Register Updates Manager: the review queue, Accept / Reject, register state, batch history. */
export class ReviewService {
  constructor(private readonly deps: CstoreDeps) {}

  private get db(): Tx {
    return this.deps.db.kysely;
  }

  async listChanges(locationId: string, q: ChangeQuery = {}): Promise<Change[]> {
    return changesOfLocation(this.db, locationId, { status: q.status, before: q.before, limit: Math.min(q.limit ?? 500, 5000) });
  }

  async register(locationId: string): Promise<RegisterEntry[]> {
    return registerEntries(this.db, locationId);
  }

  /**
   * Accept Changes: the selected (or all) pending changes of one location become one update batch,
   * rendered for the location's POS, and the register state moves with them — in one transaction.
   * Any id that is not a pending change of this location fails the whole request, writing nothing.
   */
  async accept(locationId: string, req: AcceptRequest, actor: Actor): Promise<AcceptResult> {
    if (!req.all && !(req.changeIds && req.changeIds.length))
      throw new AppError('ValidationError', 'send changeIds, or all: true to accept every pending change', { field: 'changeIds' });
    if (req.all && req.changeIds?.length) throw new AppError('ValidationError', 'send either changeIds or all: true, not both', { field: 'all' });
    const now = this.deps.clock().toISOString();
    const out = await inTransaction(this.db, async (trx) => {
      if (!(await lockLocation(trx, locationId))) throw new AppError('LocationNotFound', `No location ${locationId}`);
      const loc = (await findLocationRow(trx, locationId))!;
      if (req.idempotencyKey) {
        const earlier = await batchByIdempotencyKey(trx, locationId, req.idempotencyKey);
        if (earlier) return { batch: toBatch(earlier), replayed: true, row: null };
      }
      const rows = req.all ? await pendingRows(trx, locationId) : await this.selected(trx, locationId, req.changeIds!);
      if (rows.length === 0) throw new AppError('NothingToAccept', 'There are no pending changes at this location');
      const batch = await acceptRows(trx, loc, rows, actor, now, req.idempotencyKey ?? null, this.deps.renderBatch);
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
    return inTransaction(this.db, async (trx) => {
      if (!(await lockLocation(trx, locationId))) throw new AppError('LocationNotFound', `No location ${locationId}`);
      const rows = await this.selected(trx, locationId, changeIds);
      const ids = rows.map((r) => r.id);
      await decideChanges(trx, ids, { status: 'rejected', reason: why, at: now, by: actor.id });
      const programId = rows[0]!.program_id;
      await writeAudit(
        trx,
        {
          program_id: programId,
          ...auditActor(actor),
          action: 'changes.rejected',
          entity_type: 'location',
          entity_id: locationId,
          after: { changeIds: ids },
          reason: why,
        },
        now,
      );
      return { rejected: rows.map((r) => toChange({ ...r, status: 'rejected', reason: why, decided_at: now, decided_by: actor.id })) };
    });
  }

  /** The named changes, all pending at this location, or a 4xx that names the offenders. */
  private async selected(trx: Tx, locationId: string, changeIds: string[]): Promise<ChangeRow[]> {
    const ids = [...new Set(changeIds)];
    const rows = await changesByIds(trx, ids);
    const found = new Map(rows.map((r) => [r.id, r]));
    const missing = ids.filter((id) => found.get(id)?.location_id !== locationId);
    if (missing.length)
      throw new AppError('ChangeNotFound', `${missing.length} change(s) are not changes of this location`, { changeIds: missing.slice(0, 50) });
    const decided = rows.filter((r) => r.status !== 'pending');
    if (decided.length) {
      throw new AppError('ChangeNotPending', `${decided.length} change(s) were already decided`, {
        changes: decided.slice(0, 50).map((r) => ({ id: r.id, status: r.status, batchId: r.batch_id })),
      });
    }
    return ids.map((id) => found.get(id)!).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }
}

/** Pending changes of a location, oldest first. */
export async function pendingRows(trx: Tx, locationId: string): Promise<ChangeRow[]> {
  return pendingChanges(trx, locationId);
}

const parse = (text: string | null): Promotion | null => (text === null ? null : (JSON.parse(text) as Promotion));

/**
 * Inside the caller's transaction (the location already locked): the rows become accepted, the
 * register state follows them and one rendered update batch is written. Returns the batch row.
 */
export async function acceptRows(
  trx: Tx,
  loc: LocationRow,
  rows: ChangeRow[],
  actor: Actor,
  now: string,
  idempotencyKey: string | null,
  renderBatch: RenderBatch,
): Promise<UpdateBatchTable> {
  const seq = loc.batch_seq + 1;
  const batchId = newId();
  const changes: PromotionChange[] = rows.map((r) => ({ kind: r.kind, externalId: r.external_id, before: parse(r.before), after: parse(r.after) }));
  const registerNumbers = loc.register_ids === 'numeric' ? await registerNumbersFor(trx, loc, rows, now) : undefined;
  const rendered = renderBatch({ batchId, seq, createdAt: now, location: toLocation(loc), changes, registerNumbers });
  const summary = { add: 0, modify: 0, end: 0 };
  for (const c of changes) summary[c.kind]++;

  await updateLocations(trx, loc.id, { batchSeq: seq });
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
  await insertBatch(trx, batch);

  // Register state: adds and modifies put the after-state, ends remove.
  const puts = rows.filter((r) => r.after !== null).map((r) => ({ manufacturer: r.manufacturer, externalId: r.external_id, promotion: r.after! }));
  const ends = rows.filter((r) => r.after === null).map((r) => ({ manufacturer: r.manufacturer, externalId: r.external_id }));
  await applyToRegister(trx, loc.id, batchId, now, puts, ends);
  await markAccepted(
    trx,
    rows.map((r) => r.id),
    { batchId, at: now, by: actor.id },
  );
  await writeAudit(
    trx,
    {
      program_id: loc.program_id,
      ...auditActor(actor),
      action: 'changes.accepted',
      entity_type: 'update_batch',
      entity_id: batchId,
      after: { locationId: loc.id, seq, summary, changes: rows.length },
      reason: null,
    },
    now,
  );
  return batch;
}

/**
 * The register numbers of the batch's promotions at a numeric location, handing out the next free
 * number (from `register_id_start`) to a promotion seen for the first time. A number stays with its
 * promotion for good, so a later modify or end hits the same register record; numbers are never
 * reused. The caller holds the location lock.
 */
async function registerNumbersFor(trx: Tx, loc: LocationRow, rows: ChangeRow[], now: string): Promise<Map<string, number>> {
  const known = await registerNumbers(trx, loc.id);
  const numbers = new Map(known.map((k) => [promotionKey({ manufacturer: k.manufacturer as Manufacturer, externalId: k.externalId }), k.registerNo]));
  let next = known.reduce((n, k) => Math.max(n, k.registerNo + 1), loc.register_id_start);
  const fresh: RegisterNumber[] = [];
  for (const r of rows) {
    const key = promotionKey({ manufacturer: r.manufacturer as Manufacturer, externalId: r.external_id });
    if (numbers.has(key)) continue;
    numbers.set(key, next);
    fresh.push({ manufacturer: r.manufacturer, externalId: r.external_id, registerNo: next });
    next++;
  }
  await insertRegisterNumbers(trx, loc.id, fresh, now);
  return numbers;
}
