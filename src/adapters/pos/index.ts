import { POS_VENDORS, type PosPrincipal } from '../../app/model.ts';
import { type PosDialect, vendorKey } from './dialect.ts';
import { NCR, ncrDialect } from './ncr/ncr.dialect.ts';
import { genericDialect } from './generic.dialect.ts';
import { PARTNER, partnerDialect } from './partner/partner.dialect.ts';
import { TILLSTER, tillsterDialect } from './tillster/tillster.dialect.ts';
import { WINREST, winrestDialect } from './winrest/winrest.dialect.ts';

/**
 * The dialect seam. The API key's vendor picks the dialect: one folder per vendor (NCR, Winrest,
 * Tillster, Partner); every other POS vendor speaks the generic shapes (`generic.dialect.ts`). `posVendor.posType` is
 * the vendor's name as the POS writes it (`$posVendorName`): any text is accepted and stored with
 * the transaction, but it picks nothing — an NCR till that writes "NCR R10" or a Winrest store
 * that writes "Tillster" for its kiosk still gets its key's answers.
 */
const DIALECTS = new Map<string, PosDialect>([
  [PARTNER, partnerDialect],
  [TILLSTER, tillsterDialect],
  [NCR, ncrDialect],
  [WINREST, winrestDialect],
]);
for (const vendor of POS_VENDORS) if (!DIALECTS.has(vendor)) DIALECTS.set(vendor, genericDialect(vendor));

/** The dialect of the API key's vendor (the generic shapes for a vendor without one of its own). */
export function selectDialect(principal: PosPrincipal): PosDialect {
  const vendor = vendorKey(principal.vendor);
  return DIALECTS.get(vendor) ?? genericDialect(vendor);
}
