import type { GuestTable, OtpCodeTable } from '../schema.ts';
import type { TransactionStatus } from '../../../domain/transaction-status.ts';
import type { Tx } from '../tx.ts';

/** What a signed-in guest reads and edits of their own account in the guest app. */

/** A keyset position: the (created_at, id) of the last item of the previous page. */
export interface After {
  at: string;
  id: string;
}

/** The guest of the program, or undefined (deleted meanwhile). */
export async function findGuestOfProgram(db: Tx, programId: string, guestId: string): Promise<GuestTable | undefined> {
  return db.selectFrom('guests').selectAll().where('id', '=', guestId).where('program_id', '=', programId).executeTakeFirst();
}

export async function updateOwnProfile(db: Tx, programId: string, guestId: string, set: { name?: string; birthdate?: string | null }): Promise<void> {
  await db.updateTable('guests').set(set).where('id', '=', guestId).where('program_id', '=', programId).execute();
}

/** The guest's newest one-time code with these digits. */
export async function newestCodeOfGuest(db: Tx, programId: string, guestId: string, code: string): Promise<OtpCodeTable | undefined> {
  return db
    .selectFrom('otp_codes')
    .selectAll()
    .where('program_id', '=', programId)
    .where('guest_id', '=', guestId)
    .where('code', '=', code)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export interface GuestLedgerEntry {
  id: string;
  kind: string;
  points: number;
  balanceAfter: number;
  transactionId: string | null;
  reason: string | null;
  createdAt: string;
}

const LEDGER_FIELDS = ['id', 'transaction_id', 'kind', 'points', 'balance_after', 'reason', 'created_at'] as const;

const toEntry = (e: {
  id: string;
  transaction_id: string | null;
  kind: string;
  points: number;
  balance_after: number;
  reason: string | null;
  created_at: string;
}): GuestLedgerEntry => ({
  id: e.id,
  kind: e.kind,
  points: e.points,
  balanceAfter: e.balance_after,
  transactionId: e.transaction_id,
  reason: e.reason,
  createdAt: e.created_at,
});

export interface GuestTransaction {
  id: string;
  status: TransactionStatus;
  store: { id: string; name: string };
  channel: string | null;
  createdAt: string;
  claimedAt: string | null;
  voidedAt: string | null;
  subtotalCents: number;
  pointsEarned: number;
  pointsRedeemed: number;
  receiptCode: string;
}

/** The guest's loyalty transactions, newest first: up to `limit` after `after`. */
export async function transactionsOfGuest(db: Tx, programId: string, guestId: string, after: After | null, limit: number): Promise<GuestTransaction[]> {
  let q = db
    .selectFrom('loyalty_transactions as t')
    .innerJoin('stores as s', 's.id', 't.store_id')
    .select([
      't.id',
      't.status',
      't.created_at',
      't.claimed_at',
      't.voided_at',
      't.subtotal_cents',
      't.points_earned',
      't.points_redeemed',
      't.receipt_code',
      't.channel',
      's.external_id as store_external_id',
      's.name as store_name',
    ])
    .where('t.program_id', '=', programId)
    .where('t.guest_id', '=', guestId);
  if (after) q = q.where((eb) => eb.or([eb('t.created_at', '<', after.at), eb.and([eb('t.created_at', '=', after.at), eb('t.id', '<', after.id)])]));
  const rows = await q.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    store: { id: r.store_external_id, name: r.store_name },
    channel: r.channel,
    createdAt: r.created_at,
    claimedAt: r.claimed_at,
    voidedAt: r.voided_at,
    subtotalCents: r.subtotal_cents,
    pointsEarned: r.points_earned,
    pointsRedeemed: r.points_redeemed,
    receiptCode: r.receipt_code,
  }));
}

/** The guest's ledger entries caused by these transactions, oldest first. */
export async function ledgerOfTransactions(db: Tx, guestId: string, transactionIds: readonly string[]): Promise<GuestLedgerEntry[]> {
  if (!transactionIds.length) return [];
  const rows = await db
    .selectFrom('points_ledger')
    .select(LEDGER_FIELDS)
    .where('guest_id', '=', guestId)
    .where('transaction_id', 'in', transactionIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toEntry);
}

/** Every points movement of the guest, newest first: up to `limit` after `after`. */
export async function ledgerOfGuest(db: Tx, programId: string, guestId: string, after: After | null, limit: number): Promise<GuestLedgerEntry[]> {
  let q = db.selectFrom('points_ledger').select(LEDGER_FIELDS).where('program_id', '=', programId).where('guest_id', '=', guestId);
  if (after) q = q.where((eb) => eb.or([eb('created_at', '<', after.at), eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)])]));
  return (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(toEntry);
}
