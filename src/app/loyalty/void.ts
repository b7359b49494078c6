import { markVoided, voidRedemptions } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import { enqueueEvent } from '../../adapters/db/repositories/outbox.repository.ts';
import { lockGuest, postEntries } from '../../adapters/db/repositories/points-ledger.repository.ts';
import { refundsOfSale } from '../../adapters/db/repositories/refunds.repository.ts';
import type { LoyaltyTransactionRow } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import { inTransaction, type Tx } from '../../adapters/db/tx.ts';
import { netOfRefunds } from '../../domain/refund.ts';
import { AppError } from '../../errors.ts';
import { voidedEventData } from '../events/event-types.ts';
import type { PosPrincipal } from '../model.ts';
import type { LoyaltyContext } from './context.ts';

export interface VoidOptions {
  /** who voided, for the `transaction.voided` event */
  voidedBy?: 'pos' | 'admin';
  /** runs inside the void's database transaction, after the change (the admin API writes its audit entry here) */
  inTransaction?: (trx: Tx, before: LoyaltyTransactionRow) => Promise<void>;
}

/**
 * Void / refund: reverses what the transaction redeemed and earned. The earned points are taken
 * back only as far as the balance allows (the guest may have spent them since); the ledger
 * records exactly what moved. A repeated void answers the same.
 */
export async function voidSale(
  ctx: LoyaltyContext,
  principal: PosPrincipal,
  transactionId: string,
  options: VoidOptions = {},
): Promise<{ transactionId: string }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const txn = await ctx.transactions.row(principal, transactionId);
    if (txn.status === 'VOIDED') return { transactionId: txn.id };
    const nowIso = ctx.clock().toISOString();
    const moved = { pointsReturned: 0, pointsTakenBack: 0 };
    const done = await inTransaction(ctx.db, async (trx) => {
      // Lock the guest before the transaction row, in the order CLAIMED takes them.
      if (txn.status === 'CLAIMED' && txn.guest_id) await lockGuest(trx, txn.guest_id);
      if (!(await markVoided(trx, { id: txn.id, from: txn.status, at: nowIso }))) return false;
      if (txn.status === 'CLAIMED' && txn.guest_id) {
        // Partial refunds (refund.ts) already moved some points: reverse only the rest.
        const refunds = await refundsOfSale(trx, txn.id);
        const net = netOfRefunds(
          { pointsEarned: txn.points_earned, pointsRedeemed: txn.points_redeemed },
          refunds.map((r) => ({ pointsReversed: r.points_reversed, pointsReturned: r.points_returned })),
        );
        const afterCredit = await postEntries(
          trx,
          txn.program_id,
          txn.guest_id,
          [{ kind: 'VOID_REDEEM', points: net.pointsRedeemed, transactionId: txn.id }],
          nowIso,
        );
        const takeBack = Math.min(net.pointsEarned, afterCredit);
        Object.assign(moved, { pointsReturned: net.pointsRedeemed, pointsTakenBack: takeBack });
        await postEntries(
          trx,
          txn.program_id,
          txn.guest_id,
          [
            {
              kind: 'VOID_EARN',
              points: -takeBack,
              transactionId: txn.id,
              reason: takeBack < net.pointsEarned ? `balance covered ${takeBack} of ${net.pointsEarned} earned points` : null,
            },
          ],
          nowIso,
        );
        await voidRedemptions(trx, txn.id, nowIso);
      }
      await enqueueEvent(trx, txn.program_id, 'transaction.voided', { ...voidedEventData(txn, moved, options.voidedBy ?? 'pos', nowIso) }, nowIso);
      await options.inTransaction?.(trx, txn);
      return true;
    });
    if (done) {
      ctx.observer?.voided?.(txn.program_id);
      return { transactionId: txn.id };
    }
  }
  throw new AppError('Conflict', 'Transaction changed while voiding; retry');
}
