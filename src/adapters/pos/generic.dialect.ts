import type { IdentifyResult, PosContext, SaleResult, SelectedIncentive, UnclaimedResult } from '../../app/commands.ts';
import type { PosPrincipal } from '../../app/model.ts';
import type { RawLine } from '../../domain/cart.ts';
import type { Incentive } from '../../domain/incentive.ts';
import { invalidField } from '../../errors.ts';
import type { PosVendorBody, TransactionBodyT } from '../http/schemas/pos.ts';
import { type PosDialect, type SaleInput, vendorKey } from './dialect.ts';

/*
 * The generic Loyalty API v1 request and response shapes, in one place for every dialect: Partner
 * integrations, Tillster kiosks and any other vendor without a dialect of its own speak them as
 * they are (`genericDialect`); NCR and Winrest differ in a field or two and build on the pieces
 * exported here.
 */

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

/**
 * Where the sale happens, from `posVendor`. The answers carry the PLUs of the API key's vendor
 * config (the seed: "the reward item PLU mapped in the respective vendor config"); `supportingPos`
 * is accepted as the POS sends it and changes no PLU.
 */
export function genericPosContext(dialect: string, pv: PosVendorBody, principal: PosPrincipal): PosContext {
  return {
    storeId: String(pv.storeId),
    terminal: String(pv.terminal),
    posTransactionId: String(pv.transactionId),
    operator: pv.operator === undefined ? null : String(pv.operator),
    matchingId: pv.matchingId ?? null,
    posType: pv.posType,
    pluVendor: vendorKey(principal.vendor),
    dialect,
  };
}

/** A reward's price as the seeds write money in identify: minor units as text ("300" = 3.00). */
export function rewardPrice(incentive: Incentive, vendor: string): string {
  return String(incentive.vendorConfigs[vendor]?.priceCents ?? 0);
}

/**
 * `order[]` of the identify answer: the pre-selected incentives with this vendor's PLUs, in the
 * seed's types — `quantity` as the text "1", and `price` on reward lines only (the price at which
 * the POS rings the reward's product before its 100% discount, from `priceCents` on the vendor's
 * config; "0" when unset).
 */
export function identifyOrder(r: IdentifyResult, pos: PosContext, keep: (s: SelectedIncentive) => boolean = () => true) {
  return r.selections.filter(keep).map((s) => ({
    name: s.incentive.name,
    productId: s.plu,
    incentiveId: s.incentive.id,
    quantity: '1',
    referenceId: s.referenceId,
    productType: s.incentive.kind,
    ...(s.incentive.kind === 'REWARD' ? { price: rewardPrice(s.incentive, pos.pluVendor) } : {}),
  }));
}

export function renderGenericIdentify(r: IdentifyResult, order: unknown[]): Record<string, unknown> {
  return {
    balances: [{ amount: r.balance, currency: 'points' }],
    loyaltyUser: { id: r.guest.id, name: r.guest.name, created: r.guest.createdAt },
    order,
    transactionId: r.transactionId,
    ...(r.tier ? { tier: r.tier.name } : {}),
  };
}

export function renderGenericSale(r: SaleResult): Record<string, unknown> {
  return {
    points: r.points,
    pointsEarned: r.pointsEarned,
    pointsRedeemed: r.pointsRedeemed,
    loyaltyId: r.loyaltyId,
    transactionId: r.transactionId,
    receiptCode: r.receiptCode,
    presentation: r.presentation,
  };
}

export function renderGenericUnclaimed(r: UnclaimedResult): Record<string, unknown> {
  return { transactionId: r.transactionId, receiptCode: r.receiptCode, presentation: r.presentation };
}

/**
 * The order of a generic body (loyalty lines numbered apart from goods: see `orderLines`).
 *
 * `appliedDiscounts` belongs to the NCR dialect: under any other key it would be silently
 * ignored, so a body carrying it is refused as mixing dialects.
 */
export function genericSaleInput(body: TransactionBodyT): SaleInput {
  if ((body.transactionDetails.appliedDiscounts ?? []).length > 0) {
    throw invalidField(
      'transactionDetails.appliedDiscounts',
      "is NCR's way of naming discounts (NCR API keys only); under this API key send each reward or offer as an order line instead",
    );
  }
  return { order: orderLines(body.transactionDetails.order), appliedIncentiveIds: null, itemLineRedemption: null };
}

/**
 * The dialect that speaks the generic shapes as they are, for vendor `id`.
 *
 * @example
 * export const TILLSTER = 'tillster';
 * export const tillsterDialect = genericDialect(TILLSTER);
 */
export function genericDialect(id: string): PosDialect {
  return {
    id,
    posContext: (pv, principal) => genericPosContext(id, pv, principal),
    saleInput: (body) => genericSaleInput(body),
    renderIdentify: (r, pos) => renderGenericIdentify(r, identifyOrder(r, pos)),
    renderSale: (r) => renderGenericSale(r),
    renderUnclaimed: (r) => renderGenericUnclaimed(r),
  };
}
