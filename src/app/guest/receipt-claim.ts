import { enqueueEvent } from '../../adapters/db/repositories/outbox.repository.ts';
import { postEntries } from '../../adapters/db/repositories/points-ledger.repository.ts';
import { claimSale, saleByReceiptCode, saleOfProgramByReceiptCode } from '../../adapters/db/repositories/receipt-claims.repository.ts';
import { type Tx, inTransaction } from '../../adapters/db/tx.ts';
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
  inTransaction?: (trx: Tx, claimed: ReceiptClaimed) => Promise<void>;
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

/** What the receipt page (`GET /r/{receiptCode}`) shows before the guest signs in to claim. */
export type ReceiptLookup =
  | {
      claimable: true;
      receiptCode: string;
      program: { slug: string; name: string };
      store: { name: string; timeZone: string };
      saleAt: string;
      pointsToEarn: number;
      claimableUntil: string;
    }
  /** unknown, malformed, already claimed, voided or past the claim window: one answer for all */
  | { claimable: false };

/**
 * Looks a receipt up by its code or claim URL, across programs (receipt codes are unique): what a
 * guest holding the paper receipt may see. Anything that cannot be claimed now is just
 * `{ claimable: false }`, so the page tells nothing about other people's sales.
 */
export async function lookUpReceipt(db: Tx, receiptInput: string, now: Date): Promise<ReceiptLookup> {
  let receiptCode: string;
  try {
    receiptCode = parseReceiptCode(receiptInput);
  } catch {
    return { claimable: false };
  }
  const sale = await saleByReceiptCode(db, receiptCode);
  if (!sale || sale.status !== 'UNCLAIMED' || sale.guestId !== null) return { claimable: false };
  const closesAt = Date.parse(sale.createdAt) + sale.program.claimWindowDays * DAY_MS;
  if (now.getTime() > closesAt) return { claimable: false };
  return {
    claimable: true,
    receiptCode,
    program: { slug: sale.program.slug, name: sale.program.name },
    store: sale.store,
    saleAt: sale.createdAt,
    pointsToEarn: sale.earnablePoints,
    claimableUntil: new Date(closesAt).toISOString(),
  };
}

/**
 * Claims an unclaimed sale for a guest: once, only in its own program, within the program's claim
 * window. One database transaction links the sale to the guest (a conditional update: of two
 * concurrent claims exactly one wins), credits its `earnable_points` as EARN and writes the
 * `receipt.claimed` event. The sale becomes CLAIMED, so a later POS void takes the points back.
 */
export async function claimReceipt(
  db: Tx,
  program: Program,
  guestId: string,
  receiptInput: string,
  now: Date,
  options: ClaimOptions = {},
): Promise<ReceiptClaimed> {
  const receiptCode = parseReceiptCode(receiptInput);
  const txn = await saleOfProgramByReceiptCode(db, program.id, receiptCode);
  if (!txn) throw new AppError('ReceiptNotFound', 'No receipt with this code in this program', { field: 'receiptCode' });
  if (txn.status === 'VOIDED') throw new AppError('TransactionNotClaimable', 'This sale was voided and cannot be claimed');
  if (txn.status !== 'UNCLAIMED' || txn.guestId !== null) {
    throw new AppError('ReceiptAlreadyClaimed', undefined, { byYou: txn.guestId === guestId });
  }
  const closesAt = new Date(Date.parse(txn.createdAt) + program.claimWindowDays * DAY_MS);
  if (now.getTime() > closesAt.getTime()) {
    throw new AppError('ReceiptClaimWindowClosed', `Receipts can be claimed within ${program.claimWindowDays} days of the sale`, {
      claimWindowDays: program.claimWindowDays,
      closedAt: closesAt.toISOString(),
    });
  }
  const nowIso = now.toISOString();
  return inTransaction(db, async (trx) => {
    const won = await claimSale(trx, { id: txn.id, programId: program.id, guestId, points: txn.earnablePoints, at: nowIso });
    if (!won) throw new AppError('ReceiptAlreadyClaimed', undefined, { byYou: false });
    const balance = await postEntries(
      trx,
      program.id,
      guestId,
      [{ kind: 'EARN', points: txn.earnablePoints, transactionId: txn.id, reason: options.reason ?? 'receipt claimed in the app' }],
      nowIso,
      { touchActivity: true },
    );
    await enqueueEvent(
      trx,
      program.id,
      'receipt.claimed',
      {
        transactionId: txn.id,
        receiptCode,
        guestId,
        storeId: txn.storeId,
        pointsEarned: txn.earnablePoints,
        balance,
        saleCreatedAt: txn.createdAt,
        claimedAt: nowIso,
      },
      nowIso,
    );
    const claimed = { transactionId: txn.id, receiptCode, pointsEarned: txn.earnablePoints, balance, claimedAt: nowIso };
    await options.inTransaction?.(trx, claimed);
    return claimed;
  });
}
