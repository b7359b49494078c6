import { randomBytes } from 'node:crypto';
import { newId, sha256 } from '../../../lib/ids.ts';
import type { ApiKeyTable } from '../schema.ts';
import type { Tx } from '../tx.ts';

/**
 * POS API keys: only the sha256 of a key is stored, with its first characters to tell keys apart.
 * Look-up by key for POS calls is `findActiveKey` (config.repository.ts, cached there).
 */
export interface ApiKeyRecord {
  id: string;
  programId: string;
  vendor: string;
  environment: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

const COLUMNS = ['id', 'program_id', 'vendor', 'environment', 'key_prefix', 'created_at', 'revoked_at'] as const;

function toRecord(row: Omit<ApiKeyTable, 'key_hash'>): ApiKeyRecord {
  return {
    id: row.id,
    programId: row.program_id,
    vendor: row.vendor,
    environment: row.environment,
    prefix: row.key_prefix,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export async function findApiKey(db: Tx, programId: string, keyId: string): Promise<ApiKeyRecord | null> {
  const row = await db.selectFrom('api_keys').select(COLUMNS).where('program_id', '=', programId).where('id', '=', keyId).executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function listApiKeys(db: Tx, programId: string): Promise<ApiKeyRecord[]> {
  const rows = await db.selectFrom('api_keys').select(COLUMNS).where('program_id', '=', programId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toRecord);
}

/** Stores a new key (its hash and prefix) and returns the key itself, which is stored nowhere. */
export async function insertApiKey(
  db: Tx,
  programId: string,
  vendor: string,
  environment: string,
  at: Date,
  key = `tpk_${environment}_${vendor}_${randomBytes(24).toString('base64url')}`,
): Promise<{ id: string; key: string }> {
  const id = newId();
  await db
    .insertInto('api_keys')
    .values({
      id,
      program_id: programId,
      vendor: vendor.toLowerCase(),
      environment,
      key_hash: sha256(key),
      key_prefix: key.slice(0, 12),
      created_at: at.toISOString(),
      revoked_at: null,
    })
    .execute();
  return { id, key };
}

/** Revokes a key not yet revoked; false when it already was (someone else won). */
export async function revokeApiKey(db: Tx, keyId: string, at: Date): Promise<boolean> {
  const won = await db
    .updateTable('api_keys')
    .set({ revoked_at: at.toISOString() })
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return won !== undefined;
}
