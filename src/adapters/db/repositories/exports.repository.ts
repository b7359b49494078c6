import { type Kysely, sql, type SqlBool } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Row sources of the finance exports: async generators that read a program's rows in keyset pages
 * (oldest first), so an export of any size holds one page in memory and never blocks the database
 * with one long read.
 */

export const EXPORT_PAGE = 1000;

export interface ExportRange {
  /** ISO instant, inclusive */
  from?: string;
  /** ISO instant, inclusive */
  to?: string;
}

const after = (at: string, id: string, atColumn: string, idColumn: string) =>
  sql<SqlBool>`(${sql.ref(atColumn)} > ${at} or (${sql.ref(atColumn)} = ${at} and ${sql.ref(idColumn)} > ${id}))`;

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

export async function* transactionRows(db: Kysely<Database>, programId: string, range: ExportRange, pageSize = EXPORT_PAGE): AsyncGenerator<TransactionExportRow> {
  let last: { at: string; id: string } | null = null;
  for (;;) {
    let q = db
      .selectFrom('loyalty_transactions as t')
      .innerJoin('stores as s', 's.id', 't.store_id')
      .select([
        't.id',
        't.created_at',
        's.external_id as store_external_id',
        's.name as store_name',
        't.pos_vendor',
        't.terminal',
        't.pos_transaction_id',
        't.receipt_code',
        't.status',
        't.guest_id',
        't.subtotal_cents',
        't.points_earned',
        't.points_redeemed',
        't.claimed_at',
        't.voided_at',
      ])
      .where('t.program_id', '=', programId);
    if (range.from) q = q.where('t.created_at', '>=', range.from);
    if (range.to) q = q.where('t.created_at', '<=', range.to);
    if (last) q = q.where(after(last.at, last.id, 't.created_at', 't.id'));
    const rows = await q.orderBy('t.created_at').orderBy('t.id').limit(pageSize).execute();
    yield* rows;
    if (rows.length < pageSize) return;
    const end = rows[rows.length - 1]!;
    last = { at: end.created_at, id: end.id };
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
  let last: { at: string; id: string } | null = null;
  for (;;) {
    let q = db
      .selectFrom('points_ledger as l')
      .leftJoin('loyalty_transactions as t', 't.id', 'l.transaction_id')
      .select(['l.id', 'l.created_at', 'l.guest_id', 'l.kind', 'l.points', 'l.balance_after', 'l.transaction_id', 't.receipt_code', 'l.reason'])
      .where('l.program_id', '=', programId);
    if (range.from) q = q.where('l.created_at', '>=', range.from);
    if (range.to) q = q.where('l.created_at', '<=', range.to);
    if (last) q = q.where(after(last.at, last.id, 'l.created_at', 'l.id'));
    const rows = await q.orderBy('l.created_at').orderBy('l.id').limit(pageSize).execute();
    yield* rows;
    if (rows.length < pageSize) return;
    const end = rows[rows.length - 1]!;
    last = { at: end.created_at, id: end.id };
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
