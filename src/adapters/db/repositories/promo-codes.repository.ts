import type { PromoCodeTable } from '../schema.ts';
import type { Tx } from '../tx.ts';

/** Promo codes as the back office lists them (guests and POS redeem them through app/guest/promo-codes.ts). */
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
  await db.updateTable('promo_codes').set({ disabled_at: at }).where('id', '=', id).where('program_id', '=', programId).where('disabled_at', 'is', null).execute();
}
