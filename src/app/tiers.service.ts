import { earnEntriesSince } from '../adapters/db/repositories/points-ledger.repository.ts';
import type { Tx } from '../adapters/db/tx.ts';
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
export async function guestTier(db: Tx, program: Pick<Program, 'id' | 'tiers'>, guestId: string, now: Date): Promise<GuestTier | null> {
  const config = program.tiers;
  if (!config || config.tiers.length === 0) return null;
  const from = new Date(now.getTime() - config.windowDays * DAY_MS).toISOString();
  const entries = await earnEntriesSince(db, program.id, guestId, from);
  return tierFor(config, pointsEarnedInWindow(entries, config.windowDays, now));
}
