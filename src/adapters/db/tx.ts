import type { Kysely } from 'kysely';
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
