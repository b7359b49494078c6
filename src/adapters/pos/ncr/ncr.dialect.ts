import type { IdentifyResult, PosContext, SaleResult } from '../../../app/commands.ts';
import type { DiscountPin } from '../../../app/item-line-redemption.ts';
import type { PosPrincipal } from '../../../app/model.ts';
import type { Incentive } from '../../../domain/incentive.ts';
import { invalidField } from '../../../errors.ts';
import type { PosVendorBody, TransactionBodyT } from '../../http/schemas/pos.ts';
import type { PosDialect, SaleInput, SaleStatus } from '../dialect.ts';
import { genericPosContext, identifyOrder, orderLines, renderGenericIdentify, renderGenericSale, renderGenericUnclaimed } from '../generic.dialect.ts';

export const NCR = 'ncr';

/**
 * NCR's variant of Loyalty API v1.
 *
 * - identify also answers `eligibleDiscounts`: one per pre-selected incentive, with the benefit
 *   PLU as `productId` and the incentive id as `referenceId`, and no `orderReferenceId` (NCR has
 *   no cart yet).
 * - NCR rings a redeemed product as an ordinary `item` line carrying the benefit PLU (or an upsize
 *   PLU: the later entries of a `sizeBasedPlu` config) and lists discounts in
 *   `transactionDetails.appliedDiscounts`, each pinned to a line by `orderReferenceId`.
 * - PENDING: `appliedDiscounts[].referenceId` is blank; item lines carrying the PLU of a
 *   pre-selected incentive redeem it — as does a line carrying an upsize PLU, pre-selected or not
 *   (the seed's "OR the cart contains an upsize plu"), when the guest can have it — and the
 *   answer's `eligibleDiscounts` point at those lines (`orderReferenceId` = the line's
 *   `referenceId`). NCR stamps our `referenceId` on its discounts.
 * - CLAIMED: exactly the incentives NCR stamped in `appliedDiscounts[].referenceId` stay applied.
 * - SUBTOTAL, DISCOUNTS and TAXES payments are totals, not tenders (the canonical cart keeps them apart).
 * - Both updates answer `presentation` and `receiptCode`; `matchingId` is stored with the transaction.
 */
export const ncrDialect: PosDialect = {
  id: NCR,

  posContext: (pv: PosVendorBody, principal: PosPrincipal): PosContext => genericPosContext(NCR, pv, principal),

  saleInput(body: TransactionBodyT, status: SaleStatus): SaleInput {
    const order = orderLines(body.transactionDetails.order);
    const refs = new Set(order.map((l) => l.referenceId));
    const pinnedAt = new Map<string, number>();
    const pins: DiscountPin[] = (body.transactionDetails.appliedDiscounts ?? []).map((d, i) => {
      const at = `transactionDetails.appliedDiscounts[${i}]`;
      const lineRef = d.orderReferenceId?.trim() || null;
      if (lineRef !== null) {
        if (!refs.has(lineRef)) throw invalidField(`${at}.orderReferenceId`, `points at "${lineRef}", which is no line of this order`);
        const earlier = pinnedAt.get(lineRef);
        if (earlier !== undefined) {
          throw invalidField(`${at}.orderReferenceId`, `"${lineRef}" collides with appliedDiscounts[${earlier}]: one discount per order line`);
        }
        pinnedAt.set(lineRef, i);
      }
      return { lineRef, incentiveId: d.referenceId?.trim() || null, field: `${at}.referenceId` };
    });
    const stamped = pins.flatMap((p) => (p.incentiveId === null ? [] : [p.incentiveId]));
    // CLAIMED keeps exactly what NCR stamped (nothing, if it stamped nothing). A validate is a dry
    // run of the claim once NCR has stamped; before that it previews like PENDING.
    const appliedIncentiveIds = status === 'CLAIMED' || (status === 'VALIDATE' && stamped.length > 0) ? stamped : null;
    return { order, appliedIncentiveIds, itemLineRedemption: { pins, upsizes: true } };
  },

  renderIdentify(r: IdentifyResult, pos: PosContext) {
    return {
      ...renderGenericIdentify(r, identifyOrder(r, pos)),
      eligibleDiscounts: r.selections.map((s) => ({ ...details(s.incentive), productId: s.plu, referenceId: s.incentive.id })),
    };
  },

  renderSale(r: SaleResult) {
    return {
      ...renderGenericSale(r),
      eligibleDiscounts: r.incentiveLines.map((l) => ({
        ...details(l.incentive),
        orderReferenceId: l.lineRef,
        productId: l.plu,
        referenceId: l.incentive.id,
      })),
    };
  },

  renderUnclaimed: renderGenericUnclaimed,
};

function details(incentive: Incentive) {
  return { details: { displayName: incentive.name, type: incentive.kind } };
}
