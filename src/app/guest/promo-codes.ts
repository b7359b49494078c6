import {
  activeIncentive,
  countPromoUse,
  enabledPromoCode,
  incentiveExists,
  insertPromoCode,
  recordPromoRedemption,
} from '../../adapters/db/repositories/promo-codes.repository.ts';
import { type Tx, inTransaction } from '../../adapters/db/tx.ts';
import type { Incentive } from '../../domain/incentive.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { type Limiter, type LimiterFactory, memoryLimiters, type ThrottleLimits } from '../throttle.ts';

export interface NewPromoCode {
  /** letters, digits and dashes; stored and matched upper-case */
  code: string;
  incentiveId: string;
  /** total redemptions allowed; null or absent: unlimited */
  maxUses?: number | null;
  /** a guest may redeem it once (default true) */
  oncePerGuest?: boolean;
  /** ISO-8601 instants; either may be open */
  validFrom?: string | null;
  validUntil?: string | null;
}

export const PROMO_CODE = /^[A-Z0-9][A-Z0-9-]{2,39}$/;

export function normalizePromoCode(code: string): string {
  return code.trim().toUpperCase();
}

function isoInstant(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(t)) throw new AppError('ValidationError', `${field} must be an ISO-8601 date-time`, { field });
  return new Date(t).toISOString();
}

/**
 * Provisions a promo code that unlocks one incentive of the program (the admin API calls this).
 * @example
 * await createPromoCode(db, programId, { code: 'WELCOME5', incentiveId: 'ofr-2-off-10', maxUses: 1000 }, new Date());
 */
export async function createPromoCode(db: Tx, programId: string, p: NewPromoCode, at: Date, id = newId()): Promise<string> {
  const code = normalizePromoCode(p.code);
  if (!PROMO_CODE.test(code)) throw new AppError('ValidationError', 'code must be 3-40 letters, digits or dashes', { field: 'code' });
  if (p.maxUses !== undefined && p.maxUses !== null && !(Number.isInteger(p.maxUses) && p.maxUses > 0)) {
    throw new AppError('ValidationError', 'maxUses must be a whole number above 0, or null for unlimited', { field: 'maxUses' });
  }
  const validFrom = isoInstant(p.validFrom, 'validFrom');
  const validUntil = isoInstant(p.validUntil, 'validUntil');
  if (validFrom && validUntil && validFrom >= validUntil) throw new AppError('ValidationError', 'validUntil must be after validFrom', { field: 'validUntil' });
  if (!(await incentiveExists(db, programId, p.incentiveId)))
    throw new AppError('ValidationError', `incentiveId names no incentive of this program`, { field: 'incentiveId' });
  const inserted = await insertPromoCode(db, {
    id,
    programId,
    code,
    incentiveId: p.incentiveId,
    maxUses: p.maxUses ?? null,
    oncePerGuest: p.oncePerGuest !== false,
    validFrom,
    validUntil,
    at: at.toISOString(),
  });
  if (!inserted) throw new AppError('Conflict', `Promo code ${code} already exists in this program`, { field: 'code' });
  return id;
}

/** Wrong promo codes per caller (guest or POS key): 10 in 10 minutes lock out for 15 minutes. */
export const PROMO_CODE_LIMITS: ThrottleLimits = { limit: 60, windowMs: 60_000, maxMisses: 10, missWindowMs: 10 * 60_000, lockoutMs: 15 * 60_000 };

export interface RedeemPromoCode {
  programId: string;
  /** null: an anonymous redemption at a POS */
  guestId: string | null;
  code: string;
  channel: 'app' | 'pos';
  /** who is guessing, for the lockout: `guest:<id>` or `key:<id>` */
  caller: string;
  /** runs before anything is written (e.g. the POS's PLU must exist) */
  check?: (incentive: Incentive) => void;
}

/**
 * Redeems promo codes: validity window, total uses (a conditional update, so concurrent
 * redemptions never exceed `max_uses`), once per guest (a unique key), all in one transaction.
 */
export class PromoCodes {
  private readonly throttle: Limiter;

  constructor(
    private readonly db: Tx,
    private readonly clock: () => Date = () => new Date(),
    limits: ThrottleLimits = PROMO_CODE_LIMITS,
    limiters: LimiterFactory = memoryLimiters(() => this.clock().getTime()),
  ) {
    this.throttle = limiters('promo-code', limits);
  }

  async redeem(r: RedeemPromoCode): Promise<{ incentive: Incentive; promoCodeId: string }> {
    await this.throttle.attempt(r.caller, 'promo code attempts');
    const code = normalizePromoCode(r.code);
    const now = this.clock().toISOString();
    const promo = PROMO_CODE.test(code) ? await enabledPromoCode(this.db, r.programId, code) : undefined;
    if (!promo) {
      await this.throttle.miss(r.caller);
      throw new AppError('PromoCodeNotFound', 'No such promo code in this program', { field: 'promoCode' });
    }
    if (promo.valid_from && promo.valid_from > now)
      throw new AppError('PromoCodeNotRedeemable', 'This promo code is not valid yet', { reason: 'not-yet-valid', validFrom: promo.valid_from });
    if (promo.valid_until && promo.valid_until <= now)
      throw new AppError('PromoCodeNotRedeemable', 'This promo code has expired', { reason: 'expired', validUntil: promo.valid_until });
    const incentive = await activeIncentive(this.db, r.programId, promo.incentive_id);
    if (!incentive) throw new AppError('PromoCodeNotRedeemable', 'The incentive of this promo code is no longer available', { reason: 'incentive-withdrawn' });
    r.check?.(incentive);

    await inTransaction(this.db, async (trx) => {
      const recorded = await recordPromoRedemption(trx, {
        id: newId(),
        programId: r.programId,
        promoCodeId: promo.id,
        incentiveId: incentive.id,
        guestId: r.guestId,
        guestOnceKey: promo.once_per_guest === 1 && r.guestId ? r.guestId : null,
        channel: r.channel,
        at: now,
      });
      if (!recorded) throw new AppError('PromoCodeAlreadyRedeemed');
      if (!(await countPromoUse(trx, promo.id))) throw new AppError('PromoCodeNotRedeemable', 'This promo code is used up', { reason: 'used-up' });
    });
    return { incentive, promoCodeId: promo.id };
  }
}
