import type { PosSaleInput } from '../../domain/scandata/pos-sale.ts';

/**
 * A POS journal file read basket by basket (issue #12, sales in by import). A reader
 * (`adapters/scandata/journal/*`) turns one file format — CSV, NAXML POSJournal — into these
 * items; vendor field names stop there. The import use case maps each basket to sale lines,
 * checks it and stores it; it never sees the file.
 */

/** One POS transaction as the file gives it. */
export interface JournalBasket {
  kind: 'basket';
  /** where the basket starts in the file: its first CSV line, or the line of its XML event element */
  row: number;
  /** the location the file names for this basket (CSV `location` column), or null: the import's location */
  location: string | null;
  /**
   * The transaction. `soldAt` is an ISO 8601 instant, or a store-local date-time without an offset
   * (`YYYY-MM-DDTHH:MM:SS`) that the import reads in the location's time zone.
   */
  sale: PosSaleInput;
  /** the file row of each of `sale.lines` */
  lineRows: readonly number[];
}

/** A part of the file that cannot be imported, with where it is and why. */
export interface JournalReject {
  kind: 'reject';
  /** CSV line or XML line, from 1 */
  row: number;
  transactionId: string | null;
  reason: string;
  /** journal lines (items) not imported because of this: the whole basket's */
  lines: number;
}

/** Something in the file that is not a sale and is skipped on purpose (a training-mode or voided transaction …). */
export interface JournalSkip {
  kind: 'skip';
  row: number;
  reason: string;
}

export type JournalItem = JournalBasket | JournalReject | JournalSkip;

/** The file's bytes, in chunks, as a file stream or a request body delivers them. */
export type JournalSource = AsyncIterable<Buffer | string>;

/**
 * A journal format: reads its source lazily (memory flat in the file's size) and yields the file's
 * baskets, rejects and skips in file order. A file it cannot read at all (a CSV header without a
 * required column) throws `AppError('ValidationError')` before the first item.
 */
export interface JournalFormat {
  id: 'csv' | 'naxml';
  description: string;
  /** the file's name for a sale field the import may name in a reject's reason (`productId` → `upc`) */
  fieldNames: Readonly<Record<string, string>>;
  read(source: JournalSource): AsyncIterable<JournalItem>;
}
