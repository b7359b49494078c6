import { type Kysely, sql } from 'kysely';
import { addDays } from '../../../domain/calendar.ts';
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
  await db.insertInto('cstore_sales').values(headerRow(sale, lines[0]!)).execute();
  await db
    .insertInto('cstore_sale_lines')
    .values(lines.map((l) => lineRow(sale.id, l)))
    .execute();
}

const headerRow = (sale: CstoreSaleRecord, first: RecordedLine) => ({
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
});

const lineRow = (saleId: string, l: RecordedLine) => ({
  sale_id: saleId,
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
});

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

const SALE_LINES_PAGE = 5_000;
const HOUR_MS = 3_600_000;
const localDate = sql<string>`${sql.ref('s.local_date')} || ''`;

/** What happened to one transaction of a batch: stored now, stored before with the same contents, or stored before with other contents. */
export type BatchInsertOutcome = 'inserted' | 'replayed' | 'conflict';

const keyOf = (s: Pick<CstoreSaleRecord, 'locationId' | 'registerId' | 'transactionId'>) => `${s.locationId}\u0000${s.registerId}\u0000${s.transactionId}`;
// rows per INSERT: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters
const HEADERS_PER_INSERT = 1_000;
const LINES_PER_INSERT = 2_000;
const KEYS_PER_SELECT = 1_000;

/**
 * Stores many transactions in one database transaction (a journal import's batch): each one whose
 * location + register + POS transaction id is new, or earlier in the batch, is inserted; one
 * recorded before is `replayed` when its body hash is the same and `conflict` otherwise — nothing is
 * written for those. Outcomes in the order of `sales`. When another writer inserts one of the keys
 * meanwhile, the batch is rolled back and stored one transaction at a time instead.
 */
export async function insertCstoreSalesBatch(
  db: Kysely<Database>,
  sales: readonly { sale: CstoreSaleRecord; lines: readonly RecordedLine[] }[],
): Promise<BatchInsertOutcome[]> {
  if (sales.length === 0) return [];
  try {
    return await inTransaction(db, async (trx) => {
      const known = new Map<string, string>();
      // exact keys as a row-value IN over VALUES: both engines answer it from the unique index
      for (let i = 0; i < sales.length; i += KEYS_PER_SELECT) {
        const keys = sales.slice(i, i + KEYS_PER_SELECT).map(({ sale: s }) => sql`(${s.locationId}, ${s.registerId}, ${s.transactionId})`);
        const rows = await trx
          .selectFrom('cstore_sales')
          .select(['location_id', 'register_id', 'pos_transaction_id', 'body_hash'])
          .where(sql<boolean>`(location_id, register_id, pos_transaction_id) in (values ${sql.join(keys)})`)
          .execute();
        for (const r of rows) known.set(keyOf({ locationId: r.location_id, registerId: r.register_id, transactionId: r.pos_transaction_id }), r.body_hash);
      }
      const outcomes: BatchInsertOutcome[] = [];
      const fresh: { sale: CstoreSaleRecord; lines: readonly RecordedLine[] }[] = [];
      for (const s of sales) {
        const key = keyOf(s.sale);
        const hash = known.get(key);
        if (hash === undefined) {
          known.set(key, s.sale.bodyHash);
          fresh.push(s);
          outcomes.push('inserted');
        } else outcomes.push(hash === s.sale.bodyHash ? 'replayed' : 'conflict');
      }
      for (let i = 0; i < fresh.length; i += HEADERS_PER_INSERT) {
        await trx
          .insertInto('cstore_sales')
          .values(fresh.slice(i, i + HEADERS_PER_INSERT).map(({ sale, lines }) => headerRow(sale, lines[0]!)))
          .execute();
      }
      const lineRows = fresh.flatMap(({ sale, lines }) => lines.map((l) => lineRow(sale.id, l)));
      for (let i = 0; i < lineRows.length; i += LINES_PER_INSERT) {
        await trx
          .insertInto('cstore_sale_lines')
          .values(lineRows.slice(i, i + LINES_PER_INSERT))
          .execute();
      }
      return outcomes;
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const outcomes: BatchInsertOutcome[] = [];
    for (const s of sales) {
      if (await insertCstoreSaleOnce(db, s.sale, s.lines)) outcomes.push('inserted');
      else {
        const before = await findCstoreSale(db, s.sale.locationId, s.sale.registerId, s.sale.transactionId);
        outcomes.push(before?.bodyHash === s.sale.bodyHash ? 'replayed' : 'conflict');
      }
    }
    return outcomes;
  }
}

/**
 * The sale lines of some locations (one location, or an account's) whose store-local date is in
 * [from, to], in time order (sold at, then transaction, then line number — so each basket's lines
 * are adjacent, as `priceSales` wants), as {@link SaleLine}s. Memory stays flat in the week's size.
 *
 * The week is walked in one-hour windows of `sold_at` (stored as UTC ISO text, so text order is time
 * order; every store-local date of [from, to] lies in [from − 1 day, to + 2 days) whatever the time
 * zone), each read in keyset pages of `pageSize` lines. A page costs a seek per location into the
 * (location, sold_at) index and a sort of what is left of its hour only: one query over the whole
 * week would sort every line of every location again for each page (minutes for a chain's week).
 */
export async function* saleLinesOfWeek(
  db: Kysely<Database>,
  q: { locationIds: readonly string[]; from: string; to: string },
  pageSize = SALE_LINES_PAGE,
): AsyncGenerator<SaleLine> {
  if (q.locationIds.length === 0) return;
  type After = { soldAt: string; saleId: string; line: number };
  const page = (from: string, until: string, after: After | null) => {
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
      .where('s.sold_at', '>=', after ? after.soldAt : from)
      .where('s.sold_at', '<', until)
      // `|| ''` on purpose: no index may serve the date test, so that (location, sold_at) drives
      // the read; SQLite, without ANALYZE statistics, otherwise picks cstore_sales_week as often.
      .where(localDate, '>=', q.from)
      .where(localDate, '<=', q.to);
    if (after) {
      // after (sold_at, id, line), given sold_at >= after.soldAt above (the bound the index seeks by)
      query = query.where((eb) =>
        eb.or([
          eb('s.sold_at', '>', after.soldAt),
          eb('s.id', '>', after.saleId),
          eb.and([eb('s.id', '=', after.saleId), eb('l.line_number', '>', after.line)]),
        ]),
      );
    }
    return query.orderBy('s.sold_at').orderBy('s.id').orderBy('l.line_number').limit(pageSize).execute();
  };
  const first = Date.parse(`${addDays(q.from, -1)}T00:00:00.000Z`);
  const last = Date.parse(`${addDays(q.to, 2)}T00:00:00.000Z`);
  for (let w = first; w < last; w += HOUR_MS) {
    const windowStart = new Date(w).toISOString();
    const windowEnd = new Date(w + HOUR_MS).toISOString();
    let after: After | null = null;
    for (;;) {
      const rows = await page(windowStart, windowEnd, after);
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
      if (rows.length < pageSize) break;
      const end = rows[rows.length - 1]!;
      after = { soldAt: end.sold_at, saleId: end.id, line: end.line_number };
    }
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
