import type { IdentifyResult, PosContext } from '../../../app/commands.ts';
import { invalidField } from '../../../errors.ts';
import type { TransactionBodyT } from '../../http/schemas/pos.ts';
import { type PosDialect, type SaleStatus, vendorKey } from '../dialect.ts';
import { genericPosContext, genericSaleInput, identifyOrder, renderGenericIdentify, renderGenericSale, renderGenericUnclaimed } from '../generic.dialect.ts';

export const WINREST = 'winrest';

/**
 * Kiosk vendors that sell in Winrest stores under the store's Winrest key: the Winrest page's
 * identify example names them as the alternative `posType` ("Winrest" or "Tillster"), and its
 * transaction examples call posType the "POS/Kiosk vendor name".
 */
const KIOSK_POS_TYPES = new Set(['tillster']);

/**
 * Winrest's variant of Loyalty API v1: the generic shapes (which already answer identify's
 * `quantity` as "1" and `price` on reward lines), except that
 *
 * - Winrest has no reward PLUs. A reward's `productId` is the PLU of the product it gives away,
 *   taken from the reward's Winrest vendor config, and the POS applies its own generic 100%
 *   discount PLU to that product (the program's `posSettings.winrest.genericDiscountPlus` names
 *   it, so that the pair redeems the reward).
 * - `price` on reward lines is `priceCents` of the reward's Winrest config, as minor-unit text.
 * - At most one offer per order (the rules engine refuses a second), and no offers at kiosks
 *   (the page's "out of scope"). A caller is a kiosk when its `posType` names a kiosk vendor
 *   (Tillster): identify leaves pre-selected offers out of `order[]`, and an offer line in a
 *   kiosk's sale is refused. `supportingPos` marks nothing: the page's own identify example sends
 *   `supportingPos: "Partner"` from a Winrest POS and answers offers.
 */
export const winrestDialect: PosDialect = {
  id: WINREST,

  posContext: (pv, principal) => genericPosContext(WINREST, pv, principal),

  saleInput(body: TransactionBodyT, _status: SaleStatus) {
    const input = genericSaleInput(body);
    if (isKiosk(body.transactionDetails.posVendor.posType)) {
      const i = body.transactionDetails.order.findIndex((l) => /^offer$/i.test(l.productType));
      if (i >= 0)
        throw invalidField(
          `transactionDetails.order[${i}].productType`,
          `is an offer; kiosks (posType ${body.transactionDetails.posVendor.posType}) cannot redeem offers in Winrest stores`,
        );
    }
    return input;
  },

  renderIdentify(r: IdentifyResult, pos: PosContext) {
    const kiosk = isKiosk(pos.posType);
    return renderGenericIdentify(
      r,
      identifyOrder(r, pos, (s) => !(kiosk && s.incentive.kind === 'OFFER')),
    );
  },

  renderSale: (r) => renderGenericSale(r),
  renderUnclaimed: renderGenericUnclaimed,
};

function isKiosk(posType: string | undefined): boolean {
  return KIOSK_POS_TYPES.has(vendorKey(posType ?? ''));
}
