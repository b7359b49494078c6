import type { Kysely } from 'kysely';
import { enqueueEvent } from '../../adapters/db/repositories/outbox.repository.ts';
import { postEntries } from '../../adapters/db/repositories/points-ledger.repository.ts';
import type { Database } from '../../adapters/db/schema.ts';
import { isReceiptCode } from '../../domain/receipt.ts';
import { AppError } from '../../errors.ts';
import type { Program } from '../model.ts';

export interface ReceiptClaimed {
  transactionId: string;
  receiptCode: string;
  pointsEarned: number;
  /** the guest's balance after the claim */
  balance: number;
  claimedAt: string;
}

const DAY_MS = 86_400_000;

export interface ClaimOptions {
  /** the ledger entry's reason (default: claimed in the app) */
  reason?: string;
  /** more writes in the claim's own database transaction (the back office's audit entry) */
  inTransaction?: (trx: Kysely<Database>, claimed: ReceiptClaimed) => Promise<void>;
}

/**
 * A receipt code as the guest typed or scanned it: the 16 characters, or the claim URL printed on
 * the receipt (`…/r/J25QL1WAH5KJ7P75`); spaces and dashes are ignored.
 */
export function parseReceiptCode(input: string): string {
  const tail = /\/r\/([^/?#]+)\/?(?:[?#].*)?$/.exec(input.trim())?.[1] ?? input;
  const code = tail.replace(/[\s-]/g, '').toUpperCase();
  if (!isReceiptCode(code)) throw new AppError('ValidationError', 'receiptCode must be the 16-character code printed on the receipt', { field: 'receiptCode' });
  return code;
}

/**
 * Claims an unclaimed sale for a guest: once, only in its own program, within the program's claim
 * window. One database transaction links the sale to the guest (a conditional update: of two
 * concurrent claims exactly one wins), credits its `earnable_points` as EARN and writes the
 * `receipt.claimed` event. The sale becomes CLAIMED, so a later POS void takes the points back.
 */
export async function claimReceipt(
  db: Kysely<Database>,
  program: Program,
  guestId: string,
  receiptInput: string,
  now: Date,
  options: ClaimOptions = {},
): Promise<ReceiptClaimed> {
  const receiptCode = parseReceiptCode(receiptInput);
  const txn = await db
    .selectFrom('loyalty_transactions')
    .selectAll()
    .where('program_id', '=', program.id)
    .where('receipt_code', '=', receiptCode)
    .executeTakeFirst();
  if (!txn) throw new AppError('ReceiptNotFound', 'No receipt with this code in this program', { field: 'receiptCode' });
  if (txn.status === 'VOIDED') throw new AppError('TransactionNotClaimable', 'This sale was voided and cannot be claimed');
  if (txn.status !== 'UNCLAIMED' || txn.guest_id !== null) {
    throw new AppError('ReceiptAlreadyClaimed', undefined, { byYou: txn.guest_id === guestId });
  }
  const closesAt = new Date(Date.parse(txn.created_at) + program.claimWindowDays * DAY_MS);
  if (now.getTime() > closesAt.getTime()) {
    throw new AppError('ReceiptClaimWindowClosed', `Receipts can be claimed within ${program.claimWindowDays} days of the sale`, {
      claimWindowDays: program.claimWindowDays,
      closedAt: closesAt.toISOString(),
    });
  }
  const nowIso = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const won = await trx
      .updateTable('loyalty_transactions')
      .set({ guest_id: guestId, status: 'CLAIMED', points_earned: txn.earnable_points, claimed_at: nowIso, updated_at: nowIso })
      .where('id', '=', txn.id)
      .where('program_id', '=', program.id)
      .where('status', '=', 'UNCLAIMED')
      .where('guest_id', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!won) throw new AppError('ReceiptAlreadyClaimed', undefined, { byYou: false });
    const balance = await postEntries(
      trx,
      program.id,
      guestId,
      [{ kind: 'EARN', points: txn.earnable_points, transactionId: txn.id, reason: options.reason ?? 'receipt claimed in the app' }],
      nowIso,
      { touchActivity: true },
    );
    await enqueueEvent(
      trx,
      program.id,
      'receipt.claimed',
      { transactionId: txn.id, receiptCode, guestId, storeId: txn.store_id, pointsEarned: txn.earnable_points, balance, saleCreatedAt: txn.created_at, claimedAt: nowIso },
      nowIso,
    );
    const claimed = { transactionId: txn.id, receiptCode, pointsEarned: txn.earnable_points, balance, claimedAt: nowIso };
    await options.inTransaction?.(trx, claimed);
    return claimed;
  });
}
