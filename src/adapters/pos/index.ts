import { POS_VENDORS, type PosPrincipal } from '../../app/model.ts';
import { invalidField } from '../../errors.ts';
import { type PosDialect, vendorKey } from './dialect.ts';
import { NCR, ncrDialect } from './ncr/ncr.dialect.ts';
import { genericDialect, partnerDialect, tillsterDialect } from './partner/partner.dialect.ts';
import { WINREST, winrestDialect } from './winrest/winrest.dialect.ts';

/**
 * The dialect seam. `posVendor.posType` (case-insensitive) picks the dialect: NCR and Winrest have
 * their own; Partner, Tillster and every other known POS vendor speak the generic shapes. A blank
 * posType falls back to the API key's vendor.
 */
const DIALECTS = new Map<string, PosDialect>([
  ['partner', partnerDialect],
  ['tillster', tillsterDialect],
  [NCR, ncrDialect],
  [WINREST, winrestDialect],
]);
for (const vendor of POS_VENDORS) if (!DIALECTS.has(vendor)) DIALECTS.set(vendor, genericDialect(vendor));

/**
 * Vendors whose answers differ from the generic shapes. Their keys speak only their own dialect,
 * and their dialect answers only their keys: an NCR till sent generic answers (or a Partner
 * integration sent NCR's) would break without an error, so the mismatch is refused up front.
 */
const OWN_DIALECT_VENDORS = new Set([NCR, WINREST]);

/**
 * @param at where `posVendor` sits in the body (`posVendor` on identify, `transactionDetails.posVendor`
 *   on transactions), for the 400's `details.field`.
 */
export function selectDialect(posType: string | undefined, principal: PosPrincipal, at = 'posVendor'): PosDialect {
  const field = `${at}.posType`;
  const asked = vendorKey(posType ?? '') || vendorKey(principal.vendor);
  const dialect = DIALECTS.get(asked);
  if (!dialect) {
    throw invalidField(field, `"${posType}" is no POS type this server speaks (one of Partner, Tillster, NCR, Winrest, ${POS_VENDORS.slice(4).map(cap).join(', ')})`);
  }
  const keyVendor = vendorKey(principal.vendor);
  if ((OWN_DIALECT_VENDORS.has(dialect.id) || OWN_DIALECT_VENDORS.has(keyVendor)) && keyVendor !== dialect.id) {
    throw invalidField(field, `"${posType}" does not match this API key, which was issued to ${principal.vendor}; the ${cap(dialect.id)} and ${cap(keyVendor)} answers differ in shape`);
  }
  return dialect;
}

function cap(vendor: string): string {
  return vendor === NCR ? 'NCR' : vendor.charAt(0).toUpperCase() + vendor.slice(1);
}
