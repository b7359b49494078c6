import type { Kysely, Selectable } from 'kysely';
import { changedFields } from '../../../domain/promotions/diff.ts';
import type { Manufacturer, Promotion, RejectedRecord } from '../../../domain/promotions/promotion.ts';
import type { Batch, Change, EnrollmentView, License, LicenseState, Location, SyncRun, SyncRunDetail } from '../../../app/cstore/model.ts';
import type {
  Database,
  LocationTable,
  ManufacturerEnrollmentTable,
  PromotionChangeTable,
  ScanDataLicenseTable,
  SyncRunTable,
  UpdateBatchTable,
} from '../schema.ts';

/** Rows of the c-store tables ↔ the use cases' shapes, and the few queries several use cases share. */

export function toLocation(row: Selectable<LocationTable>): Location {
  return {
    id: row.id,
    programId: row.program_id,
    name: row.name,
    address: row.address,
    timeZone: row.time_zone,
    posSystem: row.pos_system,
    outletIds: JSON.parse(row.outlet_ids) as Location['outletIds'],
    autoAccept: row.auto_accept === 1,
    integrationStatus: row.integration_status,
    syncTime: row.sync_time,
    outboxDir: row.outbox_dir,
    enrollmentError: row.enrollment_error,
    agentTokenPrefix: row.agent_token_prefix,
    registerStoreId: row.register_store_id,
    registerIds: row.register_ids,
    registerIdStart: row.register_id_start,
    storeId: row.store_id ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function licenseState(row: Pick<ScanDataLicenseTable, 'location_id' | 'starts_at' | 'expires_at'>, now: string): LicenseState {
  if (!row.location_id || !row.starts_at || !row.expires_at) return 'unassigned';
  if (row.expires_at <= now) return 'expired';
  return row.starts_at > now ? 'scheduled' : 'active';
}

export function toLicense(row: Selectable<ScanDataLicenseTable>, now: string): License {
  return {
    id: row.id,
    programId: row.program_id,
    term: row.term,
    boughtAt: row.bought_at,
    locationId: row.location_id,
    assignedAt: row.assigned_at,
    startsAt: row.starts_at,
    expiresAt: row.expires_at,
    state: licenseState(row, now),
  };
}

export function toEnrollmentView(row: Selectable<ManufacturerEnrollmentTable>): EnrollmentView {
  const masks = JSON.parse(row.masks) as { accountNumber?: string; clientId?: string; clientSecret?: string };
  return {
    programId: row.program_id,
    manufacturer: row.manufacturer as Manufacturer,
    mode: row.mode,
    outletId: row.outlet_id,
    outletName: row.outlet_name,
    email: row.email,
    accountNumber: masks.accountNumber ?? null,
    clientId: masks.clientId ?? null,
    clientSecret: masks.clientSecret ?? null,
    baseUrl: row.base_url,
    status: row.status,
    statusReason: row.status_reason,
    updatedAt: row.updated_at,
  };
}

export function toSyncRun(row: Selectable<SyncRunTable>): SyncRun {
  return {
    id: row.id,
    programId: row.program_id,
    locationId: row.location_id,
    manufacturer: row.manufacturer as Manufacturer,
    trigger: row.trigger,
    asOf: row.as_of,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    status: row.status,
    pages: row.pages,
    added: row.added,
    modified: row.modified,
    ended: row.ended,
    rejected: row.rejected,
    superseded: row.superseded,
    errorCode: row.error_code,
    error: row.error,
    batchId: row.batch_id,
  };
}

export function toSyncRunDetail(row: Selectable<SyncRunTable>): SyncRunDetail {
  return { ...toSyncRun(row), rejectedRecords: JSON.parse(row.rejected_records) as RejectedRecord[] };
}

const parsePromotion = (text: string | null): Promotion | null => (text === null ? null : (JSON.parse(text) as Promotion));

export function toChange(row: Selectable<PromotionChangeTable>): Change {
  const before = parsePromotion(row.before);
  const after = parsePromotion(row.after);
  return {
    id: row.id,
    locationId: row.location_id,
    manufacturer: row.manufacturer as Manufacturer,
    externalId: row.external_id,
    kind: row.kind,
    before,
    after,
    changedFields: before && after ? changedFields(before, after) : [],
    status: row.status,
    reason: row.reason,
    syncRunId: row.sync_run_id,
    batchId: row.batch_id,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
  };
}

export type BatchRow = Omit<Selectable<UpdateBatchTable>, 'content'>;

export function toBatch(row: BatchRow): Batch {
  return {
    id: row.id,
    programId: row.program_id,
    locationId: row.location_id,
    seq: row.seq,
    acceptedBy: row.accepted_by,
    acceptedByName: row.accepted_by_name,
    acceptedAt: row.accepted_at,
    state: row.state,
    format: row.format,
    filename: row.filename,
    changeCount: row.change_count,
    summary: JSON.parse(row.summary) as Batch['summary'],
    deliveredAt: row.delivered_at,
    deliveryCount: row.delivery_count,
    acknowledgedAt: row.acknowledged_at,
    ackMessage: row.ack_message,
    outboxPath: row.outbox_path,
    updatedAt: row.updated_at,
  };
}

/** Every batch column except the (large) rendered content. */
export const BATCH_COLUMNS = [
  'id',
  'program_id',
  'location_id',
  'seq',
  'accepted_by',
  'accepted_by_name',
  'accepted_at',
  'idempotency_key',
  'state',
  'format',
  'filename',
  'change_count',
  'summary',
  'delivered_at',
  'delivery_count',
  'acknowledged_at',
  'ack_message',
  'outbox_path',
  'updated_at',
] as const satisfies readonly (keyof UpdateBatchTable)[];

/**
 * Serializes writers of one location's queue, register and batches: the first statement of the
 * transaction is a write to the location row. PostgreSQL holds that row lock until commit; SQLite
 * takes its write lock at once (so a later upgrade can't deadlock across processes).
 * Returns false when the location does not exist.
 */
export async function lockLocation(trx: Kysely<Database>, locationId: string): Promise<boolean> {
  const r = await trx
    .updateTable('locations')
    .set((eb) => ({ batch_seq: eb.ref('batch_seq') }))
    .where('id', '=', locationId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function findLocationRow(db: Kysely<Database>, locationId: string): Promise<Selectable<LocationTable> | undefined> {
  return db.selectFrom('locations').selectAll().where('id', '=', locationId).executeTakeFirst();
}

/** The license that currently covers a location (active now), or the latest one that did. */
export async function currentLicense(db: Kysely<Database>, locationId: string, now: string): Promise<Selectable<ScanDataLicenseTable> | undefined> {
  const active = await db
    .selectFrom('scan_data_licenses')
    .selectAll()
    .where('location_id', '=', locationId)
    .where('starts_at', '<=', now)
    .where('expires_at', '>', now)
    .orderBy('expires_at', 'desc')
    .executeTakeFirst();
  if (active) return active;
  return db.selectFrom('scan_data_licenses').selectAll().where('location_id', '=', locationId).orderBy('expires_at', 'desc').executeTakeFirst();
}

/** Register state of one location for one manufacturer. */
export async function registerState(db: Kysely<Database>, locationId: string, manufacturer: string): Promise<Promotion[]> {
  const rows = await db
    .selectFrom('location_promotions')
    .select('promotion')
    .where('location_id', '=', locationId)
    .where('manufacturer', '=', manufacturer)
    .orderBy('external_id')
    .execute();
  return rows.map((r) => JSON.parse(r.promotion) as Promotion);
}

/** Splits rows into chunks small enough for one INSERT on either engine (bound-parameter limits). */
export function chunks<T>(rows: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(8000 / Math.max(1, columns)));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
