import type { Kysely } from 'kysely';

/**
 * The Loyalty-API store a c-store location's POS uses (issue #12, sales in by POS key): a sale
 * or validate call of that store's POS keys is also a c-store sale of the location. At most one
 * location per store of a program; null = not linked (the store behaves as any restaurant).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('locations').addColumn('store_id', 'text').execute();
  await db.schema.createIndex('locations_store_uq').unique().on('locations').columns(['program_id', 'store_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('locations_store_uq').execute();
  await db.schema.alterTable('locations').dropColumn('store_id').execute();
}
