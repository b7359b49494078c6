import { programExists } from '../../adapters/db/repositories/programs.repository.ts';
import {
  disablePromoCode as disableCode,
  findPromoCodeRecord,
  listPromoCodeRecords,
  type PromoCodeRecord,
} from '../../adapters/db/repositories/promo-codes.repository.ts';
import { inTransaction } from '../../adapters/db/tx.ts';
import { createPromoCode, type NewPromoCode, normalizePromoCode } from '../guest/promo-codes.ts';
import { type AdminContext, assertProgramInScope, audit, notFound } from './context.ts';

/** A promo code as the admin API shows it. */
export type PromoCodeView = PromoCodeRecord;

/** The program's promo codes, newest first; `active` filters enabled (true) or disabled (false) ones. */
export async function listPromoCodes(ctx: AdminContext, programId: string, filter: { active?: boolean; incentiveId?: string } = {}): Promise<PromoCodeView[]> {
  assertProgramInScope(ctx.actor, programId);
  if (!(await programExists(ctx.db, programId))) throw notFound('program', programId);
  return listPromoCodeRecords(ctx.db, programId, filter);
}

/** One promo code by id, or by the code itself (any case). */
export async function getPromoCode(ctx: AdminContext, programId: string, idOrCode: string): Promise<PromoCodeView> {
  assertProgramInScope(ctx.actor, programId);
  const code = await findPromoCodeRecord(ctx.db, programId, { id: idOrCode, code: normalizePromoCode(idOrCode) });
  if (!code) throw notFound('promo code', idOrCode);
  return code;
}

/**
 * Creates a promo code for an incentive of the program (validated by `createPromoCode`: code
 * format, uses, validity window, the incentive in this program; 409 for a code already taken),
 * audited in the same transaction.
 */
export async function createPromoCodeAs(ctx: AdminContext, programId: string, input: NewPromoCode): Promise<PromoCodeView> {
  assertProgramInScope(ctx.actor, programId);
  return inTransaction(ctx.db, async (trx) => {
    if (!(await programExists(trx, programId))) throw notFound('program', programId);
    const id = await createPromoCode(trx, programId, input, ctx.now);
    const view = (await findPromoCodeRecord(trx, programId, { id }))!;
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
  return inTransaction(ctx.db, async (trx) => {
    const at = ctx.now.toISOString();
    await disableCode(trx, programId, before.id, at);
    const after = (await findPromoCodeRecord(trx, programId, { id: before.id }))!;
    if (after.disabledAt === at)
      await audit(trx, ctx, { programId, action: 'promo_code.disable', entityType: 'promo_code', entityId: before.id, before, after, reason });
    return after;
  });
}
