import type { Kysely } from 'kysely';

/**
 * Brute-force limits shared by every server process on one PostgreSQL (code look-ups, guest and
 * admin logins, promo codes): rate-limiter-flexible's layout, a counter per prefixed key with its
 * expiry in epoch milliseconds. Created on SQLite too (one set of migrations), where a single
 * process keeps its limits in memory and the table stays empty.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expire', 'bigint')
    .execute();
  await db.schema.createIndex('rate_limits_expire').on('rate_limits').column('expire').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
}
