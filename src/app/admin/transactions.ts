import { eventsOfTransaction } from '../../adapters/db/repositories/outbox.repository.ts';
import type { LoyaltyTransactionTable, TransactionStatus } from '../../adapters/db/schema.ts';
import type { RuleResults } from '../../domain/rule-results.ts';
import { AppError, invalidField } from '../../errors.ts';
import { UUID } from '../../lib/ids.ts';
import type { LoyaltyService } from '../loyalty.service.ts';
import { type AdminContext, assertProgramInScope, audit, beforeCursor, instantParam, notFound, type Page, type PageRequest, pageLimit, toPage } from './context.ts';
import { type LedgerEntryView, ledgerEntryView } from './guests.ts';

export const TRANSACTION_STATUSES: readonly TransactionStatus[] = ['OPEN', 'PENDING', 'CLAIMED', 'VOIDED', 'UNCLAIMED'];

export interface TransactionSummary {
  id: string;
  storeId: string;
  storeExternalId: string;
  guestId: string | null;
  status: TransactionStatus;
  posVendor: string;
  terminal: string;
  posTransactionId: string;
  receiptCode: string;
  subtotalCents: number;
  pointsEarned: number;
  pointsRedeemed: number;
  createdAt: string;
  updatedAt: string;
  claimedAt: string | null;
  voidedAt: string | null;
}

export interface TransactionDetail extends TransactionSummary {
  operator: string | null;
  serviceMode: string | null;
  channel: string | null;
  /** the last canonical cart the POS sent */
  cart: unknown;
  selections: string[];
  redemptions: { incentiveId: string; kind: string; quantity: number; points: number; voidedAt: string | null }[];
  ledger: LedgerEntryView[];
  /** what the POS was answered to its CLAIMED update (points, receipt lines), as sent; null before */
  posAnswer: unknown;
  /** the events the sale announced (claimed, voided, receipt claimed …), oldest first */
  events: { id: string; type: string; at: string; dispatchedAt: string | null; data: Record<string, unknown> }[];
  /** what the last validate, PENDING or CLAIMED evaluation decided per incentive and rule; null before any */
  ruleResults: RuleResults | null;
}

type Row = LoyaltyTransactionTable & { store_external_id: string };

function summary(row: Row): TransactionSummary {
  return {
    id: row.id,
    storeId: row.store_id,
    storeExternalId: row.store_external_id,
    guestId: row.guest_id,
    status: row.status,
    posVendor: row.pos_vendor,
    terminal: row.terminal,
    posTransactionId: row.pos_transaction_id,
    receiptCode: row.receipt_code,
    subtotalCents: row.subtotal_cents,
    pointsEarned: row.points_earned,
    pointsRedeemed: row.points_redeemed,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    claimedAt: row.claimed_at,
    voidedAt: row.voided_at,
  };
}

export interface TransactionSearch extends PageRequest {
  /** Tillpoint store id */
  storeId?: string;
  /** the POS store number */
  storeExternalId?: string;
  status?: TransactionStatus;
  guestId?: string;
  receiptCode?: string;
  /** created at or after: YYYY-MM-DD (UTC day) or an ISO date-time */
  from?: string;
  /** created at or before: YYYY-MM-DD (the whole UTC day) or an ISO date-time */
  to?: string;
}

function baseQuery(ctx: AdminContext, programId: string) {
  return ctx.db
    .selectFrom('loyalty_transactions as t')
    .innerJoin('stores as s', (j) => j.onRef('s.id', '=', 't.store_id').onRef('s.program_id', '=', 't.program_id'))
    .selectAll('t')
    .select('s.external_id as store_external_id')
    .where('t.program_id', '=', programId);
}

