import { programExists } from '../../adapters/db/repositories/programs.repository.ts';
import {
  findStoreRecord,
  listStoreRecords,
  type StoreRecord,
  storeIdByExternalId,
  updateStoreFields,
} from '../../adapters/db/repositories/stores.repository.ts';
import { inTransaction } from '../../adapters/db/tx.ts';
import { isValidTimeZone } from '../../domain/time.ts';
import { AppError, invalidField } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { createStore } from '../provisioning.ts';
import { type AdminContext, assertProgramInScope, audit, notFound, orConflict } from './context.ts';

/** A store as the admin API shows it: the POS path's `Store` plus when it was created. */
export type StoreView = StoreRecord;

export interface NewStoreInput {
  externalId: string;
  name: string;
  timeZone: string;
  loyaltyEnabled?: boolean;
  groups?: string[];
}

export interface StorePatch {
  name?: string;
  timeZone?: string;
  loyaltyEnabled?: boolean;
  groups?: string[];
}

const GROUP = /^[\w .:/-]{1,60}$/;

function validateStore(s: StorePatch & { externalId?: string }): void {
  if (s.externalId !== undefined && !/^[\w.-]{1,40}$/.test(s.externalId))
    throw invalidField('externalId', 'must be 1 to 40 letters, digits, dots, dashes or underscores');
  if (s.name !== undefined && (s.name.trim() === '' || s.name.length > 200)) throw invalidField('name', 'must be 1 to 200 characters');
  if (s.timeZone !== undefined && !isValidTimeZone(s.timeZone)) throw invalidField('timeZone', `"${s.timeZone}" is not an IANA time zone`);
  if (s.groups !== undefined) {
    if (s.groups.length > 50) throw invalidField('groups', 'may list at most 50 groups');
    s.groups.forEach((g, i) => {
      if (!GROUP.test(g)) throw invalidField(`groups[${i}]`, 'must be 1 to 60 letters, digits, spaces or . : / - _');
    });
  }
}

const normalizeGroups = (groups: string[]): string[] => [...new Set(groups)].sort();

export async function listStores(ctx: AdminContext, programId: string, filter: { group?: string } = {}): Promise<StoreView[]> {
  assertProgramInScope(ctx.actor, programId);
  const stores = await listStoreRecords(ctx.db, programId);
  return filter.group === undefined ? stores : stores.filter((s) => s.groups.includes(filter.group!));
}

export async function getStore(ctx: AdminContext, programId: string, storeId: string): Promise<StoreView> {
  assertProgramInScope(ctx.actor, programId);
  const store = await findStoreRecord(ctx.db, programId, storeId);
  if (!store) throw notFound('store', storeId);
  return store;
}

export async function createStoreAs(ctx: AdminContext, programId: string, input: NewStoreInput): Promise<StoreView> {
  assertProgramInScope(ctx.actor, programId);
  validateStore(input);
  const id = newId();
  const clash = `Store "${input.externalId}" already exists in this program`;
  return inTransaction(ctx.db, async (trx) => {
    if (!(await programExists(trx, programId))) throw notFound('program', programId);
    if (await storeIdByExternalId(trx, programId, input.externalId)) throw new AppError('Conflict', clash, { field: 'externalId' });
    await orConflict(createStore(trx, programId, input, ctx.now, id), clash, 'externalId');
    if (input.groups && input.groups.length > 0) await updateStoreFields(trx, programId, id, { groups: normalizeGroups(input.groups) });
    const view = (await findStoreRecord(trx, programId, id))!;
    await audit(trx, ctx, { programId, action: 'store.create', entityType: 'store', entityId: id, after: view });
    return view;
  });
}

export async function updateStore(ctx: AdminContext, programId: string, storeId: string, patch: StorePatch): Promise<StoreView> {
  assertProgramInScope(ctx.actor, programId);
  validateStore(patch);
  return inTransaction(ctx.db, async (trx) => {
    const before = await findStoreRecord(trx, programId, storeId);
    if (!before) throw notFound('store', storeId);
    const { name, timeZone, loyaltyEnabled } = patch;
    const changed = await updateStoreFields(trx, programId, storeId, {
      name,
      timeZone,
      loyaltyEnabled,
      groups: patch.groups === undefined ? undefined : normalizeGroups(patch.groups),
    });
    if (!changed) return before;
    const after = (await findStoreRecord(trx, programId, storeId))!;
    await audit(trx, ctx, { programId, action: 'store.update', entityType: 'store', entityId: storeId, before, after });
    return after;
  });
}
