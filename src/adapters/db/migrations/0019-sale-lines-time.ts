import type { Kysely } from 'kysely';

/**
 * Reading a week of c-store sales back in time order (`saleLinesOfWeek`, the scan-data files).
 * 0012's `cstore_sales_week` (location, local date, sold at, id) cannot give time order across the
 * days of a week, so every keyset page sorted the whole week of every location again (minutes for
 * a chain's week). The read now walks the week in one-hour windows of `sold_at` and seeks each
 * location's window through (location, sold at, id). The week index stays for counts by local date.
 */
export const SALE_LINES_TIME_INDEX = { name: 'cstore_sales_location_time', table: 'cstore_sales', columns: ['location_id', 'sold_at', 'id'] } as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex(SALE_LINES_TIME_INDEX.name)
    .on(SALE_LINES_TIME_INDEX.table)
    .columns([...SALE_LINES_TIME_INDEX.columns])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex(SALE_LINES_TIME_INDEX.name).execute();
}
