import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findLocationRow, toBatch } from '../../adapters/db/repositories/cstore.repository.ts';
import { writeAudit } from '../../adapters/db/repositories/outbox.repository.ts';
import { changesOfBatch } from '../../adapters/db/repositories/promotion-changes.repository.ts';
import {
  batchesOfLocation,
  findBatch,
  findBatchWithContent,
  markDownloaded,
  markReadyAgain,
  markWrittenToOutbox,
  openBatches,
  readyBatchFiles,
  settleBatch,
} from '../../adapters/db/repositories/update-batches.repository.ts';
import { type Tx, inTransaction } from '../../adapters/db/tx.ts';
import { AppError } from '../../errors.ts';
import { type CstoreDeps, auditActor } from './deps.ts';
import type { Actor, Batch, BatchState, Change } from './model.ts';

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

  private get db(): Tx {
    return this.deps.db.kysely;
  }

  private now(): string {
    return this.deps.clock().toISOString();
  }

  async list(locationId: string, state?: BatchState, limit = 100): Promise<Batch[]> {
    return batchesOfLocation(this.db, locationId, state, Math.min(limit, 1000));
  }

  async get(batchId: string): Promise<BatchDetail> {
    const row = await findBatch(this.db, batchId);
    if (!row) throw new AppError('BatchNotFound', `No update batch ${batchId}`);
    return { ...toBatch(row), changes: await changesOfBatch(this.db, batchId) };
  }

  /** The batch's file as the register gets it. */
  async content(batchId: string, locationId?: string): Promise<BatchContent> {
    const row = await findBatchWithContent(this.db, batchId);
    if (!row || (locationId && row.location_id !== locationId)) throw new AppError('BatchNotFound', `No update batch ${batchId}`);
    return { batch: toBatch(row), filename: row.filename, contentType: CONTENT_TYPES[row.format], content: row.content };
  }

  /** What the location's agent still has to apply: ready batches, and delivered ones it never acknowledged. Oldest first. */
  async agentQueue(locationId: string): Promise<Batch[]> {
    return openBatches(this.db, locationId, 100);
  }

  /** The agent downloads a batch: ready becomes delivered. Downloading again is harmless. */
  async agentDownload(locationId: string, batchId: string): Promise<BatchContent> {
    const c = await this.content(batchId, locationId);
    const now = this.now();
    await markDownloaded(this.db, batchId, now);
    return { ...c, batch: toBatch((await findBatch(this.db, batchId))!) };
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
    return inTransaction(this.db, async (trx) => {
      const row = await findBatch(trx, batchId);
      if (!row || row.location_id !== locationId) throw new AppError('BatchNotFound', `No update batch ${batchId}`);
      if (row.state === target) return toBatch(row);
      if (row.state !== 'ready' && row.state !== 'delivered') {
        throw new AppError('InvalidTransition', `batch ${row.seq} is already ${row.state}; an admin can send it again`, { state: row.state });
      }
      if (!(await settleBatch(trx, batchId, row.state, { state: target, ackMessage: message, deliveredAt: row.delivered_at ?? now, at: now })))
        throw new AppError('Conflict', 'the batch changed meanwhile; read it again');
      await writeAudit(
        trx,
        {
          program_id: row.program_id,
          ...auditActor(actor),
          action: `batch.${target}`,
          entity_type: 'update_batch',
          entity_id: batchId,
          before: { state: row.state },
          after: { state: target },
          reason: message,
        },
        now,
      );
      return toBatch({ ...row, state: target, acknowledged_at: now, ack_message: message, delivered_at: row.delivered_at ?? now, updated_at: now });
    });
  }

  /** Send again: any batch goes back to ready (and into the outbox folder, if the location has one). */
  async resend(batchId: string, actor: Actor): Promise<Batch> {
    const now = this.now();
    const row = await inTransaction(this.db, async (trx) => {
      const row = await findBatch(trx, batchId);
      if (!row) throw new AppError('BatchNotFound', `No update batch ${batchId}`);
      await markReadyAgain(trx, batchId, now);
      await writeAudit(
        trx,
        {
          program_id: row.program_id,
          ...auditActor(actor),
          action: 'batch.resent',
          entity_type: 'update_batch',
          entity_id: batchId,
          before: { state: row.state, ackMessage: row.ack_message },
          after: { state: 'ready' },
          reason: null,
        },
        now,
      );
      return row;
    });
    await this.writeOutbox(row.location_id);
    return toBatch((await findBatch(this.db, batchId))!);
  }

  /**
   * Writes the location's ready batches into its outbox folder (write to a temporary name, then
   * rename, so a register never reads half a file) and marks them delivered. A folder that cannot
   * be written leaves them ready and says why in the log. Returns the paths written.
   */
  async writeOutbox(locationId: string): Promise<string[]> {
    const loc = await findLocationRow(this.db, locationId);
    if (!loc?.outbox_dir) return [];
    const ready = await readyBatchFiles(this.db, locationId);
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
      await markWrittenToOutbox(this.db, b.id, path, now);
      written.push(path);
    }
    return written;
  }
}
