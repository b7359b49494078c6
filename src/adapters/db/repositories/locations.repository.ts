import type { Selectable } from 'kysely';
import type { Location } from '../../../app/cstore/model.ts';
import type { LocationTable } from '../schema.ts';
import type { IntegrationStatus } from '../../../domain/integration-status.ts';
import type { PosSystem } from '../../../domain/pos-system.ts';
import type { RegisterIdMode } from '../../../domain/register-id-mode.ts';
import type { Tx } from '../tx.ts';
import { toLocation } from './cstore.repository.ts';

/** The locations of c-store programs: their settings, integration status and POS agent token. */

export type LocationRow = Selectable<LocationTable>;

/** The program's locations by name (only those in one integration status, when given). */
export async function locationsOfProgram(db: Tx, programId: string, status?: IntegrationStatus): Promise<LocationRow[]> {
  let q = db.selectFrom('locations').selectAll().where('program_id', '=', programId);
  if (status) q = q.where('integration_status', '=', status);
  return q.orderBy('name').orderBy('id').execute();
}

/** A new location; `agentTokenHash` when it starts with a POS agent token (the demo seed). */
export async function insertLocation(db: Tx, loc: Location, agentTokenHash: string | null = null): Promise<void> {
  await db
    .insertInto('locations')
    .values({
      id: loc.id,
      program_id: loc.programId,
      name: loc.name,
      address: loc.address,
      time_zone: loc.timeZone,
      pos_system: loc.posSystem,
      outlet_ids: JSON.stringify(loc.outletIds),
      auto_accept: loc.autoAccept ? 1 : 0,
      integration_status: loc.integrationStatus,
      sync_time: loc.syncTime,
      outbox_dir: loc.outboxDir,
      enrollment_error: loc.enrollmentError,
      enrollment_error_at: null,
      agent_token_hash: agentTokenHash,
      agent_token_prefix: loc.agentTokenPrefix,
      batch_seq: 0,
      created_at: loc.createdAt,
      updated_at: loc.updatedAt,
      register_store_id: loc.registerStoreId,
      register_ids: loc.registerIds,
      register_id_start: loc.registerIdStart,
      store_id: loc.storeId,
    })
    .execute();
}

/** What an update of locations may change; absent fields stay as they are. */
export interface LocationChanges {
  name?: string;
  address?: string;
  timeZone?: string;
  posSystem?: PosSystem;
  outletIds?: Location['outletIds'];
  autoAccept?: boolean;
  integrationStatus?: IntegrationStatus;
  syncTime?: string | null;
  outboxDir?: string | null;
  registerStoreId?: string | null;
  registerIds?: RegisterIdMode;
  registerIdStart?: number;
  storeId?: string | null;
  /** the manufacturer's refusal of the outlet and when; null clears it */
  enrollmentError?: { reason: string; at: string } | null;
  agentToken?: { hash: string; prefix: string };
  batchSeq?: number;
  updatedAt?: string;
}

export async function updateLocations(db: Tx, ids: string | readonly string[], c: LocationChanges): Promise<void> {
  const set: Partial<LocationTable> = {};
  if (c.updatedAt !== undefined) set.updated_at = c.updatedAt;
  if (c.name !== undefined) set.name = c.name;
  if (c.address !== undefined) set.address = c.address;
  if (c.timeZone !== undefined) set.time_zone = c.timeZone;
  if (c.posSystem !== undefined) set.pos_system = c.posSystem;
  if (c.autoAccept !== undefined) set.auto_accept = c.autoAccept ? 1 : 0;
  if (c.integrationStatus !== undefined) set.integration_status = c.integrationStatus;
  if (c.syncTime !== undefined) set.sync_time = c.syncTime;
  if (c.outboxDir !== undefined) set.outbox_dir = c.outboxDir;
  if (c.registerStoreId !== undefined) set.register_store_id = c.registerStoreId;
  if (c.registerIds !== undefined) set.register_ids = c.registerIds;
  if (c.registerIdStart !== undefined) set.register_id_start = c.registerIdStart;
  if (c.storeId !== undefined) set.store_id = c.storeId;
  if (c.outletIds !== undefined) set.outlet_ids = JSON.stringify(c.outletIds);
  if (c.enrollmentError !== undefined) {
    set.enrollment_error = c.enrollmentError?.reason ?? null;
    set.enrollment_error_at = c.enrollmentError?.at ?? null;
  }
  if (c.agentToken) {
    set.agent_token_hash = c.agentToken.hash;
    set.agent_token_prefix = c.agentToken.prefix;
  }
  if (c.batchSeq !== undefined) set.batch_seq = c.batchSeq;
  const q = db.updateTable('locations').set(set);
  await (typeof ids === 'string' ? q.where('id', '=', ids) : q.where('id', 'in', ids)).execute();
}

