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
 * transaction, with one guarded UPDATE: the balance must cover the deepest point the entries reach
 * (`balance >= n`), so concurrent claims on one guest can never overdraw. The loser of a race gets
 * InsufficientPoints and its transaction rolls back. Returns the balance after the last entry.
 */
export async function postEntries(
  trx: Kysely<Database>,
  programId: string,
  guestId: string,
  entries: LedgerEntryInput[],
  at: string,
  options: { touchActivity?: boolean } = {},
): Promise<number> {
  const moving = entries.filter((e) => e.points !== 0);
  let net = 0;
  let required = 0;
  for (const e of moving) {
    net += e.points;
    required = Math.max(required, -net);
  }
  let q = trx.updateTable('guests').where('id', '=', guestId).where('program_id', '=', programId);
  if (moving.length > 0) q = q.set({ balance: sql<number>`balance + ${net}` });
  if (options.touchActivity) q = q.set({ last_activity_at: at });
  if (moving.length === 0 && !options.touchActivity) return (await currentBalance(trx, guestId)) ?? 0;
  if (required > 0) q = q.where('balance', '>=', required);
  const row = await q.returning('balance').executeTakeFirst();
  if (!row) throw new InsufficientPoints(await currentBalance(trx, guestId), required);
  if (moving.length > 0) {
    let balance = row.balance - net;
    await trx
      .insertInto('points_ledger')
      .values(
        moving.map((e) => {
          balance += e.points;
          return {
            id: newId(),
            program_id: programId,
            guest_id: guestId,
            transaction_id: e.transactionId,
            kind: e.kind,
            points: e.points,
            balance_after: balance,
            reason: e.reason ?? null,
            created_at: at,
          };
        }),
      )
      .execute();
  }
  return row.balance;
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
