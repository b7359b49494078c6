import type { Incentive } from '../../../domain/incentive.ts';
import type { PromoCodeTable } from '../schema.ts';
import type { Tx } from '../tx.ts';
import { toIncentive } from './config.repository.ts';

/** Promo codes that unlock an incentive, and their redemptions (total uses, once per guest). */

export type PromoCodeRow = PromoCodeTable;

export async function incentiveExists(db: Tx, programId: string, incentiveId: string): Promise<boolean> {
  return !!(await db.selectFrom('incentives').select('id').where('id', '=', incentiveId).where('program_id', '=', programId).executeTakeFirst());
}

/** The incentive if it is still active in the program. */
export async function activeIncentive(db: Tx, programId: string, incentiveId: string): Promise<Incentive | undefined> {
  const row = await db.selectFrom('incentives').selectAll().where('id', '=', incentiveId).where('program_id', '=', programId).where('active', '=', 1).executeTakeFirst();
  return row && toIncentive(row);
}

/** Inserts the code unless the program has it already; returns whether it was inserted. */
export async function insertPromoCode(
  db: Tx,
  c: { id: string; programId: string; code: string; incentiveId: string; maxUses: number | null; oncePerGuest: boolean; validFrom: string | null; validUntil: string | null; at: string },
): Promise<boolean> {
  const inserted = await db
    .insertInto('promo_codes')
    .values({
      id: c.id,
      program_id: c.programId,
      code: c.code,
      incentive_id: c.incentiveId,
      max_uses: c.maxUses,
      uses: 0,
      once_per_guest: c.oncePerGuest ? 1 : 0,
      valid_from: c.validFrom,
      valid_until: c.validUntil,
      created_at: c.at,
      disabled_at: null,
    })
    .onConflict((oc) => oc.columns(['program_id', 'code']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return !!inserted;
}

/** The program's enabled promo code with this (normalized) code. */
export async function enabledPromoCode(db: Tx, programId: string, code: string): Promise<PromoCodeRow | undefined> {
  return db.selectFrom('promo_codes').selectAll().where('program_id', '=', programId).where('code', '=', code).where('disabled_at', 'is', null).executeTakeFirst();
}

/**
 * Records a redemption; `guestOnceKey` (the guest id of a once-per-guest code) makes a second one by
 * the same guest insert nothing. Returns whether it was recorded.
 */
export async function recordPromoRedemption(
  db: Tx,
  r: { id: string; programId: string; promoCodeId: string; incentiveId: string; guestId: string | null; guestOnceKey: string | null; channel: 'app' | 'pos'; at: string },
): Promise<boolean> {
  const recorded = await db
    .insertInto('promo_redemptions')
    .values({
      id: r.id,
      program_id: r.programId,
      promo_code_id: r.promoCodeId,
      incentive_id: r.incentiveId,
      guest_id: r.guestId,
      guest_once_key: r.guestOnceKey,
      channel: r.channel,
      created_at: r.at,
    })
    .onConflict((oc) => oc.columns(['promo_code_id', 'guest_once_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return !!recorded;
}

/** Counts one use unless `max_uses` is reached (a conditional update: concurrent uses never exceed it). */
export async function countPromoUse(db: Tx, promoCodeId: string): Promise<boolean> {
  const counted = await db
    .updateTable('promo_codes')
    .set((eb) => ({ uses: eb('uses', '+', 1) }))
    .where('id', '=', promoCodeId)
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .returning('uses')
    .executeTakeFirst();
  return !!counted;
}
