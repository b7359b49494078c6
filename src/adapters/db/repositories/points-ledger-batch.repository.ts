import { type Kysely, sql } from 'kysely';
import { newId } from '../../../lib/ids.ts';
import type { Database } from '../schema.ts';
import { currentBalance, InsufficientPoints, type LedgerEntryInput, ledgerRows, planEntries } from './points-ledger.repository.ts';

/** One guest's entries in a `postEntriesBatch`. */
export interface GuestPosting {
  guestId: string;
  entries: LedgerEntryInput[];
}

/** Rows per statement: well inside SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
export const BATCH_ROWS = 500;

/**
 * `postEntries` (points-ledger.repository.ts) for many guests at once, in the caller's database
 * transaction: the same guarded balance update — each guest's balance must cover the deepest point
 * its entries reach — but one `UPDATE … FROM (VALUES …)` and one multi-row ledger INSERT per 500
 * guests instead of two statements per guest (the expiry job's pages). All or nothing: if any
 * guest's guard fails (or the guest is not in the program) it throws InsufficientPoints for the
 * first such guest, and the caller's transaction must roll back. It does not touch
 * `last_activity_at` (a sale's path uses `postEntries`). Guests must be distinct.
 * Returns each guest's balance after its last entry.
 *
 * `newId` makes the ledger ids (default: random UUIDs); a time-ordered generator keeps a big
 * batch's inserts at the end of the primary-key index.
 */
export async function postEntriesBatch(
  trx: Kysely<Database>,
  programId: string,
  postings: readonly GuestPosting[],
  at: string,
  options: { newId?: () => string } = {},
): Promise<Map<string, number>> {
  const makeId = options.newId ?? newId;
  const balances = new Map<string, number>();
  const moves = postings.map((p) => ({ guestId: p.guestId, ...planEntries(p.entries) })).filter((m) => m.moving.length > 0);
  for (let i = 0; i < moves.length; i += BATCH_ROWS) {
    const chunk = moves.slice(i, i + BATCH_ROWS);
    // VALUES columns are column1… on both engines; the casts type PostgreSQL's parameters. The
    // program check is wrapped in coalesce (program_id is NOT NULL, so it means the same) so that
    // SQLite's planner, which has no statistics, walks the VALUES and looks each guest up by id
    // instead of scanning all the program's guests for every row.
    const values = sql.join(chunk.map((m) => sql`(${m.guestId}, cast(${m.net} as integer), cast(${m.required} as integer))`));
    const result = await sql<{ id: string; balance: number }>`update guests set balance = guests.balance + v.column2
      from (values ${values}) as v
      where guests.id = v.column1 and coalesce(guests.program_id, '') = ${programId} and guests.balance >= v.column3
      returning guests.id, guests.balance`.execute(trx);
    for (const row of result.rows) balances.set(row.id, Number(row.balance));
    if (result.rows.length !== chunk.length) {
      const short = chunk.find((m) => !balances.has(m.guestId))!;
      throw new InsufficientPoints(await currentBalance(trx, short.guestId), short.required);
    }
  }
  const rows = moves.flatMap((m) => ledgerRows(programId, m.guestId, m.moving, at, balances.get(m.guestId)! - m.net, makeId));
  for (let i = 0; i < rows.length; i += BATCH_ROWS)
    await trx
      .insertInto('points_ledger')
      .values(rows.slice(i, i + BATCH_ROWS))
      .execute();
  return balances;
}
