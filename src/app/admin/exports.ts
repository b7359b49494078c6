import { balanceRows, ledgerRows, transactionRows } from '../../adapters/db/repositories/exports.repository.ts';
import { findProgram } from '../../adapters/db/repositories/config.repository.ts';
import { formatMajor, minorDigits } from '../../domain/money.ts';
import { invalidField } from '../../errors.ts';
import { type AdminContext, assertProgramInScope, instantParam, notFound } from './context.ts';

/**
 * Finance exports: one program's transactions, points ledger or balances as rows with a fixed,
 * documented column layout (docs/admin-api.md#exports). The rows are read page by page while the
 * answer streams; only the validation happens before the first byte.
 */
export const EXPORT_KINDS = ['transactions', 'ledger', 'balances'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export type Cell = string | number | null;

export interface Export {
  filename: string;
  columns: readonly string[];
  rows: AsyncIterable<Cell[]>;
}

export const EXPORT_COLUMNS = {
  transactions: [
    'transaction_id',
    'created_at',
    'store_id',
    'store_name',
    'pos_vendor',
    'terminal',
    'pos_transaction_id',
    'receipt_code',
    'status',
    'guest_id',
    'currency',
    'subtotal',
    'subtotal_minor',
    'points_earned',
    'points_redeemed',
    'claimed_at',
    'voided_at',
  ],
  ledger: ['entry_id', 'created_at', 'guest_id', 'kind', 'points', 'balance_after', 'transaction_id', 'receipt_code', 'reason'],
  balances: ['guest_id', 'email', 'name', 'balance', 'last_activity_at', 'enrolled_at', 'as_of'],
} as const satisfies Record<ExportKind, readonly string[]>;

export async function exportRows(ctx: AdminContext, programId: string, kind: ExportKind, range: { from?: string; to?: string }): Promise<Export> {
  assertProgramInScope(ctx.actor, programId);
  const program = await findProgram(ctx.db, programId);
  if (!program) throw notFound('program', programId);
  const from = instantParam(range.from, 'from');
  const to = instantParam(range.to, 'to', true);
  if (from !== undefined && to !== undefined && from > to) throw invalidField('from', 'must not be after to');
  const span = `${(range.from ?? 'start').slice(0, 10)}_${(range.to ?? ctx.now.toISOString()).slice(0, 10)}`;
  const filename = kind === 'balances' ? `${program.slug}-balances-${ctx.now.toISOString().slice(0, 10)}.csv` : `${program.slug}-${kind}-${span}.csv`;
  const columns = EXPORT_COLUMNS[kind];
  const digits = minorDigits(program.currency);
  const asOf = ctx.now.toISOString();
  // Rows are read up to "now": a sale written while the export streams is in the next export.
  const until = to === undefined || to > asOf ? asOf : to;
  async function* rows(): AsyncGenerator<Cell[]> {
    switch (kind) {
      case 'transactions':
        for await (const t of transactionRows(ctx.db, programId, { from, to: until })) {
          yield [
            t.id,
            t.created_at,
            t.store_external_id,
            t.store_name,
            t.pos_vendor,
            t.terminal,
            t.pos_transaction_id,
            t.receipt_code,
            t.status,
            t.guest_id,
            program!.currency,
            formatMajor(t.subtotal_cents, digits),
            t.subtotal_cents,
            t.points_earned,
            t.points_redeemed,
            t.claimed_at,
            t.voided_at,
          ];
        }
        return;
      case 'ledger':
        for await (const l of ledgerRows(ctx.db, programId, { from, to: until })) {
          yield [l.id, l.created_at, l.guest_id, l.kind, l.points, l.balance_after, l.transaction_id, l.receipt_code, l.reason];
        }
        return;
      case 'balances':
        for await (const g of balanceRows(ctx.db, programId)) yield [g.id, g.email, g.name, g.balance, g.last_activity_at, g.created_at, asOf];
        return;
    }
  }
  return { filename, columns, rows: rows() };
}
