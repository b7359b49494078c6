import type { Kysely } from 'kysely';
import type { Database } from '../adapters/db/schema.ts';
import { type GuestTier, pointsEarnedInWindow, tierFor } from '../domain/tiers.ts';
import type { Program } from './model.ts';

const DAY_MS = 86_400_000;

/**
 * The guest's tier now (null when the program has no tiers or the guest is below every tier):
 * one query over the guest's EARN / VOID_EARN entries of the rolling window, none without tiers.
 *
 * @example
 * const tier = await guestTier(db, program, guestId, new Date()); // → { name: 'Gold', pointsInWindow: 5210, next: null, … }
 */
export async function guestTier(db: Kysely<Database>, program: Pick<Program, 'id' | 'tiers'>, guestId: string, now: Date): Promise<GuestTier | null> {
  const config = program.tiers;
  if (!config || config.tiers.length === 0) return null;
  const from = new Date(now.getTime() - config.windowDays * DAY_MS).toISOString();
  const rows = await db
    .selectFrom('points_ledger')
    .select(['kind', 'points', 'created_at', 'transaction_id'])
    .where('guest_id', '=', guestId)
    .where('program_id', '=', program.id)
    .where('kind', 'in', ['EARN', 'VOID_EARN'])
    .where('created_at', '>', from)
    .execute();
  const points = pointsEarnedInWindow(
    rows.map((r) => ({ kind: r.kind, points: r.points, createdAt: r.created_at, transactionId: r.transaction_id })),
    config.windowDays,
    now,
  );
  return tierFor(config, points);
}
