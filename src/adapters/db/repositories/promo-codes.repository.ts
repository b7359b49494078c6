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
  const row = await db
    .selectFrom('incentives')
    .selectAll()
    .where('id', '=', incentiveId)
    .where('program_id', '=', programId)
    .where('active', '=', 1)
    .executeTakeFirst();
  return row && toIncentive(row);
}

/** Inserts the code unless the program has it already; returns whether it was inserted. */
export async function insertPromoCode(
  db: Tx,
  c: {
    id: string;
    programId: string;
    code: string;
    incentiveId: string;
    maxUses: number | null;
    oncePerGuest: boolean;
    validFrom: string | null;
    validUntil: string | null;
    at: string;
  },
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
  return db
    .selectFrom('promo_codes')
    .selectAll()
    .where('program_id', '=', programId)
    .where('code', '=', code)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
}

/**
 * Records a redemption; `guestOnceKey` (the guest id of a once-per-guest code) makes a second one by
 * the same guest insert nothing. Returns whether it was recorded.
 */
export async function recordPromoRedemption(
  db: Tx,
  r: {
    id: string;
    programId: string;
    promoCodeId: string;
    incentiveId: string;
    guestId: string | null;
    guestOnceKey: string | null;
    channel: 'app' | 'pos';
    at: string;
  },
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

// ---- the back office's view --------------------------------------------------------------------

/** A promo code as the back office lists it. */
export interface PromoCodeRecord {
  id: string;
  programId: string;
  /** upper-case; guests and POS type it in any case */
  code: string;
  incentiveId: string;
  /** total redemptions allowed; null: unlimited */
  maxUses: number | null;
  uses: number;
  oncePerGuest: boolean;
  validFrom: string | null;
  validUntil: string | null;
  /** false once disabled: the code then answers PromoCodeNotFound */
  active: boolean;
  createdAt: string;
  disabledAt: string | null;
}

function toRecord(row: PromoCodeTable): PromoCodeRecord {
  return {
    id: row.id,
    programId: row.program_id,
    code: row.code,
    incentiveId: row.incentive_id,
    maxUses: row.max_uses,
    uses: row.uses,
    oncePerGuest: row.once_per_guest === 1,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    active: row.disabled_at === null,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

/** A program's codes, newest first; `active` keeps enabled (true) or disabled (false) ones. */
export async function listPromoCodeRecords(db: Tx, programId: string, filter: { active?: boolean; incentiveId?: string } = {}): Promise<PromoCodeRecord[]> {
  let q = db.selectFrom('promo_codes').selectAll().where('program_id', '=', programId);
  if (filter.active !== undefined) q = q.where('disabled_at', filter.active ? 'is' : 'is not', null);
  if (filter.incentiveId !== undefined) q = q.where('incentive_id', '=', filter.incentiveId);
  return (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute()).map(toRecord);
}

/** One code by its id, or by its id or the (normalized) code itself. */
export async function findPromoCodeRecord(db: Tx, programId: string, by: { id: string; code?: string }): Promise<PromoCodeRecord | null> {
  const { code } = by;
  const row = await db
    .selectFrom('promo_codes')
    .selectAll()
    .where('program_id', '=', programId)
    .where((eb) => (code === undefined ? eb('id', '=', by.id) : eb.or([eb('id', '=', by.id), eb('code', '=', code)])))
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** Disables a code not yet disabled (a no-op otherwise). */
export async function disablePromoCode(db: Tx, programId: string, id: string, at: string): Promise<void> {
  await db
    .updateTable('promo_codes')
    .set({ disabled_at: at })
    .where('id', '=', id)
    .where('program_id', '=', programId)
    .where('disabled_at', 'is', null)
    .execute();
}
