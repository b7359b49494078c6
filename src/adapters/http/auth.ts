import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
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
 * random strings, so a fast hash is enough). Verified hashes are cached for `ttlMs` (5 s): a key
 * revoked in the back office stops working within that bound on every process, and a POS call
 * pays one hash and one in-memory look-up instead of a query. A hook in callback style: a cached
 * key is answered synchronously, without the promise and microtask turn of an `async` hook; only a
 * miss waits for the database.
 */
export function apiKeyAuthenticator(db: Kysely<Database>, ttlMs = 5_000) {
  const cache = new TtlCache<string, PosPrincipal | null>(ttlMs);
  const accept = (request: FastifyRequest, principal: PosPrincipal | null, done: HookHandlerDoneFunction) => {
    if (!principal) return done(new AppError('Unauthorized', 'x-api-key is not a valid key'));
    request.principal = principal;
    done();
  };
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string' || key.length === 0 || key.length > 200) {
      return done(new AppError('Unauthorized', 'x-api-key header is missing'));
    }
    const hash = sha256(key);
    const cached = cache.peek(hash);
    if (cached) return accept(request, cached.value, done);
    cache
      .getOrLoad(hash, () => findActiveKey(db, hash))
      .then(
        (principal) => accept(request, principal, done),
        (e: unknown) => done(e as Error),
      );
  };
}
