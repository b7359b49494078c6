import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { BATCH_COLUMNS, findLocationRow, toBatch, toChange } from '../../adapters/db/repositories/cstore.repository.ts';
import { writeAudit } from '../../adapters/db/repositories/outbox.repository.ts';
import type { BatchState, Database } from '../../adapters/db/schema.ts';
import { AppError } from '../../errors.ts';
import { type CstoreDeps, auditActor } from './deps.ts';
import type { Actor, Batch, Change } from './model.ts';

export interface BatchDetail extends Batch {
  changes: Change[];
}

export interface BatchContent {
  batch: Batch;
  filename: string;
  contentType: string;
  content: string;
}

export interface AckInput {
  status: 'success' | 'error';
  message?: string;
}

export const CONTENT_TYPES = { naxml: 'application/xml; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

/**
 * Pushing accepted batches to the register: a POS-side agent pulls ready batches and acknowledges
 * each, or batches are written into the location's outbox folder. ready → delivered →
 * acknowledged | failed; any batch can be sent again.
 */
export class DeliveryService {
  constructor(private readonly deps: CstoreDeps) {}

  private get db(): Kysely<Database> {
    return this.deps.db.kysely;
  }

  private now(): string {
    return this.deps.clock().toISOString();
  }

  async list(locationId: string, state?: BatchState, limit = 100): Promise<Batch[]> {
    let q = this.db.selectFrom('update_batches').select(BATCH_COLUMNS).where('location_id', '=', locationId);
    if (state) q = q.where('state', '=', state);
    const rows = await q.orderBy('seq', 'desc').limit(Math.min(limit, 1000)).execute();
    return rows.map(toBatch);
  }

  async get(batchId: string): Promise<BatchDetail> {
    const row = await this.db.selectFrom('update_batches').select(BATCH_COLUMNS).where('id', '=', batchId).executeTakeFirst();
    if (!row) throw new AppError('BatchNotFound', `No update batch ${batchId}`);
    const changes = await this.db.selectFrom('promotion_changes').selectAll().where('batch_id', '=', batchId).orderBy('created_at').orderBy('id').execute();
    return { ...toBatch(row), changes: changes.map(toChange) };
  }

  /** The batch's file as the register gets it. */
  async content(batchId: string, locationId?: string): Promise<BatchContent> {
    const row = await this.db.selectFrom('update_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
    if (!row || (locationId && row.location_id !== locationId)) throw new AppError('BatchNotFound', `No update batch ${batchId}`);
    return { batch: toBatch(row), filename: row.filename, contentType: CONTENT_TYPES[row.format], content: row.content };
  }

  /** What the location's agent still has to apply: ready batches, and delivered ones it never acknowledged. Oldest first. */
  async agentQueue(locationId: string): Promise<Batch[]> {
    const rows = await this.db
      .selectFrom('update_batches')
      .select(BATCH_COLUMNS)
      .where('location_id', '=', locationId)
      .where('state', 'in', ['ready', 'delivered'])
      .orderBy('seq')
      .limit(100)
      .execute();
    return rows.map(toBatch);
  }

  /** The agent downloads a batch: ready becomes delivered. Downloading again is harmless. */
  async agentDownload(locationId: string, batchId: string): Promise<BatchContent> {
    const c = await this.content(batchId, locationId);
    const now = this.now();
    await this.db
      .updateTable('update_batches')
      .set((eb) => ({
        state: eb.case().when('state', '=', 'ready').then('delivered' as BatchState).else(eb.ref('state')).end(),
        delivered_at: eb.fn.coalesce('delivered_at', eb.val(now)),
        delivery_count: eb('delivery_count', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', batchId)
      .execute();
    const after = await this.db.selectFrom('update_batches').select(BATCH_COLUMNS).where('id', '=', batchId).executeTakeFirstOrThrow();
    return { ...c, batch: toBatch(after) };
  }

  /**
   * The agent reports the register applied the batch (success) or could not (error, with its
   * message). Repeating the same report is harmless; contradicting an earlier one is 409.
   */
  async acknowledge(locationId: string, batchId: string, ack: AckInput, actor: Actor): Promise<Batch> {
    if (ack.status !== 'success' && ack.status !== 'error') throw new AppError('ValidationError', 'status must be success or error', { field: 'status' });
    const message = ack.message?.trim() || null;
    if (ack.status === 'error' && !message) throw new AppError('ValidationError', 'message is required when status is error', { field: 'message' });
    if (message && message.length > 2000) throw new AppError('ValidationError', 'message is at most 2000 characters', { field: 'message' });
    const target: BatchState = ack.status === 'success' ? 'acknowledged' : 'failed';
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('update_batches').select(BATCH_COLUMNS).where('id', '=', batchId).executeTakeFirst();
      if (!row || row.location_id !== locationId) throw new AppError('BatchNotFound', `No update batch ${batchId}`);
      if (row.state === target) return toBatch(row);
      if (row.state !== 'ready' && row.state !== 'delivered') {
        throw new AppError('InvalidTransition', `batch ${row.seq} is already ${row.state}; an admin can send it again`, { state: row.state });
      }
      const r = await trx
        .updateTable('update_batches')
        .set({ state: target, acknowledged_at: now, ack_message: message, delivered_at: row.delivered_at ?? now, updated_at: now })
        .where('id', '=', batchId)
        .where('state', '=', row.state)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new AppError('Conflict', 'the batch changed meanwhile; read it again');
      await writeAudit(trx, { program_id: row.program_id, ...auditActor(actor), action: `batch.${target}`, entity_type: 'update_batch', entity_id: batchId, before: { state: row.state }, after: { state: target }, reason: message }, now);
      return toBatch({ ...row, state: target, acknowledged_at: now, ack_message: message, delivered_at: row.delivered_at ?? now, updated_at: now });
    });
  }

  /** Send again: any batch goes back to ready (and into the outbox folder, if the location has one). */
  async resend(batchId: string, actor: Actor): Promise<Batch> {
    const now = this.now();
    const row = await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('update_batches').select(BATCH_COLUMNS).where('id', '=', batchId).executeTakeFirst();
      if (!row) throw new AppError('BatchNotFound', `No update batch ${batchId}`);
      await trx.updateTable('update_batches').set({ state: 'ready', acknowledged_at: null, ack_message: null, updated_at: now }).where('id', '=', batchId).execute();
      await writeAudit(trx, { program_id: row.program_id, ...auditActor(actor), action: 'batch.resent', entity_type: 'update_batch', entity_id: batchId, before: { state: row.state, ackMessage: row.ack_message }, after: { state: 'ready' }, reason: null }, now);
      return row;
    });
    await this.writeOutbox(row.location_id);
    return toBatch((await this.db.selectFrom('update_batches').select(BATCH_COLUMNS).where('id', '=', batchId).executeTakeFirstOrThrow()));
  }

  /**
   * Writes the location's ready batches into its outbox folder (write to a temporary name, then
   * rename, so a register never reads half a file) and marks them delivered. A folder that cannot
   * be written leaves them ready and says why in the log. Returns the paths written.
   */
  async writeOutbox(locationId: string): Promise<string[]> {
    const loc = await findLocationRow(this.db, locationId);
    if (!loc?.outbox_dir) return [];
    const ready = await this.db.selectFrom('update_batches').select(['id', 'filename', 'content']).where('location_id', '=', locationId).where('state', '=', 'ready').orderBy('seq').execute();
    const written: string[] = [];
    for (const b of ready) {
      const path = join(loc.outbox_dir, b.filename);
      try {
        await mkdir(loc.outbox_dir, { recursive: true });
        await writeFile(`${path}.part`, b.content, 'utf8');
        await rename(`${path}.part`, path);
      } catch (e) {
        this.deps.log.warn({ locationId, batchId: b.id, dir: loc.outbox_dir, error: (e as Error).message }, 'could not write the batch to the outbox folder');
        break;
      }
      const now = this.now();
      await this.db
        .updateTable('update_batches')
        .set((eb) => ({ state: 'delivered', outbox_path: path, delivered_at: now, delivery_count: eb('delivery_count', '+', 1), updated_at: now }))
        .where('id', '=', b.id)
        .where('state', '=', 'ready')
        .execute();
      written.push(path);
    }
    return written;
  }
}
