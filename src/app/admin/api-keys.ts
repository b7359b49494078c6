import type { Kysely } from 'kysely';
import type { ApiKeyTable, Database } from '../../adapters/db/schema.ts';
import { AppError, invalidField } from '../../errors.ts';
import { createApiKey } from '../provisioning.ts';
import { type AdminContext, assertProgramInScope, audit, notFound } from './context.ts';

/** A POS key as the back office sees it: the prefix only, never the key or its hash. */
export interface ApiKeyView {
  id: string;
  programId: string;
  vendor: string;
  environment: string;
  prefix: string;
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
}

/** The one answer that carries a key in clear; it cannot be read again. */
export interface IssuedKey {
  apiKey: ApiKeyView;
  key: string;
}

export function apiKeyView(row: Omit<ApiKeyTable, 'key_hash'>): ApiKeyView {
  return {
    id: row.id,
    programId: row.program_id,
    vendor: row.vendor,
    environment: row.environment,
    prefix: row.key_prefix,
    status: row.revoked_at ? 'revoked' : 'active',
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

const VIEW_COLUMNS = ['id', 'program_id', 'vendor', 'environment', 'key_prefix', 'created_at', 'revoked_at'] as const;

async function keyRow(db: Kysely<Database>, programId: string, keyId: string) {
  const row = await db.selectFrom('api_keys').select(VIEW_COLUMNS).where('program_id', '=', programId).where('id', '=', keyId).executeTakeFirst();
  if (!row) throw notFound('API key', keyId);
  return row;
}

export async function listApiKeys(ctx: AdminContext, programId: string): Promise<ApiKeyView[]> {
  assertProgramInScope(ctx.actor, programId);
  const rows = await ctx.db.selectFrom('api_keys').select(VIEW_COLUMNS).where('program_id', '=', programId).orderBy('created_at').orderBy('id').execute();
  return rows.map(apiKeyView);
}

/** Issues a POS key for one vendor and environment; the key is in the answer and nowhere else. */
export async function issueApiKey(ctx: AdminContext, programId: string, input: { vendor: string; environment: string }): Promise<IssuedKey> {
  assertProgramInScope(ctx.actor, programId);
  const vendor = input.vendor.toLowerCase();
  if (!/^[a-z0-9-]{2,30}$/.test(vendor)) throw invalidField('vendor', 'must be 2 to 30 lower-case letters, digits or dashes (e.g. ncr)');
  if (!/^[a-z0-9-]{2,20}$/.test(input.environment)) throw invalidField('environment', 'must be 2 to 20 lower-case letters, digits or dashes (e.g. production)');
  return ctx.db.transaction().execute(async (trx) => {
    const program = await trx.selectFrom('programs').select('id').where('id', '=', programId).executeTakeFirst();
    if (!program) throw notFound('program', programId);
    const { id, key } = await createApiKey(trx, programId, vendor, input.environment, ctx.now);
    const view = apiKeyView(await keyRow(trx, programId, id));
    await audit(trx, ctx, { programId, action: 'api_key.create', entityType: 'api_key', entityId: id, after: view });
    return { apiKey: view, key };
  });
}

/** Revokes the key and issues its successor (same vendor and environment) in one transaction. */
export async function rotateApiKey(ctx: AdminContext, programId: string, keyId: string): Promise<IssuedKey & { revoked: ApiKeyView }> {
  assertProgramInScope(ctx.actor, programId);
  return ctx.db.transaction().execute(async (trx) => {
    const old = await keyRow(trx, programId, keyId);
    if (old.revoked_at) throw new AppError('Conflict', 'This key is already revoked; issue a new one instead', { field: 'keyId' });
    const at = ctx.now.toISOString();
    const won = await trx.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', keyId).where('revoked_at', 'is', null).returning('id').executeTakeFirst();
    if (!won) throw new AppError('Conflict', 'This key was revoked meanwhile', { field: 'keyId' });
    const { id, key } = await createApiKey(trx, programId, old.vendor, old.environment, ctx.now);
    const revoked = apiKeyView(await keyRow(trx, programId, keyId));
    const view = apiKeyView(await keyRow(trx, programId, id));
    await audit(trx, ctx, { programId, action: 'api_key.rotate', entityType: 'api_key', entityId: keyId, before: apiKeyView(old), after: { revoked, successor: view } });
    return { apiKey: view, key, revoked };
  });
}

/** Revokes a key. POS processes may accept it for a few more seconds (their key cache). Repeats are no-ops. */
export async function revokeApiKey(ctx: AdminContext, programId: string, keyId: string): Promise<ApiKeyView> {
  assertProgramInScope(ctx.actor, programId);
  return ctx.db.transaction().execute(async (trx) => {
    const old = await keyRow(trx, programId, keyId);
    if (old.revoked_at) return apiKeyView(old);
    await trx.updateTable('api_keys').set({ revoked_at: ctx.now.toISOString() }).where('id', '=', keyId).where('revoked_at', 'is', null).execute();
    const view = apiKeyView(await keyRow(trx, programId, keyId));
    await audit(trx, ctx, { programId, action: 'api_key.revoke', entityType: 'api_key', entityId: keyId, before: apiKeyView(old), after: view });
    return view;
  });
}
