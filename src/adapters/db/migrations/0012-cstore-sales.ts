import type { Kysely } from 'kysely';

/**
 * C-store sales as the location's POS reported them (issue #12, sales in): one row per POS
 * transaction, unique per location + register + POS transaction id (the idempotency key, with the
 * hash of the canonical body so a conflicting retry is told apart from a replay), and its lines.
 * Voids and refunds are lines with a negative quantity. Amounts are bigint minor units.
 * `sold_at, id` orders a week's lines for the scan-data writers (keyset pages).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cstore_sales')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('register_id', 'text', (c) => c.notNull())
    .addColumn('pos_transaction_id', 'text', (c) => c.notNull())
    .addColumn('body_hash', 'text', (c) => c.notNull())
    .addColumn('sold_at', 'text', (c) => c.notNull())
    .addColumn('local_date', 'text', (c) => c.notNull())
    .addColumn('local_time', 'text', (c) => c.notNull())
    .addColumn('tender', 'text', (c) => c.notNull())
    .addColumn('loyalty_id', 'text')
    .addColumn('age_verification', 'text', (c) => c.notNull())
    .addColumn('line_count', 'integer', (c) => c.notNull())
    .addColumn('total_cents', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('cstore_sales_pos_key', ['location_id', 'register_id', 'pos_transaction_id'])
    .execute();
  await db.schema.createIndex('cstore_sales_week').on('cstore_sales').columns(['location_id', 'local_date', 'sold_at', 'id']).execute();
  await db.schema
    .createTable('cstore_sale_lines')
    .addColumn('sale_id', 'text', (c) => c.notNull().references('cstore_sales.id'))
    .addColumn('line_number', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('upc', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('unit_of_measure', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price_cents', 'bigint', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('manufacturer_name', 'text')
    .addColumn('sku', 'text')
    .addColumn('consumer_units', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('cstore_sale_lines_pk', ['sale_id', 'line_number'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cstore_sale_lines').execute();
  await db.schema.dropTable('cstore_sales').execute();
}
