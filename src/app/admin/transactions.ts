import {
  findTransactionRecord,
  searchTransactions as searchTransactionRecords,
  type TransactionRecord,
  transactionRedemptions,
} from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import { eventsOfTransaction } from '../../adapters/db/repositories/outbox.repository.ts';
import { transactionLedger } from '../../adapters/db/repositories/points-ledger.repository.ts';
import { TRANSACTION_STATUSES, type TransactionStatus } from '../../domain/transaction-status.ts';
import type { RuleResults } from '../../domain/rule-results.ts';
import { AppError, invalidField } from '../../errors.ts';
import { UUID } from '../../lib/ids.ts';
import type { LoyaltyService } from '../loyalty.service.ts';
import {
  type AdminContext,
  assertProgramInScope,
  audit,
  decodeCursor,
  instantParam,
  notFound,
  type Page,
  type PageRequest,
  pageLimit,
  toPage,
} from './context.ts';
import type { LedgerEntryView } from './guests.ts';

export { TRANSACTION_STATUSES };

/** What a list of sales shows of each: the record's identity, status, amounts and times. */
const SUMMARY_FIELDS = [
  'id',
  'storeId',
  'storeExternalId',
  'guestId',
  'status',
  'posVendor',
  'terminal',
  'posTransactionId',
  'receiptCode',
  'subtotalCents',
  'pointsEarned',
  'pointsRedeemed',
  'createdAt',
  'updatedAt',
  'claimedAt',
  'voidedAt',
] as const satisfies readonly (keyof TransactionRecord)[];

export type TransactionSummary = Pick<TransactionRecord, (typeof SUMMARY_FIELDS)[number]>;

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

function summary(t: TransactionRecord): TransactionSummary {
  return Object.fromEntries(SUMMARY_FIELDS.map((k) => [k, t[k]])) as TransactionSummary;
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

/** Sales of one program, newest first, by store, status, guest, receipt code and date range. */
export async function searchTransactions(ctx: AdminContext, programId: string, s: TransactionSearch): Promise<Page<TransactionSummary>> {
  assertProgramInScope(ctx.actor, programId);
  const limit = pageLimit(s.limit);
  if (s.status !== undefined && !TRANSACTION_STATUSES.includes(s.status)) throw invalidField('status', `must be one of ${TRANSACTION_STATUSES.join(', ')}`);
  const from = instantParam(s.from, 'from');
  const to = instantParam(s.to, 'to', true);
  const filter = {
    storeId: s.storeId,
    storeExternalId: s.storeExternalId,
    status: s.status,
    guestId: s.guestId?.toLowerCase(),
    receiptCode: s.receiptCode?.trim().toUpperCase(),
    from,
    to,
  };
  const rows = await searchTransactionRecords(ctx.db, programId, filter, decodeCursor(s.cursor), limit + 1);
  return toPage(rows, limit, (r) => [r.createdAt, r.id], summary);
}

export async function getTransaction(ctx: AdminContext, programId: string, transactionId: string): Promise<TransactionDetail> {
  assertProgramInScope(ctx.actor, programId);
  const row = UUID.test(transactionId) ? await findTransactionRecord(ctx.db, programId, transactionId.toLowerCase()) : null;
  if (!row) throw notFound('transaction', transactionId);
  const [redemptions, ledger] = await Promise.all([transactionRedemptions(ctx.db, programId, row.id), transactionLedger(ctx.db, programId, row.id)]);
  const instants = [row.claimedAt, row.voidedAt, ...ledger.map((l) => l.createdAt)].filter((x): x is string => x !== null);
  const events = await eventsOfTransaction(ctx.db, programId, row.id, instants);
  return {
    ...summary(row),
    operator: row.operator,
    serviceMode: row.serviceMode,
    channel: row.channel,
    cart: row.cart,
    selections: row.selections,
    redemptions,
    ledger,
    posAnswer: row.claimResponse,
    events,
    ruleResults: row.ruleResults as RuleResults | null,
  };
}

/**
 * Voids a sale from the back office through the same use case the POS calls (so the points move
 * exactly as for a POS void), with the audit entry written inside the void's own transaction.
 */
export async function voidTransactionAs(
  ctx: AdminContext,
  loyalty: LoyaltyService,
  programId: string,
  transactionId: string,
  reason?: string,
): Promise<TransactionDetail> {
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
