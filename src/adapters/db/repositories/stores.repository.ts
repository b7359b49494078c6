import type { Store } from '../../../app/model.ts';
import type { StoreTable } from '../schema.ts';
import type { Tx } from '../tx.ts';
import { toStore } from './config.repository.ts';

/**
 * Stores as the back office edits them. The POS path reads them as `Store` through
 * config.repository.ts (`findStoreByExternalId`, prepared and cached).
 */
export interface StoreRecord extends Store {
  groups: string[];
  createdAt: string;
}

export interface StoreFields {
  name: string;
  timeZone: string;
  loyaltyEnabled: boolean;
  /** sorted, distinct; [] = none */
  groups: string[];
}

function toRecord(row: StoreTable): StoreRecord {
  const store = toStore(row);
  return { ...store, groups: store.groups ?? [], createdAt: row.created_at };
}

const groupsJson = (groups: string[]): string | null => (groups.length === 0 ? null : JSON.stringify(groups));

export async function findStoreRecord(db: Tx, programId: string, id: string): Promise<StoreRecord | null> {
  const row = await db.selectFrom('stores').selectAll().where('program_id', '=', programId).where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** A program's stores by their POS store number. */
export async function listStoreRecords(db: Tx, programId: string): Promise<StoreRecord[]> {
  return (await db.selectFrom('stores').selectAll().where('program_id', '=', programId).orderBy('external_id').execute()).map(toRecord);
}

export async function storeIdByExternalId(db: Tx, programId: string, externalId: string): Promise<string | null> {
  return (await db.selectFrom('stores').select('id').where('program_id', '=', programId).where('external_id', '=', externalId).executeTakeFirst())?.id ?? null;
}

export async function insertStore(
  db: Tx,
  s: { id: string; programId: string; externalId: string; createdAt: string } & Omit<StoreFields, 'groups'> & { groups?: string[] },
): Promise<void> {
  await db
    .insertInto('stores')
    .values({
      id: s.id,
      program_id: s.programId,
      external_id: s.externalId,
      name: s.name,
      time_zone: s.timeZone,
      loyalty_enabled: s.loyaltyEnabled ? 1 : 0,
      created_at: s.createdAt,
      ...(s.groups && s.groups.length > 0 ? { store_groups: groupsJson(s.groups) } : {}),
    })
    .execute();
}

/** Writes the given fields; false when there was nothing to write. */
export async function updateStoreFields(db: Tx, programId: string, id: string, patch: Partial<StoreFields>): Promise<boolean> {
  const set: Partial<StoreTable> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.timeZone !== undefined) set.time_zone = patch.timeZone;
  if (patch.loyaltyEnabled !== undefined) set.loyalty_enabled = patch.loyaltyEnabled ? 1 : 0;
  if (patch.groups !== undefined) set.store_groups = groupsJson(patch.groups);
  if (Object.keys(set).length === 0) return false;
  await db.updateTable('stores').set(set).where('id', '=', id).where('program_id', '=', programId).execute();
  return true;
}
