import type { IdentifyResult, PosContext, SaleResult, UnclaimedResult } from '../../app/commands.ts';
import type { ItemLineRedemption } from '../../app/item-line-redemption.ts';
import type { PosPrincipal } from '../../app/model.ts';
import type { RawLine } from '../../domain/cart.ts';
import type { PosVendorBody, TransactionBodyT } from '../http/schemas/pos.ts';

export type SaleStatus = 'PENDING' | 'CLAIMED' | 'VALIDATE';

/** The vendor-specific parts of a transaction body, in Tillpoint's words. */
export interface SaleInput {
  /** The order lines, money still as the POS wrote it (buildCart parses it). */
  order: RawLine[];
  /** Incentives the POS stamped as applied (only these stay applied), or null. */
  appliedIncentiveIds: string[] | null;
  /** Discounts pinned to item lines, for POSes that ring redeemed products as items; or null. */
  itemLineRedemption: ItemLineRedemption | null;
}

/**
 * A POS dialect: how one vendor's variant of Loyalty API v1 maps onto Tillpoint's commands and
 * back. Vendor-specific field names live only in dialect modules: one folder per vendor
 * (`ncr/`, `winrest/`, `tillster/`, `partner/`), each starting from the generic shapes of
 * `generic.dialect.ts`, registered in `index.ts`.
 *
 * @example
 * const dialect = selectDialect(principal);
 * const pos = dialect.posContext(body.posVendor, principal);
 * return dialect.renderIdentify(await loyalty.identify(principal, { identifier, pos, localTime }), pos);
 */
export interface PosDialect {
  /** partner | tillster | ncr | winrest | … — also the key of the program's receipt templates. */
  readonly id: string;
  /** Reads `posVendor`: where the sale happens, and whose PLU configs answer (the key's vendor). */
  posContext(posVendor: PosVendorBody, principal: PosPrincipal): PosContext;
  /** Reads the order and any vendor-specific discount fields; throws a ValidationError naming the field. */
  saleInput(body: TransactionBodyT, status: SaleStatus): SaleInput;
  renderIdentify(result: IdentifyResult, pos: PosContext): Record<string, unknown>;
  renderSale(result: SaleResult, status: SaleStatus): Record<string, unknown>;
  renderUnclaimed(result: UnclaimedResult): Record<string, unknown>;
}

/** The vendors an incentive's PLU configs are keyed by, lower case. */
export function vendorKey(name: string): string {
  return name.trim().toLowerCase();
}
