import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { PosPrincipal } from '../../app/model.ts';
import { AppError } from '../../errors.ts';
import { sha256 } from '../../lib/ids.ts';
import { TtlCache } from '../../lib/ttl-cache.ts';
import { findActiveKey } from '../db/repositories/config.repository.ts';
import type { Database } from '../db/schema.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: PosPrincipal;
  }
}

/**
 * `x-api-key` → the program and vendor it was issued for. Keys are stored as sha256 (they are long
 * random strings, so a fast hash is enough); lookups are cached briefly, so a revoked key stops
 * working within `ttlMs` on every process.
 */
export function apiKeyAuthenticator(db: Kysely<Database>, ttlMs = 5_000) {
  const cache = new TtlCache<string, PosPrincipal | null>(ttlMs);
  return async (request: FastifyRequest): Promise<void> => {
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string' || key.length === 0 || key.length > 200) {
      throw new AppError('Unauthorized', 'x-api-key header is missing');
    }
    const hash = sha256(key);
    const principal = await cache.getOrLoad(hash, () => findActiveKey(db, hash));
    if (!principal) throw new AppError('Unauthorized', 'x-api-key is not a valid key');
    request.principal = principal;
  };
}
