import { type Kysely, sql } from 'kysely';
import { newId } from '../../../lib/ids.ts';
import type { Database, PointsLedgerTable } from '../schema.ts';
import { currentBalance, InsufficientPoints, type LedgerEntryInput } from './points-ledger.repository.ts';

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
  const moves: { guestId: string; moving: LedgerEntryInput[]; net: number; required: number }[] = [];
  for (const p of postings) {
    const moving = p.entries.filter((e) => e.points !== 0);
    let net = 0;
    let required = 0;
    for (const e of moving) {
      net += e.points;
      required = Math.max(required, -net);
    }
    if (moving.length > 0) moves.push({ guestId: p.guestId, moving, net, required });
  }
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
  const rows: PointsLedgerTable[] = [];
  for (const m of moves) {
    let balance = balances.get(m.guestId)! - m.net;
    for (const e of m.moving) {
      balance += e.points;
      rows.push({ id: makeId(), program_id: programId, guest_id: m.guestId, transaction_id: e.transactionId, kind: e.kind, points: e.points, balance_after: balance, reason: e.reason ?? null, created_at: at });
    }
  }
  for (let i = 0; i < rows.length; i += BATCH_ROWS) await trx.insertInto('points_ledger').values(rows.slice(i, i + BATCH_ROWS)).execute();
  return balances;
}
