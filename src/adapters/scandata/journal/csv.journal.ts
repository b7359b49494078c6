import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { JournalBasket, JournalFormat, JournalItem, JournalSource } from '../../../app/ports/journal-reader.ts';
import { MoneyFormatError, parseMajor } from '../../../domain/money.ts';
import type { PosLineKind, PosSaleLineInput } from '../../../domain/scandata/pos-sale.ts';
import type { AgeVerification, Tender, TobaccoCategory } from '../../../domain/scandata/sale-line.ts';
import { AppError } from '../../../errors.ts';

/**
 * The CSV journal layout (docs/scan-data.md, "Importing a POS journal"): a header row naming the
 * columns (any order, case-insensitive), then one row per line item. Consecutive rows with the same
 * location + register + transaction form one basket; the basket's columns (sold_at, tender,
 * loyalty_id, age_verification) must agree on its rows. Amounts in dollars `d.dd`; the sign comes
 * from `kind` (sale, void, refund), quantities are positive.
 */

/** Every column the layout knows; the first six are required (location only without `--location`). */
export const CSV_JOURNAL_COLUMNS = [
  'location',
  'register',
  'transaction',
  'sold_at',
  'upc',
  'quantity',
  'unit_price',
  'kind',
  'description',
  'unit',
  'category',
  'tender',
  'loyalty_id',
  'age_verification',
  'sku',
  'manufacturer',
  'consumer_units',
] as const;
type Column = (typeof CSV_JOURNAL_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['register', 'transaction', 'sold_at', 'upc', 'quantity', 'unit_price'];
const BASKET_COLUMNS = ['sold_at', 'tender', 'loyalty_id', 'age_verification'] as const;

type Row = Partial<Record<Column, string>>;

interface Pending {
  key: string;
  row: number;
  lastRow: number;
  first: Row;
  location: string | null;
  lines: PosSaleLineInput[];
  lineRows: number[];
  /** the first bad row and its reason, and how many more */
  bad: { row: number; reason: string } | null;
  moreBad: number;
}

const WHOLE = /^\d+$/;

/** One row's line item, or why it is wrong (column names as in the file). */
function lineOf(r: Row): PosSaleLineInput | string {
  const kind = (r.kind || 'sale').toLowerCase();
  if (kind !== 'sale' && kind !== 'void' && kind !== 'refund') return `kind "${r.kind}" must be sale, void or refund`;
  if (!r.upc) return 'upc is required';
  if (!r.quantity || !WHOLE.test(r.quantity) || Number(r.quantity) < 1)
    return `quantity "${r.quantity ?? ''}" must be a whole number of units, at least 1 (the sign comes from kind)`;
  let unitPriceCents: number;
  try {
    unitPriceCents = parseMajor(r.unit_price ?? '');
  } catch (e) {
    if (!(e instanceof MoneyFormatError)) throw e;
    return `unit_price "${r.unit_price ?? ''}" must be dollars like 8.99`;
  }
  if (unitPriceCents < 0) return `unit_price "${r.unit_price}" must not be negative (the sign comes from kind)`;
  if (r.consumer_units && (!WHOLE.test(r.consumer_units) || Number(r.consumer_units) < 1))
    return `consumer_units "${r.consumer_units}" must be a whole number ≥ 1`;
  return {
    productId: r.upc,
    description: r.description ?? '',
    unitOfMeasure: r.unit || undefined,
    quantity: Number(r.quantity),
    unitPriceCents,
    kind: kind as PosLineKind,
    category: (r.category || null) as TobaccoCategory | null,
    sku: r.sku || null,
    manufacturerName: r.manufacturer || null,
    consumerUnits: r.consumer_units ? Number(r.consumer_units) : undefined,
  };
}

function finish(p: Pending): JournalItem {
  const rows = p.row === p.lastRow ? `row ${p.row}` : `rows ${p.row}–${p.lastRow}`;
  const transactionId = p.first.transaction ?? null;
  if (p.bad) {
    const more = p.moreBad ? ` (and ${p.moreBad} more bad row${p.moreBad === 1 ? '' : 's'})` : '';
    const whole = p.lineRows.length + p.moreBad + 1 > 1 ? `; basket ${transactionId} rejected whole (${rows})` : '';
    return { kind: 'reject', row: p.bad.row, transactionId, reason: `${p.bad.reason}${more}${whole}`, lines: p.lineRows.length + p.moreBad + 1 };
  }
  const basket: JournalBasket = {
    kind: 'basket',
    row: p.row,
    location: p.location,
    lineRows: p.lineRows,
    sale: {
      registerId: p.first.register!,
      transactionId: p.first.transaction!,
      soldAt: p.first.sold_at!,
      tender: (p.first.tender || 'other').toLowerCase() as Tender,
      loyaltyId: p.first.loyalty_id || null,
      ageVerification: (p.first.age_verification || 'none').toLowerCase() as AgeVerification,
      lines: p.lines,
    },
  };
  return basket;
}

function headerOf(names: string[]): Column[] {
  const cols = names.map((n) => n.trim().toLowerCase());
  const unknown = cols.filter((c) => !(CSV_JOURNAL_COLUMNS as readonly string[]).includes(c));
  if (unknown.length)
    throw new AppError(
      'ValidationError',
      `CSV journal: unknown column ${unknown.map((c) => `"${c}"`).join(', ')} in the header row (known: ${CSV_JOURNAL_COLUMNS.join(', ')})`,
      { field: 'body' },
    );
  const missing = REQUIRED.filter((c) => !cols.includes(c));
  if (missing.length)
    throw new AppError('ValidationError', `CSV journal: the header row lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, {
      field: 'body',
    });
  return cols as Column[];
}

/**
 * Reads a CSV journal lazily: one basket in memory at a time.
 * @example for await (const item of readCsvJournal(createReadStream('journal.csv'))) …
 */
export async function* readCsvJournal(source: JournalSource): AsyncGenerator<JournalItem> {
  // csv-parse is loaded by the first import, not by every process that knows the journal formats
  const { parse } = await import('csv-parse');
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true });
  const feeding = pipeline(Readable.from(source, { objectMode: false }), parser);
  // A parse error surfaces through the iteration below; keep the pipeline's own promise from being unhandled.
  feeding.catch(() => {});
  let header: Column[] | null = null;
  let p: Pending | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      if (!header) {
        header = headerOf(record);
        continue;
      }
      const r: Row = {};
      for (let i = 0; i < header.length; i++) {
        const v = record[i];
        if (v !== undefined && v !== '') r[header[i]!] = v;
      }
      const key = `${r.location ?? ''}\u0000${r.register ?? ''}\u0000${r.transaction ?? ''}`;
      if (p && p.key !== key) {
        yield finish(p);
        p = null;
      }
      if (!p) p = { key, row: line, lastRow: line, first: r, location: r.location ?? null, lines: [], lineRows: [], bad: null, moreBad: 0 };
      p.lastRow = line;
      const problem = rowProblem(r, p.first, record.length, header.length) ?? null;
      const item = problem ?? lineOf(r);
      if (typeof item === 'string') {
        if (p.bad) p.moreBad++;
        else p.bad = { row: line, reason: item };
      } else {
        p.lines.push(item);
        p.lineRows.push(line);
      }
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    const err = e as { code?: string; message?: string; lines?: number };
    if (typeof err.code === 'string' && err.code.startsWith('CSV_')) {
      if (p) yield finish(p);
      yield { kind: 'reject', row: err.lines ?? 0, transactionId: null, reason: `CSV is not readable from here on: ${err.message}`, lines: 0 };
      return;
    }
    throw e;
  }
  if (p) yield finish(p);
  if (!header) throw new AppError('ValidationError', 'CSV journal: the file is empty (no header row)', { field: 'body' });
}

// PostgreSQL refuses a NUL byte in text and no journal field needs a control character
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function rowProblem(r: Row, first: Row, fields: number, columns: number): string | undefined {
  if (fields > columns) return `${fields} fields, the header names ${columns}`;
  if (CONTROL.test(Object.values(r).join(''))) return `${Object.entries(r).find(([, v]) => CONTROL.test(v))![0]} holds a control character`;
  for (const c of REQUIRED) if (!r[c]) return `${c} is required`;
  for (const c of BASKET_COLUMNS) {
    if ((r[c] ?? '') !== (first[c] ?? '')) return `${c} "${r[c] ?? ''}" differs from the basket's first row ("${first[c] ?? ''}")`;
  }
  return undefined;
}

export const csvJournal: JournalFormat = {
  id: 'csv',
  description: 'CSV, one row per line item, header row naming the columns (docs/scan-data.md)',
  fieldNames: {
    productId: 'upc',
    quantity: 'quantity',
    unitPriceCents: 'unit_price',
    kind: 'kind',
    category: 'category',
    soldAt: 'sold_at',
    tender: 'tender',
    ageVerification: 'age_verification',
    lines: 'rows',
  },
  read: readCsvJournal,
};
