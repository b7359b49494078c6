import { claimWriterFor } from '../adapters/db/repositories/claim-writers.ts';
import type { IdentifyCommand, IdentifyResult, SaleCommand, SaleResult, UnclaimedResult } from './commands.ts';
import { createCode } from './loyalty/codes.ts';
import { ConfigCache } from './loyalty/config-cache.ts';
import { type LoyaltyContext, type LoyaltyDeps, TransactionReader } from './loyalty/context.ts';
import { identify } from './loyalty/identify.ts';
import { refundSale, type RefundCommand, type RefundResult } from './loyalty/refund.ts';
import { updateSale, validateSale } from './loyalty/sale.ts';
import { unclaimedSale } from './loyalty/unclaimed.ts';
import { voidSale, type VoidOptions } from './loyalty/void.ts';
import { CodeLookupGuard, memoryLimiters } from './throttle.ts';
import type { PosPrincipal } from './model.ts';

export type { LoyaltyDeps, LoyaltyObserver } from './loyalty/context.ts';
export { pluFor, resolveIncentiveLines } from './loyalty/incentive-lines.ts';
export { defaultTemplates, templateFor } from './loyalty/presentation.ts';
export type { RefundCommand, RefundResult } from './loyalty/refund.ts';
export type { VoidOptions } from './loyalty/void.ts';

/**
 * The Loyalty API v1 use cases behind one object, as routes and tests hold them: identify,
 * validate, update (PENDING / CLAIMED), unclaimed sales, void, partial refund and one-time codes.
 * Each lives in its own module under `loyalty/`; this facade builds their shared context once —
 * the configuration cache, the transaction reader, and the ClaimWriter the database's
 * capabilities call for.
 */
export class LoyaltyService {
  private readonly ctx: LoyaltyContext;

  constructor(deps: LoyaltyDeps) {
    const db = deps.db.kysely;
    const clock = deps.clock ?? (() => new Date());
    this.ctx = {
      db,
      clock,
      randomIndex: deps.randomIndex,
      publicUrl: deps.publicUrl,
      otpTtlSeconds: deps.otpTtlSeconds ?? 300,
      observer: deps.observer,
      codeGuard: deps.codeGuard ?? new CodeLookupGuard(deps.limiters ?? memoryLimiters(() => clock().getTime())),
      claimWriter: deps.claimWriter ?? claimWriterFor(db),
      config: new ConfigCache(db, deps.configTtlMs ?? 5_000),
      transactions: new TransactionReader(db),
    };
  }

  /** Forget cached configuration (after an admin write, or in tests). */
  invalidate(): void {
    this.ctx.config.invalidate();
  }

  identify(principal: PosPrincipal, cmd: IdentifyCommand): Promise<IdentifyResult> {
    return identify(this.ctx, principal, cmd);
  }

  /** Dry run of a claim: eligibility and points preview; changes nothing. */
  validate(principal: PosPrincipal, transactionId: string, cmd: SaleCommand): Promise<SaleResult> {
    return validateSale(this.ctx, principal, transactionId, cmd);
  }

  /** PENDING holds the basket's rewards; CLAIMED redeems and earns (`render`'s answer is stored for retries). */
  update(principal: PosPrincipal, transactionId: string, cmd: SaleCommand, render: (r: SaleResult) => unknown): Promise<unknown> {
    return updateSale(this.ctx, principal, transactionId, cmd, render);
  }

  /** A sale without an identified guest; a repeat for the same POS sale returns the same transaction. */
  unclaimed(principal: PosPrincipal, cmd: SaleCommand): Promise<UnclaimedResult> {
    return unclaimedSale(this.ctx, principal, cmd);
  }

  /** Reverses what the transaction redeemed and earned, as far as the balance allows; idempotent. */
  void(principal: PosPrincipal, transactionId: string, options: VoidOptions = {}): Promise<{ transactionId: string }> {
    return voidSale(this.ctx, principal, transactionId, options);
  }

  /** Partial refund of a CLAIMED sale (loyalty/refund.ts); idempotent by `refundId`. */
  refund(principal: PosPrincipal, transactionId: string, cmd: RefundCommand): Promise<RefundResult> {
    return refundSale(this.ctx, principal, transactionId, cmd);
  }

  /** A fresh one-time 6-digit code for a guest, with incentives pre-selected. */
  createCode(programId: string, guestId: string, selectionIds: string[], ttlSeconds?: number): Promise<{ code: string; expiresAt: string }> {
    return createCode(this.ctx, programId, guestId, selectionIds, ttlSeconds);
  }
}
