import type { IdentifyResult, PosContext, SaleResult, UnclaimedResult } from '../../app/commands.ts';
import type { PosPrincipal } from '../../app/model.ts';
import type { PosVendorBody, TransactionBodyT } from '../http/schemas/pos.ts';

/**
 * A POS dialect: how one vendor's variant of Loyalty API v1 maps onto Tillpoint's commands and
 * back. Vendor-specific field names live only in dialect modules.
 */
export interface PosDialect {
  /** partner | tillster | ncr | winrest */
  readonly id: string;
  posContext(posVendor: PosVendorBody, principal: PosPrincipal): PosContext;
  /** NCR stamps the incentive ids it kept in `appliedDiscounts`; others return null. */
  appliedIncentiveIds(body: TransactionBodyT, status: 'PENDING' | 'CLAIMED' | 'VALIDATE'): string[] | null;
  renderIdentify(result: IdentifyResult): Record<string, unknown>;
  renderSale(result: SaleResult, status: 'PENDING' | 'CLAIMED' | 'VALIDATE'): Record<string, unknown>;
  renderUnclaimed(result: UnclaimedResult): Record<string, unknown>;
}

/** The vendors an incentive's PLU configs are keyed by, lower case. */
export function vendorKey(name: string): string {
  return name.trim().toLowerCase();
}
