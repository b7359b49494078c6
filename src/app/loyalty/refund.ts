import { liveRedemptions, lockClaimedSale, returnRedemption } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import { lockGuest, postEntries } from '../../adapters/db/repositories/points-ledger.repository.ts';
import { findRefund, insertRefund, refundsOfSale } from '../../adapters/db/repositories/refunds.repository.ts';
import type { LoyaltyTransactionRow } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import { inTransaction, type Tx } from '../../adapters/db/tx.ts';
import type { Cart } from '../../domain/cart.ts';
import { planRefund, type RefundCheck, type RefundedLine, refundLines, unknownRefundLine } from '../../domain/refund.ts';
import { AppError, invalidField } from '../../errors.ts';
import { canonicalJson, newId, sha256 } from '../../lib/ids.ts';
import type { PosPrincipal } from '../model.ts';
import type { LoyaltyContext } from './context.ts';

/**
 * Partial refunds of a CLAIMED sale: the POS names the refunded lines (by referenceId and
 * quantity); `planRefund` (domain/refund.ts) says what moves, this use case reads the sale and
 * applies the plan. Idempotent by the POS's `refundId`. The full void stays as it is and reverses
 * only what refunds have not.
 */
export interface RefundCommand {
  /** The POS's refund transaction id: a retry with the same id and lines answers the same. */
  refundId: string;
  lines: { referenceId: string; quantity: number }[];
  reason?: string | null;
}

export interface RefundResult {
  transactionId: string;
  refundId: string;
  /** Earned points taken back by this refund. */
  pointsReversed: number;
  /** Reward points given back by this refund. */
  pointsReturned: number;
  /** The guest's balance after the refund. */
  points: number;
  /** Rewards and offers given back (the guest may redeem them again). */
  returnedIncentives: { incentiveId: string; kind: 'REWARD' | 'OFFER'; quantity: number; points: number }[];
  lines: { referenceId: string; quantity: number }[];
}

/**
 * Refunds lines of a CLAIMED sale in one database transaction (nothing is half-written).
 *
 * @example
 * await refundSale(ctx, principal, txnId, { refundId: 'R-1001', lines: [{ referenceId: '2', quantity: 1 }] });
 * // → { pointsReversed: 29, pointsReturned: 0, points: 1234, returnedIncentives: [], … }
 */
export async function refundSale(ctx: LoyaltyContext, principal: PosPrincipal, transactionId: string, cmd: RefundCommand): Promise<RefundResult> {
  const txn = await ctx.transactions.row(principal, transactionId);
  return applyRefund(ctx.db, principal, txn, cmd, ctx.clock());
}

async function applyRefund(db: Tx, principal: PosPrincipal, txn: LoyaltyTransactionRow, cmd: RefundCommand, now: Date): Promise<RefundResult> {
  const requested = accepted(refundLines(cmd.lines)).lines;
  // Order-independent: the same lines in another order are the same refund.
  const requestHash = sha256(canonicalJson([...requested].sort((a, b) => (a.referenceId < b.referenceId ? -1 : a.referenceId > b.referenceId ? 1 : 0))));
  const nowIso = now.toISOString();
  const key = { programId: txn.program_id, transactionId: txn.id, refundKey: cmd.refundId };

  const stored = await findRefund(db, key);
  if (stored) return replay(stored, requestHash, cmd.refundId);
  if (txn.status !== 'CLAIMED' || !txn.guest_id || !txn.cart) {
    throw new AppError('TransactionNotClaimable', `Only a CLAIMED sale can be partly refunded; this loyalty transaction is ${txn.status}`);
  }
  const guestId = txn.guest_id;
  const cart = JSON.parse(txn.cart) as Cart;
  const unknown = unknownRefundLine(cart, requested);
  if (unknown) throw invalidField(unknown.field, unknown.message);

  return inTransaction(db, async (trx) => {
    // Lock the guest, then the sale, in the order CLAIMED and void take them: concurrent refunds
    // and a void of the same sale run one after the other.
    await lockGuest(trx, guestId);
    const locked = await lockClaimedSale(trx, txn.id, nowIso);
    const again = await findRefund(trx, key);
    if (again) return replay(again, requestHash, cmd.refundId);
    if (!locked) throw new AppError('TransactionNotClaimable', 'The sale was voided meanwhile; it cannot be partly refunded');

    const prior = await refundsOfSale(trx, txn.id);
    const redemptions = await liveRedemptions(trx, txn.id);
    const plan = accepted(
      planRefund(
        {
          cart,
          pointsEarned: txn.points_earned,
          prior: prior.map((p) => ({ lines: JSON.parse(p.lines) as RefundedLine[], goodsCents: p.goods_cents })),
          redemptions: redemptions.map((r) => ({
            id: r.id,
            incentiveId: r.incentive_id,
            kind: r.kind,
            quantity: r.quantity,
            returnedQuantity: r.returned_quantity,
            points: r.points,
            lineRefs: r.line_refs ? (JSON.parse(r.line_refs) as string[]) : [],
          })),
        },
        requested,
      ),
    );

    for (const r of plan.returns) await returnRedemption(trx, r.redemptionId, r.quantity);
    const reason = `partial refund ${cmd.refundId}${cmd.reason ? `: ${cmd.reason}` : ''}`.slice(0, 500);
    const afterCredit = await postEntries(
      trx,
      txn.program_id,
      guestId,
      [{ kind: 'VOID_REDEEM', points: plan.pointsReturned, transactionId: txn.id, reason }],
      nowIso,
    );
    // As for a void: take back only what the balance covers (the guest may have spent the points).
    const due = plan.pointsDue;
    const takeBack = Math.min(due, afterCredit);
    const balance = await postEntries(
      trx,
      txn.program_id,
      guestId,
      [{ kind: 'VOID_EARN', points: -takeBack, transactionId: txn.id, reason: takeBack < due ? `${reason} (balance covered ${takeBack} of ${due})` : reason }],
      nowIso,
    );

    const result: RefundResult = {
      transactionId: txn.id,
      refundId: cmd.refundId,
      pointsReversed: takeBack,
      pointsReturned: plan.pointsReturned,
      points: balance,
      returnedIncentives: plan.returns.map((r) => ({ incentiveId: r.incentiveId, kind: r.kind, quantity: r.quantity, points: r.points })),
      lines: requested,
    };
    await insertRefund(trx, {
      id: newId(),
      program_id: principal.programId,
      transaction_id: txn.id,
      guest_id: guestId,
      refund_key: cmd.refundId,
      request_hash: requestHash,
      lines: JSON.stringify(requested),
      goods_cents: plan.goodsCents,
      points_reversed: takeBack,
      points_returned: plan.pointsReturned,
      response: JSON.stringify(result),
      created_at: nowIso,
    });
    return result;
  });
}

/** The plan, or the 400 naming the field it refuses. */
function accepted<T>(check: RefundCheck<T>): T {
  if (!check.ok) throw invalidField(check.field, check.message);
  return check;
}

function replay(stored: { request_hash: string; response: string }, requestHash: string, refundId: string): RefundResult {
  if (stored.request_hash !== requestHash) {
    throw new AppError('Conflict', `refundId "${refundId}" was already used for other lines of this sale`, { field: 'refundId' });
  }
  return JSON.parse(stored.response) as RefundResult;
}
