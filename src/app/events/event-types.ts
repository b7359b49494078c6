import type { LoyaltyTransactionTable } from '../../adapters/db/schema.ts';
import type { EventType } from '../../domain/event-type.ts';
import type { AppliedIncentive } from '../../domain/evaluate.ts';

/**
 * The events Tillpoint announces, each written to the outbox in the database transaction of the
 * change (so an event exists exactly when its change does) and delivered to webhooks at least
 * once. The outbox row id is the event id: receivers de-duplicate on it.
 */
export const EVENT_TYPES: Record<EventType, string> = {
  'transaction.claimed': 'A sale with an identified guest was claimed: points earned and rewards redeemed',
  'transaction.voided': 'A loyalty transaction was voided: what it earned and redeemed was reversed',
  'points.adjusted': 'A back-office user adjusted a guest’s points by hand, with a reason',
  'points.expired': 'Points expired under the program’s expiry policy',
  'receipt.claimed': 'A guest claimed an anonymous receipt by its receipt code',
};

export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[];

/** The JSON body POSTed to a webhook. */
export interface EventEnvelope<T = Record<string, unknown>> {
  /** the event id, also in the `webhook-id` header: the de-duplication key */
  id: string;
  type: EventType;
  programId: string;
  createdAt: string;
  data: T;
}

export interface TransactionClaimedData {
  transactionId: string;
  guestId: string;
  /** Tillpoint's store id (GET /admin/v1/programs/{programId}/stores/{storeId}) */
  storeId: string;
  terminal: string;
  posTransactionId: string;
  receiptCode: string;
  subtotalCents: number;
  pointsEarned: number;
  pointsRedeemed: number;
  /** the guest's balance right after the claim */
  balance: number;
  redemptions: { incentiveId: string; kind: 'REWARD' | 'OFFER'; quantity: number; points: number }[];
  claimedAt: string;
}

export function claimedEventData(
  txn: LoyaltyTransactionTable,
  guestId: string,
  e: { subtotalCents: number; pointsEarned: number; pointsRedeemed: number; applied: AppliedIncentive[] },
  balance: number,
  at: string,
): TransactionClaimedData {
  return {
    transactionId: txn.id,
    guestId,
    storeId: txn.store_id,
    terminal: txn.terminal,
    posTransactionId: txn.pos_transaction_id,
    receiptCode: txn.receipt_code,
    subtotalCents: e.subtotalCents,
    pointsEarned: e.pointsEarned,
    pointsRedeemed: e.pointsRedeemed,
    balance,
    redemptions: e.applied.map((a) => ({ incentiveId: a.incentiveId, kind: a.kind, quantity: a.quantity, points: a.points })),
    claimedAt: at,
  };
}

export interface TransactionVoidedData {
  transactionId: string;
  guestId: string | null;
  storeId: string;
  terminal: string;
  posTransactionId: string;
  receiptCode: string;
  /** the status before the void: CLAIMED reverses points; OPEN, PENDING and UNCLAIMED move none */
  previousStatus: string;
  /** redeemed points given back to the guest */
  pointsReturned: number;
  /** earned points taken back (at most what the balance covered) */
  pointsTakenBack: number;
  voidedBy: 'pos' | 'admin';
  voidedAt: string;
}

export function voidedEventData(
  txn: LoyaltyTransactionTable,
  moved: { pointsReturned: number; pointsTakenBack: number },
  voidedBy: 'pos' | 'admin',
  at: string,
): TransactionVoidedData {
  return {
    transactionId: txn.id,
    guestId: txn.guest_id,
    storeId: txn.store_id,
    terminal: txn.terminal,
    posTransactionId: txn.pos_transaction_id,
    receiptCode: txn.receipt_code,
    previousStatus: txn.status,
    pointsReturned: moved.pointsReturned,
    pointsTakenBack: moved.pointsTakenBack,
    voidedBy,
    voidedAt: at,
  };
}

export interface PointsAdjustedData {
  guestId: string;
  points: number;
  balance: number;
  reason: string;
  ledgerEntryId: string;
  adjustedBy: 'admin' | 'cli' | 'system';
  adjustedAt: string;
}
