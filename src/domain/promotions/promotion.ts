/**
 * Manufacturer promotions for convenience stores, in Tillpoint's words. Connectors (RJR …) map
 * their vendor's fields into these types; sync, review and the price-book renderers see only these.
 */
export type Manufacturer = 'rjr';
export type PromotionType = 'buydown' | 'multipack';
export type PromotionStatus = 'active' | 'cancelled';

export interface Promotion {
  manufacturer: Manufacturer;
  /** the manufacturer's id for the promotion */
  externalId: string;
  type: PromotionType;
  description: string;
  brand: string | null;
  /** 12-digit UPC-A codes, check digit verified, sorted, unique */
  upcs: string[];
  /** store-local dates, inclusive, YYYY-MM-DD */
  startDate: string;
  endDate: string;
  /** buydown: per-unit reduction; multipack: saving for buying `quantity` units. Minor units. */
  amountCents: number;
  /** units to buy: 1 for buydowns, N for multipacks */
  quantity: number;
  /** per-transaction limit, null when none */
  maxPerTransaction: number | null;
  status: PromotionStatus;
  /** manufacturer's last-modified stamp (ISO), informational */
  lastModified: string | null;
}

/** A record the connector could not turn into a Promotion, with why. */
export interface RejectedRecord {
  externalId: string | null;
  reason: string;
  /** the raw record, for the operator to look at */
  raw: unknown;
}

export type ChangeKind = 'add' | 'modify' | 'end';

/** One entry of a location's review queue. */
export interface PromotionChange {
  kind: ChangeKind;
  externalId: string;
  /** what the register has now (null for add) */
  before: Promotion | null;
  /** what it will have after acceptance (null for end) */
  after: Promotion | null;
}
