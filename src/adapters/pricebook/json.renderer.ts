import { formatMajor } from '../../domain/money.ts';
import type { ChangeKind, Manufacturer, PromotionType } from '../../domain/promotions/promotion.ts';
import { batchEntries, type PricebookBatch, type PricebookVendor, type RenderOptions } from './batch.ts';

/**
 * The documented JSON price-book file for POS systems without NAXML (docs/pricebook.md). Same
 * batch, same register actions as the NAXML file, plus what NAXML has no place for (brand,
 * per-transaction limit, the kind of change).
 */

export const PRICEBOOK_JSON_FORMAT = 'tillpoint.pricebook';
export const PRICEBOOK_JSON_VERSION = 1;

export interface PricebookJsonPromotion {
  action: 'upsert' | 'delete';
  change: ChangeKind;
  promotionId: string;
  itemListId: string;
  manufacturer: Manufacturer;
  type: PromotionType;
  description: string;
  brand: string | null;
  upcs: string[];
  startDate: string;
  endDate: string;
  /** units to buy: 1 for a buydown */
  quantity: number;
  /** per unit for a buydown, for the `quantity` units of a multipack */
  discount: { amount: string; amountCents: number };
  maxPerTransaction: number | null;
}

export interface PricebookJson {
  format: typeof PRICEBOOK_JSON_FORMAT;
  formatVersion: typeof PRICEBOOK_JSON_VERSION;
  batchId: string;
  createdAt: string;
  location: { storeLocationId: string; name: string };
  vendor: PricebookVendor;
  currency: 'USD';
  promotions: PricebookJsonPromotion[];
}

/** The batch as a JSON document object. */
export function pricebookJson(batch: PricebookBatch, vendor: PricebookVendor, opts: RenderOptions = {}): PricebookJson {
  return {
    format: PRICEBOOK_JSON_FORMAT,
    formatVersion: PRICEBOOK_JSON_VERSION,
    batchId: batch.batchId,
    createdAt: batch.createdAt,
    location: { storeLocationId: batch.location.storeLocationId, name: batch.location.name },
    vendor: { name: vendor.name, version: vendor.version },
    currency: 'USD',
    promotions: batchEntries(batch, opts).map(({ kind, action, promotion: p, ids }) => ({
      action,
      change: kind,
      promotionId: ids.promotionId,
      itemListId: ids.itemListId,
      manufacturer: p.manufacturer,
      type: p.type,
      description: p.description,
      brand: p.brand,
      upcs: [...p.upcs],
      startDate: p.startDate,
      endDate: p.endDate,
      quantity: p.quantity,
      discount: { amount: formatMajor(p.amountCents), amountCents: p.amountCents },
      maxPerTransaction: p.maxPerTransaction,
    })),
  };
}

/**
 * Renders one accepted batch as the JSON price-book file (2-space indented, newline-terminated).
 * @example renderJson(batch, { name: 'Tillpoint', version: '0.1.0' })
 */
export function renderJson(batch: PricebookBatch, vendor: PricebookVendor, opts: RenderOptions = {}): string {
  return JSON.stringify(pricebookJson(batch, vendor, opts), null, 2) + '\n';
}
