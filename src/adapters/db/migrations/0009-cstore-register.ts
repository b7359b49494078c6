import type { Kysely } from 'kysely';

/**
 * The register's own ids for a c-store location: the store number the POS knows itself by (NAXML
 * StoreLocationID), whether its price book wants numeric item-list and promotion ids, and the
 * numbers handed out per promotion (stable, never reused, so a later modify or end hits the same
 * register record).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('locations').addColumn('register_store_id', 'text').execute();
  await db.schema
    .alterTable('locations')
    .addColumn('register_ids', 'text', (c) => c.notNull().defaultTo('manufacturer'))
    .execute();
  await db.schema
    .alterTable('locations')
    .addColumn('register_id_start', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createTable('location_register_ids')
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('manufacturer', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('register_no', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('location_register_ids_pk', ['location_id', 'manufacturer', 'external_id'])
    .addUniqueConstraint('location_register_ids_no', ['location_id', 'register_no'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('location_register_ids').execute();
  for (const c of ['register_id_start', 'register_ids', 'register_store_id']) await db.schema.alterTable('locations').dropColumn(c).execute();
}
