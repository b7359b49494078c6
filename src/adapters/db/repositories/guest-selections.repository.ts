import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type { Tx } from '../tx.ts';

/**
 * A sale redeemed these incentives: they leave the guest's pre-selection in the app, so the next
 * code does not carry a reward already spent (or an offer now used up) and get refused. Runs in
 * the claim's transaction; no selection, or none of these in it, writes nothing.
 */
export async function dropRedeemedFromSelection(
  db: Kysely<Database> | Transaction<Database>,
  guestId: string,
  redeemed: readonly string[],
  nowIso: string,
): Promise<void> {
  if (redeemed.length === 0) return;
  const row = await db.selectFrom('guest_selections').select('incentive_ids').where('guest_id', '=', guestId).executeTakeFirst();
  if (!row) return;
  const selected = JSON.parse(row.incentive_ids) as string[];
  const left = selected.filter((id) => !redeemed.includes(id));
  if (left.length === selected.length) return;
  if (left.length === 0) await db.deleteFrom('guest_selections').where('guest_id', '=', guestId).execute();
  else
    await db
      .updateTable('guest_selections')
      .set({ incentive_ids: JSON.stringify(left), updated_at: nowIso })
      .where('guest_id', '=', guestId)
      .execute();
}

/** The guest's pre-selection: incentive ids, and when it was saved. */
export async function findSelection(db: Tx, programId: string, guestId: string): Promise<{ incentiveIds: string[]; updatedAt: string } | undefined> {
  const row = await db.selectFrom('guest_selections').selectAll().where('guest_id', '=', guestId).where('program_id', '=', programId).executeTakeFirst();
  return row && { incentiveIds: JSON.parse(row.incentive_ids) as string[], updatedAt: row.updated_at };
}

export async function saveSelection(db: Tx, programId: string, guestId: string, incentiveIds: readonly string[], at: string): Promise<void> {
  const ids = JSON.stringify(incentiveIds);
  await db
    .insertInto('guest_selections')
    .values({ guest_id: guestId, program_id: programId, incentive_ids: ids, updated_at: at })
    .onConflict((oc) => oc.column('guest_id').doUpdateSet({ incentive_ids: ids, updated_at: at }))
    .execute();
}

export async function clearSelection(db: Tx, programId: string, guestId: string): Promise<void> {
  await db.deleteFrom('guest_selections').where('guest_id', '=', guestId).where('program_id', '=', programId).execute();
}
