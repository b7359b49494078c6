import { type ApiKeyRecord, findApiKey, listApiKeys as listKeys, revokeApiKey as revokeKey } from '../../adapters/db/repositories/api-keys.repository.ts';
import { programExists } from '../../adapters/db/repositories/programs.repository.ts';
import { inTransaction, type Tx } from '../../adapters/db/tx.ts';
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

export function apiKeyView(key: ApiKeyRecord): ApiKeyView {
  const { id, programId, vendor, environment, prefix, createdAt, revokedAt } = key;
  return { id, programId, vendor, environment, prefix, status: revokedAt ? 'revoked' : 'active', createdAt, revokedAt };
}

async function keyRow(db: Tx, programId: string, keyId: string): Promise<ApiKeyRecord> {
  const key = await findApiKey(db, programId, keyId);
  if (!key) throw notFound('API key', keyId);
  return key;
}

export async function listApiKeys(ctx: AdminContext, programId: string): Promise<ApiKeyView[]> {
  assertProgramInScope(ctx.actor, programId);
  return (await listKeys(ctx.db, programId)).map(apiKeyView);
}

/** Issues a POS key for one vendor and environment; the key is in the answer and nowhere else. */
export async function issueApiKey(ctx: AdminContext, programId: string, input: { vendor: string; environment: string }): Promise<IssuedKey> {
  assertProgramInScope(ctx.actor, programId);
  const vendor = input.vendor.toLowerCase();
  if (!/^[a-z0-9-]{2,30}$/.test(vendor)) throw invalidField('vendor', 'must be 2 to 30 lower-case letters, digits or dashes (e.g. ncr)');
  if (!/^[a-z0-9-]{2,20}$/.test(input.environment)) throw invalidField('environment', 'must be 2 to 20 lower-case letters, digits or dashes (e.g. production)');
  return inTransaction(ctx.db, async (trx) => {
    if (!(await programExists(trx, programId))) throw notFound('program', programId);
    const { id, key } = await createApiKey(trx, programId, vendor, input.environment, ctx.now);
    const view = apiKeyView(await keyRow(trx, programId, id));
    await audit(trx, ctx, { programId, action: 'api_key.create', entityType: 'api_key', entityId: id, after: view });
    return { apiKey: view, key };
  });
}

/** Revokes the key and issues its successor (same vendor and environment) in one transaction. */
export async function rotateApiKey(ctx: AdminContext, programId: string, keyId: string): Promise<IssuedKey & { revoked: ApiKeyView }> {
  assertProgramInScope(ctx.actor, programId);
  return inTransaction(ctx.db, async (trx) => {
    const old = await keyRow(trx, programId, keyId);
    if (old.revokedAt) throw new AppError('Conflict', 'This key is already revoked; issue a new one instead', { field: 'keyId' });
    if (!(await revokeKey(trx, keyId, ctx.now))) throw new AppError('Conflict', 'This key was revoked meanwhile', { field: 'keyId' });
    const { id, key } = await createApiKey(trx, programId, old.vendor, old.environment, ctx.now);
    const revoked = apiKeyView(await keyRow(trx, programId, keyId));
    const view = apiKeyView(await keyRow(trx, programId, id));
    await audit(trx, ctx, {
      programId,
      action: 'api_key.rotate',
      entityType: 'api_key',
      entityId: keyId,
      before: apiKeyView(old),
      after: { revoked, successor: view },
    });
    return { apiKey: view, key, revoked };
  });
}

/** Revokes a key. POS processes may accept it for a few more seconds (their key cache). Repeats are no-ops. */
export async function revokeApiKey(ctx: AdminContext, programId: string, keyId: string): Promise<ApiKeyView> {
  assertProgramInScope(ctx.actor, programId);
  return inTransaction(ctx.db, async (trx) => {
    const old = await keyRow(trx, programId, keyId);
    if (old.revokedAt) return apiKeyView(old);
    await revokeKey(trx, keyId, ctx.now);
    const view = apiKeyView(await keyRow(trx, programId, keyId));
    await audit(trx, ctx, { programId, action: 'api_key.revoke', entityType: 'api_key', entityId: keyId, before: apiKeyView(old), after: view });
    return view;
  });
}