/** Saving an enrollment again forgives every refused outlet of the program: the next sync tries again. */
export async function clearEnrollmentErrors(db: Tx, programId: string): Promise<void> {
  await db
    .updateTable('locations')
    .set({ enrollment_error: null, enrollment_error_at: null })
    .where('program_id', '=', programId)
    .where('enrollment_error', 'is not', null)
    .execute();
}

export async function locationByAgentTokenHash(db: Tx, tokenHash: string): Promise<Location | undefined> {
  const row = await db.selectFrom('locations').selectAll().where('agent_token_hash', '=', tokenHash).executeTakeFirst();
  return row && toLocation(row);
}

export interface SyncingLocation {
  id: string;
  name: string;
  programId: string;
  timeZone: string;
  syncTime: string | null;
}

const syncing = (r: Pick<LocationTable, 'id' | 'name' | 'program_id' | 'time_zone' | 'sync_time'>): SyncingLocation => ({
  id: r.id,
  name: r.name,
  programId: r.program_id,
  timeZone: r.time_zone,
  syncTime: r.sync_time,
});

/** Pilot and live locations (of one program, when given) by name: the ones the daily sync covers. */
export async function syncingLocations(db: Tx, programId: string | null = null): Promise<SyncingLocation[]> {
  let q = db.selectFrom('locations').select(['id', 'name', 'program_id', 'time_zone', 'sync_time']).where('integration_status', 'in', ['pilot', 'live']);
  if (programId) q = q.where('program_id', '=', programId);
  return (await q.orderBy('name').orderBy('id').execute()).map(syncing);
}

/** The named locations that exist, in no particular order. */
export async function locationsByIds(db: Tx, ids: readonly string[]): Promise<SyncingLocation[]> {
  if (!ids.length) return [];
  return (await db.selectFrom('locations').select(['id', 'name', 'program_id', 'time_zone', 'sync_time']).where('id', 'in', ids).execute()).map(syncing);
}

/** The program's Loyalty-API stores that a location links (usually none: restaurants), by id and store number: one query. */
export async function linkedStoresOf(db: Tx, programId: string): Promise<{ ids: Set<string>; numbers: Set<string> }> {
  const rows = await db
    .selectFrom('locations')
    .innerJoin('stores', 'stores.id', 'locations.store_id')
    .select(['stores.id', 'stores.external_id'])
    .where('locations.program_id', '=', programId)
    .where('stores.program_id', '=', programId)
    .execute();
  return { ids: new Set(rows.map((r) => r.id)), numbers: new Set(rows.map((r) => r.external_id)) };
}

/** The location a Loyalty-API store of the program is linked to (its POS is the location's register), if any. */
export async function locationOfStore(db: Tx, programId: string, storeId: string): Promise<Location | undefined> {
  const row = await db.selectFrom('locations').selectAll().where('program_id', '=', programId).where('store_id', '=', storeId).executeTakeFirst();
  return row && toLocation(row);
}

/** The location linked to the store a POS names by its store number (`posVendor.storeId`), if any: one query. */
export async function locationOfStoreNumber(db: Tx, programId: string, externalId: string): Promise<Location | undefined> {
  const row = await db
    .selectFrom('locations')
    .selectAll()
    .where('program_id', '=', programId)
    .where('store_id', 'in', (q) => q.selectFrom('stores').select('id').where('program_id', '=', programId).where('external_id', '=', externalId))
    .executeTakeFirst();
  return row && toLocation(row);
}
