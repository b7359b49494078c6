import type { IdentifyResult, PosContext } from '../../../app/commands.ts';
import type { Incentive } from '../../../domain/incentive.ts';
import { invalidField } from '../../../errors.ts';
import type { TransactionBodyT } from '../../http/schemas/pos.ts';
import { type PosDialect, type SaleStatus, vendorKey } from '../dialect.ts';
import { genericPosContext, genericSaleInput, renderGenericIdentify, renderGenericSale, renderGenericUnclaimed } from '../partner/partner.dialect.ts';

export const WINREST = 'winrest';

/**
 * Winrest's variant of Loyalty API v1: the generic shapes, except that
 *
 * - Winrest has no reward PLUs. A reward's `productId` is the PLU of the product it gives away,
 *   taken from the reward's Winrest vendor config, and the POS applies its own generic 100%
 *   discount PLU to that product.
 * - identify answers `price` on reward lines of `order[]` (never on offers): the price at which the
 *   POS rings the reward's product before that discount, in the POS's money format — minor units
 *   as text ("300" = 3.00). It comes from `priceCents` on the reward's **Winrest** vendor config
 *   (whatever `supportingPos` says, since the price is a Winrest concern), "0" when unset.
 *   `quantity` is text ("1"), as in Winrest's examples.
 * - At most one offer per order (the rules engine refuses a second), and no offers at kiosks. A
 *   caller is a kiosk when `supportingPos` names a POS other than Winrest (kiosks name the store
 *   POS whose PLUs they need): identify leaves pre-selected offers out of `order[]`, and an offer
 *   line in a kiosk's sale is refused.
 */
export const winrestDialect: PosDialect = {
  id: WINREST,

  posContext: (pv, principal, at) => genericPosContext(WINREST, pv, principal, at),

  saleInput(body: TransactionBodyT, _status: SaleStatus) {
    const input = genericSaleInput(body, body.transactionDetails.posVendor.posType);
    if (isKiosk(body.transactionDetails.posVendor.supportingPos)) {
      const i = body.transactionDetails.order.findIndex((l) => /^offer$/i.test(l.productType));
      if (i >= 0) throw invalidField(`transactionDetails.order[${i}].productType`, 'is an offer; Winrest kiosks (posVendor.supportingPos set) cannot redeem offers');
    }
    return input;
  },

  renderIdentify(r: IdentifyResult, pos: PosContext) {
    const kiosk = pos.pluVendor !== WINREST;
    const order = r.selections
      .filter((s) => !(kiosk && s.incentive.kind === 'OFFER'))
      .map((s) => ({
        name: s.incentive.name,
        productId: s.plu,
        incentiveId: s.incentive.id,
        quantity: '1',
        referenceId: s.referenceId,
        productType: s.incentive.kind,
        ...(s.incentive.kind === 'REWARD' ? { price: rewardPrice(s.incentive) } : {}),
      }));
    return renderGenericIdentify(r, order);
  },

  renderSale: (r) => renderGenericSale(r),
  renderUnclaimed: renderGenericUnclaimed,
};

function isKiosk(supportingPos: string | undefined): boolean {
  return !!supportingPos?.trim() && vendorKey(supportingPos) !== WINREST;
}

/** The reward's price as Winrest writes money: minor units as text. */
export function rewardPrice(incentive: Incentive): string {
  return String(incentive.vendorConfigs[WINREST]?.priceCents ?? 0);
}
