import { type Kysely, sql } from 'kysely';
import { newId } from '../../../lib/ids.ts';
import type { Database, LedgerKind } from '../schema.ts';

export interface LedgerEntryInput {
  kind: LedgerKind;
  /** signed: positive credits the guest, negative debits */
  points: number;
  transactionId: string | null;
  reason?: string | null;
}

export class InsufficientPoints extends Error {
  constructor(readonly available: number | null, readonly required: number) {
    super('insufficient points');
  }
}

/**
 * Moves points on a guest's balance and appends the ledger entries, in the caller's database
 * transaction. Debits are guarded in SQL (`balance >= n`), so concurrent claims on one guest
 * can never overdraw: the loser of a race gets InsufficientPoints and its transaction rolls back.
 */
export async function postEntries(
  trx: Kysely<Database>,
  programId: string,
  guestId: string,
  entries: LedgerEntryInput[],
  at: string,
  options: { touchActivity?: boolean } = {},
): Promise<number> {
  let balance: number | null = null;
  const rows = [];
  for (const e of entries) {
    if (e.points === 0) continue;
    let q = trx
      .updateTable('guests')
      .set({ balance: sql<number>`balance + ${e.points}` })
      .where('id', '=', guestId)
      .where('program_id', '=', programId);
    if (e.points < 0) q = q.where('balance', '>=', -e.points);
    if (options.touchActivity) q = q.set({ last_activity_at: at });
    const row = await q.returning('balance').executeTakeFirst();
    if (!row) {
      const current = await currentBalance(trx, guestId);
      throw new InsufficientPoints(current, -e.points);
    }
    balance = row.balance;
    rows.push({
      id: newId(),
      program_id: programId,
      guest_id: guestId,
      transaction_id: e.transactionId,
      kind: e.kind,
      points: e.points,
      balance_after: row.balance,
      reason: e.reason ?? null,
      created_at: at,
    });
  }
  if (rows.length > 0) await trx.insertInto('points_ledger').values(rows).execute();
  if (balance === null) {
    if (options.touchActivity) {
      const row = await trx.updateTable('guests').set({ last_activity_at: at }).where('id', '=', guestId).returning('balance').executeTakeFirst();
      return row?.balance ?? 0;
    }
    return (await currentBalance(trx, guestId)) ?? 0;
  }
  return balance;
}

export async function currentBalance(db: Kysely<Database>, guestId: string): Promise<number | null> {
  const row = await db.selectFrom('guests').select('balance').where('id', '=', guestId).executeTakeFirst();
  return row?.balance ?? null;
}

/** The ledger's own view of a balance: the sum of every entry. Equal to guests.balance at all times. */
export async function ledgerSum(db: Kysely<Database>, guestId: string): Promise<number> {
  const row = await db
    .selectFrom('points_ledger')
    .select(sql<string | number>`coalesce(sum(points), 0)`.as('total'))
    .where('guest_id', '=', guestId)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}
