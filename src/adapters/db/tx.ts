import type { Kysely } from 'kysely';
import { AppError } from '../../errors.ts';
import { isUniqueViolation } from './db-errors.ts';
import type { Database } from './schema.ts';

/**
 * A database handle or an open transaction, as use cases hand it to repositories. Use cases name
 * this type and never Kysely's: only `adapters/db` knows the query builder.
 */
export type Tx = Kysely<Database>;

/** Runs `fn` in one database transaction: committed when it resolves, rolled back when it throws. */
export function inTransaction<T>(db: Tx, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

/** Runs `work`; a unique-key violation becomes 409 Conflict naming `field` (a duplicate slug, e-mail, …). */
export async function orConflict<T>(work: Promise<T>, message: string, field: string): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('Conflict', message, { field });
    throw e;
  }
}
