import type { LedgerEntryInput, LedgerRow } from '../../adapters/db/repositories/points-ledger.repository.ts';
import type { ClaimWrite } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';

/**
 * Writes a CLAIMED update: moves the guest's points, appends the ledger rows, records the
 * redemptions, sets the transaction CLAIMED with its stored answer, enqueues its event and drops the
 * redeemed incentives from the guest's pre-selection — all or nothing. Two implementations
 * (adapters/db/repositories/claim-writers.ts): a short database transaction (every engine) and, where the
 * database can (`DbCapabilities.singleStatementClaim`), one autocommit statement that falls back to
 * the transaction. Chosen once, at composition (`claimWriterFor`); the sale use case never asks
 * which engine it runs on.
 *
 * @example
 * const outcome = await writer.claim({ programId, guestId, expectedBalance: 120, entries, redeemedIncentiveIds: [], at, compose });
 * if (outcome.status === 'claimed') return outcome.answer;
 */
export interface ClaimWriter {
  claim<T>(request: ClaimRequest<T>): Promise<ClaimOutcome<T>>;
}

export interface ClaimRequest<T> {
  programId: string;
  guestId: string;
  /** The guest's balance the sale was evaluated with. */
  expectedBalance: number;
  /** The points the claim moves, in order (redeem, then earn). */
  entries: LedgerEntryInput[];
  /** Incentives the sale redeemed: they leave the guest's pre-selection. */
  redeemedIncentiveIds: string[];
  /** ISO time of the claim */
  at: string;
  /**
   * Everything the claim writes besides the balance, given the balance after it and its ledger
   * rows, with the answer the caller gets back (stored in `claim.claim_response` for retries).
   * May be called more than once (a single-statement attempt, then the transaction): each call
   * builds fresh rows.
   */
  compose(balance: number, ledger: LedgerRow[]): { write: ClaimWrite; answer: T };
}

export type ClaimOutcome<T> =
  | { status: 'claimed'; answer: T }
  /** Another request claimed or voided the transaction first; nothing was written. */
  | { status: 'lost-race' }
  /** The balance no longer covers the points redeemed; nothing was written. */
  | { status: 'insufficient-points'; available: number | null };
