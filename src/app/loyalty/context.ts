import type { Db } from '../../adapters/db/database.ts';
import { guestById, type GuestRow, transactionColumnsOf, transactionWithGuest } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import type { LoyaltyTransactionRow } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import type { Tx } from '../../adapters/db/tx.ts';
import { AppError } from '../../errors.ts';
import { UUID } from '../../lib/ids.ts';
import type { PosContext } from '../commands.ts';
import type { ClaimWriter } from '../ports/claim-writer.ts';
import type { CodeLookupGuard, LimiterFactory } from '../throttle.ts';
import type { Guest, PosPrincipal } from '../model.ts';
import type { ConfigCache } from './config-cache.ts';

export interface LoyaltyObserver {
  claimed?(programId: string, pointsEarned: number, pointsRedeemed: number): void;
  voided?(programId: string): void;
}

export interface LoyaltyDeps {
  db: Db;
  clock?: () => Date;
  /** integer in [0, n); crypto.randomInt in production, seeded in tests */
  randomIndex: (n: number) => number;
  otpTtlSeconds?: number;
  /** Base of claim URLs printed on receipts when the program sets none. */
  publicUrl: string;
  /** How long program, store and incentive configuration may be cached (ms). */
  configTtlMs?: number;
  observer?: LoyaltyObserver;
  /** Rate limit and lockout of 6-digit code look-ups per store and key (in-process; default limits). */
  codeGuard?: CodeLookupGuard;
  /** Where the code look-up limits are held when `codeGuard` is not given (default: this process). */
  limiters?: LimiterFactory;
  /** How CLAIMED updates are written; default: the best the database can do (`claimWriterFor`). */
  claimWriter?: ClaimWriter;
}

/** What every loyalty use case runs with, built once by `LoyaltyService`. */
export interface LoyaltyContext {
  db: Tx;
  clock: () => Date;
  randomIndex: (n: number) => number;
  publicUrl: string;
  otpTtlSeconds: number;
  observer: LoyaltyObserver | undefined;
  codeGuard: CodeLookupGuard;
  claimWriter: ClaimWriter;
  config: ConfigCache;
  transactions: TransactionReader;
}

/**
 * Loyalty transactions read with their guest in one query (a sale needs both): the guest is kept
 * aside for the transaction object, so `guestOf` answers without another query.
 */
export class TransactionReader {
  private readonly joinedGuests = new WeakMap<LoyaltyTransactionRow, Guest>();

  constructor(private readonly db: Tx) {}

  async row(principal: PosPrincipal, id: string): Promise<LoyaltyTransactionRow> {
    const row = UUID.test(id) ? await transactionWithGuest.first(this.db, { id: id.toLowerCase(), programId: principal.programId }) : undefined;
    if (!row) throw new AppError('TransactionNotFoundError', `No loyalty transaction ${id}`);
    const { g_name, g_email, g_balance, g_created_at } = row;
    const txn = transactionColumnsOf(row);
    if (txn.guest_id && g_name !== null && g_balance !== null && g_created_at !== null) {
      this.joinedGuests.set(txn, { id: txn.guest_id, programId: txn.program_id, name: g_name, email: g_email, balance: g_balance, createdAt: g_created_at });
    }
    return txn;
  }

  /** The transaction's guest: as read with it by `row`, else from the database. */
  async guestOf(txn: LoyaltyTransactionRow, programId: string, guestId: string): Promise<Guest | null> {
    return this.joinedGuests.get(txn) ?? findGuest(this.db, programId, guestId);
  }
}

export async function findGuest(db: Tx, programId: string, id: string): Promise<Guest | null> {
  const row = await guestById.first(db, { id, programId });
  return row ? toGuest(row) : null;
}

export function toGuest(row: GuestRow): Guest {
  return { id: row.id, programId: row.program_id, name: row.name, email: row.email, balance: row.balance, createdAt: row.created_at };
}

/** One POS sale, whichever call names it: store, terminal and the POS's transaction id. */
export function posKeyOf(pos: PosContext): string {
  return `${pos.storeId}|${pos.terminal}|${pos.posTransactionId}`;
}
