import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * A sale redeemed these incentives: they leave the guest's pre-selection in the app, so the next
 * code does not carry a reward already spent (or an offer now used up) and get refused. Runs in
 * the claim's transaction; no selection, or none of these in it, writes nothing.
 */
export async function dropRedeemedFromSelection(db: Kysely<Database> | Transaction<Database>, guestId: string, redeemed: readonly string[], nowIso: string): Promise<void> {
  if (redeemed.length === 0) return;
  const row = await db.selectFrom('guest_selections').select('incentive_ids').where('guest_id', '=', guestId).executeTakeFirst();
  if (!row) return;
  const selected = JSON.parse(row.incentive_ids) as string[];
  const left = selected.filter((id) => !redeemed.includes(id));
  if (left.length === selected.length) return;
  if (left.length === 0) await db.deleteFrom('guest_selections').where('guest_id', '=', guestId).execute();
  else await db.updateTable('guest_selections').set({ incentive_ids: JSON.stringify(left), updated_at: nowIso }).where('guest_id', '=', guestId).execute();
}
