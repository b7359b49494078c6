import { toStore } from '../../adapters/db/repositories/config.repository.ts';
import type { StoreTable } from '../../adapters/db/schema.ts';
import { isValidTimeZone } from '../../domain/time.ts';
import { AppError, invalidField } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Store } from '../model.ts';
import { createStore } from '../provisioning.ts';
import { type AdminContext, assertProgramInScope, audit, notFound, orConflict } from './context.ts';

/** A store as the admin API shows it: the POS path's `Store` plus when it was created. */
export interface StoreView extends Store {
  groups: string[];
  createdAt: string;
}

export function storeView(row: StoreTable): StoreView {
  const store = toStore(row);
  return { ...store, groups: store.groups ?? [], createdAt: row.created_at };
}

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
  if (s.externalId !== undefined && !/^[\w.-]{1,40}$/.test(s.externalId)) throw invalidField('externalId', 'must be 1 to 40 letters, digits, dots, dashes or underscores');
  if (s.name !== undefined && (s.name.trim() === '' || s.name.length > 200)) throw invalidField('name', 'must be 1 to 200 characters');
  if (s.timeZone !== undefined && !isValidTimeZone(s.timeZone)) throw invalidField('timeZone', `"${s.timeZone}" is not an IANA time zone`);
  if (s.groups !== undefined) {
    if (s.groups.length > 50) throw invalidField('groups', 'may list at most 50 groups');
    s.groups.forEach((g, i) => {
      if (!GROUP.test(g)) throw invalidField(`groups[${i}]`, 'must be 1 to 60 letters, digits, spaces or . : / - _');
    });
  }
}

const normalizeGroups = (groups: string[]): string | null => (groups.length === 0 ? null : JSON.stringify([...new Set(groups)].sort()));

export async function listStores(ctx: AdminContext, programId: string, filter: { group?: string } = {}): Promise<StoreView[]> {
  assertProgramInScope(ctx.actor, programId);
  const rows = await ctx.db.selectFrom('stores').selectAll().where('program_id', '=', programId).orderBy('external_id').execute();
  const stores = rows.map(storeView);
  return filter.group === undefined ? stores : stores.filter((s) => s.groups.includes(filter.group!));
}

export async function getStore(ctx: AdminContext, programId: string, storeId: string): Promise<StoreView> {
  assertProgramInScope(ctx.actor, programId);
  const row = await ctx.db.selectFrom('stores').selectAll().where('program_id', '=', programId).where('id', '=', storeId).executeTakeFirst();
  if (!row) throw notFound('store', storeId);
  return storeView(row);
}

export async function createStoreAs(ctx: AdminContext, programId: string, input: NewStoreInput): Promise<StoreView> {
  assertProgramInScope(ctx.actor, programId);
  validateStore(input);
  const id = newId();
  const clash = `Store "${input.externalId}" already exists in this program`;
  return ctx.db.transaction().execute(async (trx) => {
    const program = await trx.selectFrom('programs').select('id').where('id', '=', programId).executeTakeFirst();
    if (!program) throw notFound('program', programId);
    const taken = await trx.selectFrom('stores').select('id').where('program_id', '=', programId).where('external_id', '=', input.externalId).executeTakeFirst();
    if (taken) throw new AppError('Conflict', clash, { field: 'externalId' });
    await orConflict(createStore(trx, programId, input, ctx.now, id), clash, 'externalId');
    if (input.groups && input.groups.length > 0) await trx.updateTable('stores').set({ store_groups: normalizeGroups(input.groups) }).where('id', '=', id).execute();
    const view = storeView(await trx.selectFrom('stores').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
    await audit(trx, ctx, { programId, action: 'store.create', entityType: 'store', entityId: id, after: view });
    return view;
  });
}

export async function updateStore(ctx: AdminContext, programId: string, storeId: string, patch: StorePatch): Promise<StoreView> {
  assertProgramInScope(ctx.actor, programId);
  validateStore(patch);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('stores').selectAll().where('program_id', '=', programId).where('id', '=', storeId).executeTakeFirst();
    if (!row) throw notFound('store', storeId);
    const set: Partial<StoreTable> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.timeZone !== undefined) set.time_zone = patch.timeZone;
    if (patch.loyaltyEnabled !== undefined) set.loyalty_enabled = patch.loyaltyEnabled ? 1 : 0;
    if (patch.groups !== undefined) set.store_groups = normalizeGroups(patch.groups);
    if (Object.keys(set).length === 0) return storeView(row);
    await trx.updateTable('stores').set(set).where('id', '=', storeId).where('program_id', '=', programId).execute();
    const after = storeView(await trx.selectFrom('stores').selectAll().where('id', '=', storeId).executeTakeFirstOrThrow());
    await audit(trx, ctx, { programId, action: 'store.update', entityType: 'store', entityId: storeId, before: storeView(row), after });
    return after;
  });
}
