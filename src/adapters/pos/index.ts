import type { PosPrincipal } from '../../app/model.ts';
import { type PosDialect, vendorKey } from './dialect.ts';
import { genericDialect, partnerDialect, tillsterDialect } from './partner/partner.dialect.ts';

/**
 * Picks the dialect from `posVendor.posType` (case-insensitive), falling back to the API key's
 * vendor. NCR and Winrest get their own modules; until then every vendor speaks the generic shapes.
 */
const DIALECTS = new Map<string, PosDialect>([
  ['partner', partnerDialect],
  ['tillster', tillsterDialect],
  ['ncr', genericDialect('ncr')],
  ['winrest', genericDialect('winrest')],
]);

export function selectDialect(posType: string | undefined, principal: PosPrincipal): PosDialect {
  return DIALECTS.get(vendorKey(posType ?? '')) ?? DIALECTS.get(vendorKey(principal.vendor)) ?? partnerDialect;
}
