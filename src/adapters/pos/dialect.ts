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
 * back. Vendor-specific field names live only in dialect modules.
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

/** Order lines as every dialect sends them: ids may be numbers, quantities may be strings. */
export function toRawLines(order: TransactionBodyT['transactionDetails']['order']): RawLine[] {
  return order.map((l) => ({
    referenceId: String(l.referenceId),
    parentReferenceId: l.parentReferenceId === undefined || l.parentReferenceId === null ? null : String(l.parentReferenceId),
    productId: l.productId,
    name: l.name,
    productType: l.productType,
    quantity: Number(l.quantity),
    price: l.price,
    tax: l.tax,
    incentiveId: l.incentiveId ?? null,
  }));
}

const isLoyaltyLine = (l: RawLine): boolean => /^(reward|offer)$/i.test(l.productType);

/**
 * The order's lines, for every dialect. Reward and offer lines may repeat the referenceId of a
 * goods line — the Loyalty API reference's own examples number them independently (an offer line
 * and a combo both "1") — so such a loyalty line gets an internal reference of its own and combo
 * children keep pointing at the goods line. Two goods lines sharing a referenceId stay an error.
 */
export function orderLines(order: TransactionBodyT['transactionDetails']['order']): RawLine[] {
  const lines = toRawLines(order);
  const goodsRefs = new Set(lines.filter((l) => !isLoyaltyLine(l)).map((l) => l.referenceId));
  const used = new Set(lines.map((l) => l.referenceId));
  return lines.map((l) => {
    if (!isLoyaltyLine(l) || !goodsRefs.has(l.referenceId)) return l;
    const base = `${l.referenceId}~${l.productType.toLowerCase()}`;
    let ref = base;
    for (let n = 2; used.has(ref); n++) ref = `${base}${n}`;
    used.add(ref);
    return { ...l, referenceId: ref };
  });
}