/** Sales of one program, newest first, by store, status, guest, receipt code and date range. */
export async function searchTransactions(ctx: AdminContext, programId: string, s: TransactionSearch): Promise<Page<TransactionSummary>> {
  assertProgramInScope(ctx.actor, programId);
  const limit = pageLimit(s.limit);
  if (s.status !== undefined && !TRANSACTION_STATUSES.includes(s.status)) throw invalidField('status', `must be one of ${TRANSACTION_STATUSES.join(', ')}`);
  const from = instantParam(s.from, 'from');
  const to = instantParam(s.to, 'to', true);
  let q = baseQuery(ctx, programId);
  if (s.storeId !== undefined) q = q.where('t.store_id', '=', s.storeId);
  if (s.storeExternalId !== undefined) q = q.where('s.external_id', '=', s.storeExternalId);
  if (s.status !== undefined) q = q.where('t.status', '=', s.status);
  if (s.guestId !== undefined) q = q.where('t.guest_id', '=', s.guestId.toLowerCase());
  if (s.receiptCode !== undefined) q = q.where('t.receipt_code', '=', s.receiptCode.trim().toUpperCase());
  if (from !== undefined) q = q.where('t.created_at', '>=', from);
  if (to !== undefined) q = q.where('t.created_at', '<=', to);
  if (s.cursor) q = q.where(beforeCursor(s.cursor, 't.created_at', 't.id'));
  const rows = await q.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').limit(limit + 1).execute();
  return toPage(rows, limit, (r) => [r.created_at, r.id], summary);
}

export async function getTransaction(ctx: AdminContext, programId: string, transactionId: string): Promise<TransactionDetail> {
  assertProgramInScope(ctx.actor, programId);
  const row = UUID.test(transactionId) ? await baseQuery(ctx, programId).where('t.id', '=', transactionId.toLowerCase()).executeTakeFirst() : undefined;
  if (!row) throw notFound('transaction', transactionId);
  const [redemptions, ledger] = await Promise.all([
    ctx.db.selectFrom('redemptions').selectAll().where('program_id', '=', programId).where('transaction_id', '=', row.id).orderBy('created_at').orderBy('id').execute(),
    ctx.db.selectFrom('points_ledger').selectAll().where('program_id', '=', programId).where('transaction_id', '=', row.id).orderBy('created_at').orderBy('id').execute(),
  ]);
  const instants = [row.claimed_at, row.voided_at, ...ledger.map((l) => l.created_at)].filter((x): x is string => x !== null);
  const events = await eventsOfTransaction(ctx.db, programId, row.id, instants);
  return {
    ...summary(row),
    operator: row.operator,
    serviceMode: row.service_mode,
    channel: row.channel,
    cart: row.cart ? (JSON.parse(row.cart) as unknown) : null,
    selections: JSON.parse(row.selections) as string[],
    redemptions: redemptions.map((r) => ({ incentiveId: r.incentive_id, kind: r.kind, quantity: r.quantity, points: r.points, voidedAt: r.voided_at })),
    ledger: ledger.map(ledgerEntryView),
    posAnswer: row.claim_response ? (JSON.parse(row.claim_response) as unknown) : null,
    events,
    ruleResults: row.rule_results ? (JSON.parse(row.rule_results) as RuleResults) : null,
  };
}

/**
 * Voids a sale from the back office through the same use case the POS calls (so the points move
 * exactly as for a POS void), with the audit entry written inside the void's own transaction.
 */
export async function voidTransactionAs(ctx: AdminContext, loyalty: LoyaltyService, programId: string, transactionId: string, reason?: string): Promise<TransactionDetail> {
  assertProgramInScope(ctx.actor, programId);
  if (reason !== undefined && reason.length > 500) throw invalidField('reason', 'must be at most 500 characters');
  const current = await getTransaction(ctx, programId, transactionId);
  if (current.status === 'VOIDED') return current;
  const principal = { keyId: `${ctx.actor.type}:${ctx.actor.id}`, programId, vendor: current.posVendor, environment: 'admin' };
  try {
    await loyalty.void(principal, current.id, {
      voidedBy: 'admin',
      inTransaction: async (trx, before) => {
        await audit(trx, ctx, {
          programId,
          action: 'transaction.void',
          entityType: 'transaction',
          entityId: before.id,
          before: { status: before.status, pointsEarned: before.points_earned, pointsRedeemed: before.points_redeemed },
          after: { status: 'VOIDED' },
          reason: reason ?? null,
        });
      },
    });
  } catch (e) {
    if (e instanceof AppError && e.code === 'TransactionNotFoundError') throw notFound('transaction', transactionId);
    throw e;
  }
  return getTransaction(ctx, programId, current.id);
}
