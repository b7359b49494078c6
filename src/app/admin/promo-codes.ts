import type { PromoCodeTable } from '../../adapters/db/schema.ts';
import { createPromoCode, type NewPromoCode, normalizePromoCode } from '../guest/promo-codes.ts';
import { type AdminContext, assertProgramInScope, audit, notFound } from './context.ts';

/** A promo code as the admin API shows it. */
export interface PromoCodeView {
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

export function promoCodeView(row: PromoCodeTable): PromoCodeView {
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

/** The program's promo codes, newest first; `active` filters enabled (true) or disabled (false) ones. */
export async function listPromoCodes(ctx: AdminContext, programId: string, filter: { active?: boolean; incentiveId?: string } = {}): Promise<PromoCodeView[]> {
  assertProgramInScope(ctx.actor, programId);
  const program = await ctx.db.selectFrom('programs').select('id').where('id', '=', programId).executeTakeFirst();
  if (!program) throw notFound('program', programId);
  let q = ctx.db.selectFrom('promo_codes').selectAll().where('program_id', '=', programId);
  if (filter.active !== undefined) q = q.where('disabled_at', filter.active ? 'is' : 'is not', null);
  if (filter.incentiveId !== undefined) q = q.where('incentive_id', '=', filter.incentiveId);
  return (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute()).map(promoCodeView);
}

/** One promo code by id, or by the code itself (any case). */
export async function getPromoCode(ctx: AdminContext, programId: string, idOrCode: string): Promise<PromoCodeView> {
  assertProgramInScope(ctx.actor, programId);
  const row = await ctx.db
    .selectFrom('promo_codes')
    .selectAll()
    .where('program_id', '=', programId)
    .where((eb) => eb.or([eb('id', '=', idOrCode), eb('code', '=', normalizePromoCode(idOrCode))]))
    .executeTakeFirst();
  if (!row) throw notFound('promo code', idOrCode);
  return promoCodeView(row);
}

/**
 * Creates a promo code for an incentive of the program (validated by `createPromoCode`: code
 * format, uses, validity window, the incentive in this program; 409 for a code already taken),
 * audited in the same transaction.
 */
export async function createPromoCodeAs(ctx: AdminContext, programId: string, input: NewPromoCode): Promise<PromoCodeView> {
  assertProgramInScope(ctx.actor, programId);
  return ctx.db.transaction().execute(async (trx) => {
    const program = await trx.selectFrom('programs').select('id').where('id', '=', programId).executeTakeFirst();
    if (!program) throw notFound('program', programId);
    const id = await createPromoCode(trx, programId, input, ctx.now);
    const view = promoCodeView(await trx.selectFrom('promo_codes').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
    await audit(trx, ctx, { programId, action: 'promo_code.create', entityType: 'promo_code', entityId: id, after: view });
    return view;
  });
}

/**
 * Disables a promo code: from now on it answers PromoCodeNotFound to guests and POS; its
 * redemptions stay. Disabling a disabled code changes nothing (and writes no audit entry).
 */
export async function disablePromoCode(ctx: AdminContext, programId: string, idOrCode: string, reason: string | null = null): Promise<PromoCodeView> {
  const before = await getPromoCode(ctx, programId, idOrCode);
  if (!before.active) return before;
  return ctx.db.transaction().execute(async (trx) => {
    const at = ctx.now.toISOString();
    await trx.updateTable('promo_codes').set({ disabled_at: at }).where('id', '=', before.id).where('program_id', '=', programId).where('disabled_at', 'is', null).execute();
    const after = promoCodeView(await trx.selectFrom('promo_codes').selectAll().where('id', '=', before.id).executeTakeFirstOrThrow());
    if (after.disabledAt === at) await audit(trx, ctx, { programId, action: 'promo_code.disable', entityType: 'promo_code', entityId: before.id, before, after, reason });
    return after;
  });
}
