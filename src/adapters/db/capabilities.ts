import { type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely';

/**
 * What the database under a Kysely instance can do, asked in one place so that callers branch on
 * a capability ("can it skip locked rows?") rather than on an engine name.
 */
export interface DbCapabilities {
  /**
   * `SELECT … FOR UPDATE SKIP LOCKED`: workers in several processes take disjoint rows without
   * waiting on each other. Without it (SQLite) a single UPDATE is atomic anyway, because the
   * engine serialises writers.
   */
  skipLocked: boolean;
  /**
   * A CLAIMED update fits in one autocommit statement: data-modifying CTEs that lock the guest row
   * (`FOR NO KEY UPDATE`) and edit JSON arrays in SQL (`claimInOneStatement`). Without it (SQLite)
   * claims take a short database transaction instead; both are `ClaimWriter`s.
   */
  singleStatementClaim: boolean;
  /**
   * Data-modifying statements inside `WITH` (`WITH consumed AS (UPDATE … RETURNING …) INSERT …`):
   * a read and a write, or two writes, atomic in one autocommit statement and one round trip.
   * Without it (SQLite) the same work takes two statements, in a transaction where it must be atomic.
   */
  writableCtes: boolean;
  /** Statements that make a table refuse UPDATE and DELETE (append-only tables), and undo it. */
  appendOnlyGuard(table: string): { create: RawBuilder<unknown>[]; drop: RawBuilder<unknown>[] };
}

const POSTGRES: DbCapabilities = {
  skipLocked: true,
  singleStatementClaim: true,
  writableCtes: true,
  appendOnlyGuard: (table) => ({
    create: [
      sql`create or replace function ${sql.id(`${table}_append_only`)}() returns trigger language plpgsql as $$ begin raise exception '% is append-only', TG_TABLE_NAME; end $$`,
      sql`create trigger ${sql.id(`${table}_no_update_or_delete`)} before update or delete on ${sql.table(table)} for each row execute function ${sql.id(`${table}_append_only`)}()`,
    ],
    drop: [
      sql`drop trigger if exists ${sql.id(`${table}_no_update_or_delete`)} on ${sql.table(table)}`,
      sql`drop function if exists ${sql.id(`${table}_append_only`)}()`,
    ],
  }),
};

const SQLITE: DbCapabilities = {
  skipLocked: false,
  singleStatementClaim: false,
  writableCtes: false,
  appendOnlyGuard: (table) => ({
    create: [
      sql`create trigger ${sql.id(`${table}_no_update`)} before update on ${sql.table(table)} begin select raise(abort, ${sql.lit(`${table} is append-only`)}); end`,
      sql`create trigger ${sql.id(`${table}_no_delete`)} before delete on ${sql.table(table)} begin select raise(abort, ${sql.lit(`${table} is append-only`)}); end`,
    ],
    drop: [sql`drop trigger if exists ${sql.id(`${table}_no_update`)}`, sql`drop trigger if exists ${sql.id(`${table}_no_delete`)}`],
  }),
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function capabilitiesOf(db: Kysely<any>): DbCapabilities {
  return db.getExecutor().adapter instanceof PostgresAdapter ? POSTGRES : SQLITE;
}
