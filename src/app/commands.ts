import type { Cart } from '../domain/cart.ts';
import type { Incentive } from '../domain/incentive.ts';
import type { Evaluation } from '../domain/evaluate.ts';
import type { Presentation } from '../domain/receipt.ts';
import type { ServiceMode } from '../domain/service-mode.ts';
import type { LocalTime } from '../domain/time.ts';
import type { GuestTier } from '../domain/tiers.ts';
import type { ItemLineRedemption } from './item-line-redemption.ts';

/**
 * What a POS said, in Tillpoint's words. Dialects build these from vendor bodies and render the
 * results back; the use cases never see a vendor field name.
 */
export interface PosContext {
  storeId: string;
  terminal: string;
  posTransactionId: string;
  operator: string | null;
  matchingId: string | null;
  posType: string;
  /** The vendor whose PLU configs answer and resolve lines first: the API key's vendor. */
  pluVendor: string;
  /** The dialect that spoke (partner, tillster, ncr, winrest). */
  dialect: string;
}

export interface IdentifyCommand {
  identifier: string;
  pos: PosContext;
  /** From `x-user-datetime`, when the POS sent it. */
  localTime: LocalTime | null;
}

export interface SelectedIncentive {
  incentive: Incentive;
  /** This vendor's PLU for it (null for `ignore`). */
  plu: string | null;
  referenceId: string;
}

export interface IdentifyResult {
  transactionId: string;
  guest: { id: string; name: string; createdAt: string };
  /** Balance net of the pre-selected rewards' cost. */
  balance: number;
  selections: SelectedIncentive[];
  receiptCode: string;
  /** The guest's tier when the program has tiers (tiers.service.ts); null/absent otherwise. */
  tier?: GuestTier | null;
}

export interface SaleCommand {
  status: 'PENDING' | 'CLAIMED';
  loyaltyId: string | null;
  serviceMode: ServiceMode | null;
  channel: string | null;
  cart: Cart;
  pos: PosContext;
  localTime: LocalTime | null;
  /** sha256 of the canonical request body: a repeated CLAIMED with the same body is a retry. */
  bodyHash: string;
  /**
   * NCR: the incentive ids the POS stamped in `appliedDiscounts` (CLAIMED keeps exactly these).
   * null when the dialect does not use the mechanism.
   */
  appliedIncentiveIds: string[] | null;
  /**
   * Set by dialects whose POS rings a redeemed product as an ordinary item line and pins loyalty
   * discounts to lines (NCR): item lines carrying this vendor's PLU for a pre-selected or stamped
   * incentive redeem it (see item-line-redemption.ts). Absent or null: only reward/offer lines redeem.
   */
  itemLineRedemption?: ItemLineRedemption | null;
}

export interface SaleResult {
  transactionId: string;
  loyaltyId: string;
  /** Balance after this update (net of reserved rewards while PENDING). */
  points: number;
  pointsEarned: number;
  pointsRedeemed: number;
  receiptCode: string;
  presentation: Presentation;
  evaluation: Evaluation;
  /** Cart line each applied incentive sits on (by referenceId), for dialects that point at lines. */
  incentiveLines: { incentive: Incentive; lineRef: string; plu: string | null }[];
}

export interface UnclaimedResult {
  transactionId: string;
  receiptCode: string;
  presentation: Presentation;
  earnablePoints: number;
}
