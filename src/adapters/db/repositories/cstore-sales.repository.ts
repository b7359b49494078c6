import type { Kysely } from 'kysely';
import type { AgeVerification, SaleLine, Tender, TobaccoCategory } from '../../../domain/scandata/sale-line.ts';
import type { RecordedLine } from '../../../domain/scandata/pos-sale.ts';
import { isUniqueViolation } from '../db-errors.ts';
import type { Database } from '../schema.ts';
import { inTransaction } from '../tx.ts';

/** A recorded c-store POS transaction (its header; the lines are {@link SaleLine}s). */
export interface CstoreSaleRecord {
  id: string;
  locationId: string;
  registerId: string;
  transactionId: string;
  bodyHash: string;
  soldAt: string;
  localDate: string;
  lineCount: number;
  totalCents: number;
  receivedAt: string;
}

const HEADER = [
  'id',
  'location_id',
  'register_id',
  'pos_transaction_id',
  'body_hash',
  'sold_at',
  'local_date',
  'line_count',
  'total_cents',
  'received_at',
] as const;

type HeaderRow = Pick<Database['cstore_sales'], (typeof HEADER)[number]>;

const toRecord = (r: HeaderRow): CstoreSaleRecord => ({
  id: r.id,
  locationId: r.location_id,
  registerId: r.register_id,
  transactionId: r.pos_transaction_id,
  bodyHash: r.body_hash,
  soldAt: r.sold_at,
  localDate: r.local_date,
  lineCount: r.line_count,
  totalCents: Number(r.total_cents),
  receivedAt: r.received_at,
});

/** The transaction a location's register recorded under this POS transaction id, if any. */
export async function findCstoreSale(db: Kysely<Database>, locationId: string, registerId: string, transactionId: string): Promise<CstoreSaleRecord | null> {
  const row = await db
    .selectFrom('cstore_sales')
    .select(HEADER)
    .where('location_id', '=', locationId)
    .where('register_id', '=', registerId)
    .where('pos_transaction_id', '=', transactionId)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/**
 * Stores one transaction and its lines (call inside a transaction: all or nothing). A second one
 * with the same location + register + POS transaction id is a unique violation.
 */
async function insertCstoreSale(db: Kysely<Database>, sale: CstoreSaleRecord, lines: readonly RecordedLine[]): Promise<void> {
  const first = lines[0]!;
  await db
    .insertInto('cstore_sales')
    .values({
      id: sale.id,
      location_id: sale.locationId,
      register_id: sale.registerId,
      pos_transaction_id: sale.transactionId,
      body_hash: sale.bodyHash,
      sold_at: sale.soldAt,
      local_date: sale.localDate,
      local_time: first.localTime,
      tender: first.tender,
      loyalty_id: first.loyaltyId,
      age_verification: first.ageVerification,
      line_count: sale.lineCount,
      total_cents: sale.totalCents,
      received_at: sale.receivedAt,
    })
    .execute();
  await db
    .insertInto('cstore_sale_lines')
    .values(
      lines.map((l) => ({
        sale_id: sale.id,
        line_number: l.lineNumber,
        kind: l.kind,
        upc: l.upc,
        description: l.description,
        unit_of_measure: l.unitOfMeasure,
        quantity: l.quantity,
        unit_price_cents: l.unitPriceCents,
        category: l.category,
        manufacturer_name: l.manufacturerName ?? null,
        sku: l.sku ?? null,
        consumer_units: l.consumerUnits ?? 1,
      })),
    )
    .execute();
}

/**
 * Stores one transaction and its lines in one database transaction; false, with nothing written,
 * when this location + register + POS transaction id was recorded meanwhile.
 */
export async function insertCstoreSaleOnce(db: Kysely<Database>, sale: CstoreSaleRecord, lines: readonly RecordedLine[]): Promise<boolean> {
  try {
    await inTransaction(db, (trx) => insertCstoreSale(trx, sale, lines));
    return true;
  } catch (e) {
    if (isUniqueViolation(e)) return false;
    throw e;
  }
}

const SALE_LINES_PAGE = 2_000;

/**
 * The sale lines of some locations (one location, or an account's) whose store-local date is in
 * [from, to], in time order (sold at, then transaction, then line number — so each basket's lines
 * are adjacent, as `priceSales` wants), as {@link SaleLine}s. Keyset pages of `pageSize` lines:
 * memory stays flat in the week's size.
 */
export async function* saleLinesOfWeek(
  db: Kysely<Database>,
  q: { locationIds: readonly string[]; from: string; to: string },
  pageSize = SALE_LINES_PAGE,
): AsyncGenerator<SaleLine> {
  if (q.locationIds.length === 0) return;
  let after: { soldAt: string; saleId: string; line: number } | null = null;
  for (;;) {
    let query = db
      .selectFrom('cstore_sales as s')
      .innerJoin('cstore_sale_lines as l', 'l.sale_id', 's.id')
      .select([
        's.id',
        's.location_id',
        's.register_id',
        's.pos_transaction_id',
        's.sold_at',
        's.local_date',
        's.local_time',
        's.tender',
        's.loyalty_id',
        's.age_verification',
        'l.line_number',
        'l.upc',
        'l.description',
        'l.unit_of_measure',
        'l.quantity',
        'l.unit_price_cents',
        'l.category',
        'l.manufacturer_name',
        'l.sku',
        'l.consumer_units',
      ])
      .where('s.location_id', 'in', q.locationIds)
      .where('s.local_date', '>=', q.from)
      .where('s.local_date', '<=', q.to);
    if (after) {
      const a: { soldAt: string; saleId: string; line: number } = after;
      query = query.where((eb) =>
        eb.or([
          eb('s.sold_at', '>', a.soldAt),
          eb.and([eb('s.sold_at', '=', a.soldAt), eb.or([eb('s.id', '>', a.saleId), eb.and([eb('s.id', '=', a.saleId), eb('l.line_number', '>', a.line)])])]),
        ]),
      );
    }
    const rows = await query.orderBy('s.sold_at').orderBy('s.id').orderBy('l.line_number').limit(pageSize).execute();
    for (const r of rows) {
      yield {
        locationId: r.location_id,
        registerId: r.register_id,
        transactionId: r.pos_transaction_id,
        lineNumber: r.line_number,
        soldAt: r.sold_at,
        localDate: r.local_date,
        localTime: r.local_time,
        upc: r.upc,
        description: r.description,
        unitOfMeasure: r.unit_of_measure,
        quantity: r.quantity,
        unitPriceCents: Number(r.unit_price_cents),
        tender: r.tender as Tender,
        loyaltyId: r.loyalty_id,
        ageVerification: r.age_verification as AgeVerification,
        category: r.category as TobaccoCategory | null,
        manufacturerName: r.manufacturer_name,
        sku: r.sku,
        consumerUnits: r.consumer_units,
      };
    }
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { soldAt: last.sold_at, saleId: last.id, line: last.line_number };
  }
}

/** How many transactions these locations recorded with a store-local date in [from, to]. */
export async function countCstoreSales(db: Kysely<Database>, q: { locationIds: readonly string[]; from: string; to: string }): Promise<number> {
  if (q.locationIds.length === 0) return 0;
  const row = await db
    .selectFrom('cstore_sales')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('location_id', 'in', q.locationIds)
    .where('local_date', '>=', q.from)
    .where('local_date', '<=', q.to)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
