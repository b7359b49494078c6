import type { Promotion } from '../promotions/promotion.ts';

/**
 * A c-store sale line in Tillpoint's words: what the register sold, as the POS API or a journal
 * import delivers it. Vendor journal fields stop at their adapter; pricing and the weekly scan-data
 * writers see only this.
 */

/** How the sale was paid. A manufacturer coupon counts as cash tender (the collectors' rule). */
export type Tender = 'cash' | 'credit' | 'debit' | 'ebt' | 'mobile' | 'other';

/** How the cashier verified the buyer's age. */
export type AgeVerification = 'scanned-id' | 'manual-entry' | 'visual' | 'not-required' | 'none';

/** Tobacco categories the manufacturers ask for; `null` on a line means "not tobacco". */
export type TobaccoCategory = 'cigarettes' | 'cigars' | 'smokeless' | 'vapor' | 'nicotine-pouch' | 'roll-your-own' | 'pipe' | 'other-tobacco';

/** A manufacturer coupon the cashier scanned for this line: its value over all of the line's units. */
export interface LineCoupon {
  /** the coupon's code or id as scanned */
  id: string;
  description: string;
  /** minor units, positive, for the whole line */
  amountCents: number;
}

export interface SaleLine {
  locationId: string;
  registerId: string;
  /** the POS's transaction id; location + register + transaction id identify a basket */
  transactionId: string;
  /** the line's number within the basket, from 1 */
  lineNumber: number;
  /** the moment of the sale, ISO 8601 instant */
  soldAt: string;
  /** the store's wall clock at that moment: YYYY-MM-DD and HH:MM:SS */
  localDate: string;
  localTime: string;
  /** 12-digit UPC-A, normalized (see domain/promotions/upc.ts) */
  upc: string;
  description: string;
  /** PACK, CARTON, CAN, ROLL, EACH … upper-case */
  unitOfMeasure: string;
  /** whole units; negative for a void or a refund */
  quantity: number;
  /** regular per-unit price before any discount, minor units, ≥ 0 */
  unitPriceCents: number;
  tender: Tender;
  /** the buyer's loyalty id when one was presented */
  loyaltyId: string | null;
  ageVerification: AgeVerification;
  /** tobacco category; null for a non-tobacco line (it is not reported unless a promotion lists its UPC) */
  category: TobaccoCategory | null;
  /** the product's manufacturer as the price book names it (Altria's ManufacturerName), if known */
  manufacturerName?: string | null;
  /** the retailer's SKU / item code, if any */
  sku?: string | null;
  /** units per selling unit (10 packs in a carton); 1 when absent */
  consumerUnits?: number;
  coupon?: LineCoupon | null;
  /** the buyer's phone number when given for a loyalty offer (Altria keeps its last 6 digits) */
  consumerPhone?: string | null;
}

/** Who pays a discount back. */
export type Funding = 'manufacturer' | 'outlet';

/**
 * A promotion as pricing needs it: the accepted promotion (domain/promotions) plus who funds it
 * and whether it needs a loyalty id. The caller passes the promotions accepted at the location at
 * the moment of the sale (the accepted state then, not today's).
 */
export interface PricingPromotion {
  /** the manufacturer's id ('rjr', 'altria' …): a string, since scan-data files name manufacturers the sync does not know */
  manufacturer: string;
  externalId: string;
  type: 'buydown' | 'multipack';
  description: string;
  upcs: readonly string[];
  /** store-local dates, inclusive */
  startDate: string;
  endDate: string;
  /** buydown: per unit; multipack: per qualifying set of `quantity` units */
  amountCents: number;
  quantity: number;
  /** buydown: units per transaction; multipack: sets per transaction; null = no limit */
  maxPerTransaction: number | null;
  status: 'active' | 'cancelled';
  funding: Funding;
  /** only for a buyer who presented a loyalty id */
  loyaltyOnly: boolean;
}

/**
 * An accepted promotion as pricing takes it, with who funds it.
 * @example pricingPromotion(acceptedRjrBuydown) // { …, funding: 'manufacturer', loyaltyOnly: false }
 */
export function pricingPromotion(p: Promotion, opts: { funding?: Funding; loyaltyOnly?: boolean } = {}): PricingPromotion {
  return {
    manufacturer: p.manufacturer,
    externalId: p.externalId,
    type: p.type,
    description: p.description,
    upcs: p.upcs,
    startDate: p.startDate,
    endDate: p.endDate,
    amountCents: p.amountCents,
    quantity: p.quantity,
    maxPerTransaction: p.maxPerTransaction,
    status: p.status,
    funding: opts.funding ?? 'manufacturer',
    loyaltyOnly: opts.loyaltyOnly ?? false,
  };
}

/** The identity of a basket. */
export const basketKey = (l: Pick<SaleLine, 'locationId' | 'registerId' | 'transactionId'>): string =>
  `${l.locationId}\u0000${l.registerId}\u0000${l.transactionId}`;
