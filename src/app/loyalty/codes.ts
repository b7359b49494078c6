import { codeInUse, insertCode } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { findGuest, type LoyaltyContext } from './context.ts';

/** A fresh one-time 6-digit code for a guest, with incentives pre-selected. */
export async function createCode(
  ctx: LoyaltyContext,
  programId: string,
  guestId: string,
  selectionIds: string[],
  ttlSeconds = ctx.otpTtlSeconds,
): Promise<{ code: string; expiresAt: string }> {
  const guest = await findGuest(ctx.db, programId, guestId);
  if (!guest) throw new AppError('UserNotFoundError', `No guest ${guestId} in this program`);
  const incentives = await ctx.config.incentiveMap(programId, true);
  for (const id of selectionIds) {
    if (!incentives.has(id)) throw new AppError('RewardNotFoundError', `No active reward or offer ${id} in this program`, { incentiveId: id });
  }
  const offers = selectionIds.filter((id) => incentives.get(id)?.kind === 'OFFER');
  if (offers.length > 1) throw new AppError('ValidationError', 'At most one offer can be pre-selected', { field: 'select' });
  const now = ctx.clock();
  const nowIso = now.toISOString();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = String(ctx.randomIndex(1_000_000)).padStart(6, '0');
    if (await codeInUse(ctx.db, { programId, code, now: nowIso })) continue;
    await insertCode(ctx.db, { id: newId(), programId, guestId, code, selections: selectionIds, at: nowIso, expiresAt });
    return { code, expiresAt };
  }
  throw new AppError('ServiceUnavailable', 'Could not find a free code; try again');
}
