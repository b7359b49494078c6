import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Row sources of the finance exports: async generators that read a program's rows in keyset pages
 * by primary key, so an export of any size holds one page in memory, never holds the database in
 * one long read, and each page continues the primary-key index where the last one stopped (no
 * sort, no second pass: the tables have no (program, created_at) index to page on). Ids are
 * UUIDv7, time-ordered, so id order is the order rows were written in.
 */

export const EXPORT_PAGE = 1000;

export interface ExportRange {
  /** ISO instant, inclusive */
  from?: string;
  /** ISO instant, inclusive */
  to?: string;
}

export interface TransactionExportRow {
  id: string;
  created_at: string;
  store_external_id: string;
  store_name: string;
  pos_vendor: string;
  terminal: string;
  pos_transaction_id: string;
  receipt_code: string;
  status: string;
  guest_id: string | null;
  subtotal_cents: number;
  points_earned: number;
  points_redeemed: number;
  claimed_at: string | null;
  voided_at: string | null;
}

export async function* transactionRows(
  db: Kysely<Database>,
  programId: string,
  range: ExportRange,
  pageSize = EXPORT_PAGE,
): AsyncGenerator<TransactionExportRow> {
  // Stores are few: one read up front instead of a join in every page (which the planner may turn into a whole-table join).
  const stores = new Map(
    (await db.selectFrom('stores').select(['id', 'external_id', 'name']).where('program_id', '=', programId).execute()).map((st) => [st.id, st]),
  );
  let last = '';
  for (;;) {
    let q = db
      .selectFrom('loyalty_transactions')
      .select([
        'id',
        'created_at',
        'store_id',
        'pos_vendor',
        'terminal',
        'pos_transaction_id',
        'receipt_code',
        'status',
        'guest_id',
        'subtotal_cents',
        'points_earned',
        'points_redeemed',
        'claimed_at',
        'voided_at',
      ])
      .where('program_id', '=', programId);
    if (range.from) q = q.where('created_at', '>=', range.from);
    if (range.to) q = q.where('created_at', '<=', range.to);
    const rows = await q.where('id', '>', last).orderBy('id').limit(pageSize).execute();
    for (const { store_id, ...r } of rows) {
      const store = stores.get(store_id);
      yield { ...r, store_external_id: store?.external_id ?? '', store_name: store?.name ?? '' };
    }
    if (rows.length < pageSize) return;
    last = rows[rows.length - 1]!.id;
  }
}

export interface LedgerExportRow {
  id: string;
  created_at: string;
  guest_id: string;
  kind: string;
  points: number;
  balance_after: number;
  transaction_id: string | null;
  receipt_code: string | null;
  reason: string | null;
}

export async function* ledgerRows(db: Kysely<Database>, programId: string, range: ExportRange, pageSize = EXPORT_PAGE): AsyncGenerator<LedgerExportRow> {
  let last = '';
  for (;;) {
    let q = db
      .selectFrom('points_ledger')
      .select(['id', 'created_at', 'guest_id', 'kind', 'points', 'balance_after', 'transaction_id', 'reason'])
      .where('program_id', '=', programId);
    if (range.from) q = q.where('created_at', '>=', range.from);
    if (range.to) q = q.where('created_at', '<=', range.to);
    const rows = await q.where('id', '>', last).orderBy('id').limit(pageSize).execute();
    // The page's receipt codes by primary key, rather than a join the planner may run over both tables.
    const txnIds = [...new Set(rows.flatMap((r) => (r.transaction_id ? [r.transaction_id] : [])))];
    const codes = new Map(
      txnIds.length === 0
        ? []
        : (await db.selectFrom('loyalty_transactions').select(['id', 'receipt_code']).where('id', 'in', txnIds).execute()).map((t) => [t.id, t.receipt_code]),
    );
    for (const r of rows) yield { ...r, receipt_code: r.transaction_id ? (codes.get(r.transaction_id) ?? null) : null };
    if (rows.length < pageSize) return;
    last = rows[rows.length - 1]!.id;
  }
}

export interface BalanceExportRow {
  id: string;
  email: string | null;
  name: string;
  balance: number;
  last_activity_at: string | null;
  created_at: string;
}

/** Every guest of the program with the balance now, by id. */
export async function* balanceRows(db: Kysely<Database>, programId: string, pageSize = EXPORT_PAGE): AsyncGenerator<BalanceExportRow> {
  let last = '';
  for (;;) {
    const rows = await db
      .selectFrom('guests')
      .select(['id', 'email', 'name', 'balance', 'last_activity_at', 'created_at'])
      .where('program_id', '=', programId)
      .where('id', '>', last)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    yield* rows;
    if (rows.length < pageSize) return;
    last = rows[rows.length - 1]!.id;
  }
}
