import type { IdentifyResult, PosContext, SaleResult, UnclaimedResult } from '../../../app/commands.ts';
import type { PosPrincipal } from '../../../app/model.ts';
import type { PosVendorBody } from '../../http/schemas/pos.ts';
import { type PosDialect, vendorKey } from '../dialect.ts';

/**
 * The generic Loyalty API v1 shapes (Partner integrations, Tillster kiosks). `supportingPos`
 * names the store POS whose PLUs the answer carries; otherwise the caller's own vendor.
 */
export function genericDialect(id: string): PosDialect {
  return {
    id,
    posContext(pv: PosVendorBody, principal: PosPrincipal): PosContext {
      return {
        storeId: String(pv.storeId),
        terminal: String(pv.terminal),
        posTransactionId: String(pv.transactionId),
        operator: pv.operator === undefined ? null : String(pv.operator),
        matchingId: pv.matchingId ?? null,
        posType: pv.posType,
        pluVendor: vendorKey(pv.supportingPos || pv.posType || principal.vendor),
        dialect: id,
      };
    },
    appliedIncentiveIds: () => null,
    renderIdentify(r: IdentifyResult) {
      return {
        balances: [{ amount: r.balance, currency: 'points' }],
        loyaltyUser: { id: r.guest.id, name: r.guest.name, created: r.guest.createdAt },
        order: r.selections.map((s) => ({
          name: s.incentive.name,
          productId: s.plu,
          incentiveId: s.incentive.id,
          quantity: 1,
          referenceId: s.referenceId,
          productType: s.incentive.kind,
        })),
        transactionId: r.transactionId,
      };
    },
    renderSale(r: SaleResult) {
      return {
        points: r.points,
        pointsEarned: r.pointsEarned,
        pointsRedeemed: r.pointsRedeemed,
        loyaltyId: r.loyaltyId,
        transactionId: r.transactionId,
        receiptCode: r.receiptCode,
        presentation: r.presentation,
      };
    },
    renderUnclaimed(r: UnclaimedResult) {
      return { transactionId: r.transactionId, receiptCode: r.receiptCode, presentation: r.presentation };
    },
  };
}

export const partnerDialect = genericDialect('partner');
export const tillsterDialect = genericDialect('tillster');
