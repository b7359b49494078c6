import { basketKey, type PricingPromotion, type SaleLine } from './sale-line.ts';

/**
 * Prices one c-store basket the way the register applied it: which manufacturer and outlet
 * discounts each tobacco unit received, per unit, in integer minor units. Pure: the caller passes
 * the promotions accepted at that location at that moment; nothing here reads a clock or a store.
 *
 * Rules (docs/scan-data.md, "Pricing"):
 * - Discounts are kept in separate slots, by who funds them and how they are reported:
 *   manufacturer buydown, manufacturer multipack, manufacturer loyalty, outlet multipack, outlet
 *   (retailer-funded) discount, coupon. Each unit gets at most one discount per slot.
 * - Buydowns: per unit, highest amount first; `maxPerTransaction` counts units.
 * - Multipacks: per qualifying set, greedy — highest set amount first (then smaller sets, then id);
 *   a set takes the earliest free qualifying units in line order; `maxPerTransaction` counts sets.
 *   A set's amount is spread per unit: ⌊amount / n⌋ each, and the remainder one cent each to the
 *   first units of the set, so the per-unit amounts of a set add up to its amount exactly.
 * - Loyalty-only promotions apply only when the basket carries a loyalty id.
 * - A coupon is the line's own: its value is spread over the line's units the same way.
 * - A unit's discounts never exceed its price: each slot, in the order above, takes at most what
 *   the earlier slots left.
 * - Voids and refunds: a negative unit first cancels a sold unit of the same UPC in the basket
 *   (the latest one); the pair carries no discount, so a sale and its void net to nothing.
 *   Negative units left over (a refund of an earlier sale) are priced like a sale of those units
 *   and reported with negative sign, so a refund nets out the sale it refunds.
 * - A line's units with equal discounts form one row; a line splits into rows when they differ
 *   (e.g. 3 units, of which 2 form a multipack set).
 */

export const DISCOUNT_SLOTS = ['manufacturerBuydown', 'manufacturerMultipack', 'manufacturerLoyalty', 'outletMultipack', 'outletDiscount', 'coupon'] as const;
export type DiscountSlot = (typeof DISCOUNT_SLOTS)[number];

export interface AppliedDiscount {
  /** the promotion's external id, or the coupon's id */
  promotionId: string;
  description: string;
  /** per unit, minor units, > 0 (a magnitude: a void row's money is quantity × amount) */
  perUnitCents: number;
  /** multipacks: units in the qualifying set; 1 otherwise */
  setSize: number;
  /** who funds it: the manufacturer's id, or null for the outlet's own discounts and coupons */
  manufacturer: string | null;
}

export type UnitDiscounts = Record<DiscountSlot, AppliedDiscount | null>;

/** One reportable row: some units of one sale line with the same discounts. */
export interface PricedLine {
  line: SaleLine;
  /** this row's units, with the line's sign */
  quantity: number;
  discounts: UnitDiscounts;
  /** sum of the discounts of one unit */
  discountPerUnitCents: number;
  /** regular unit price − discountPerUnitCents, ≥ 0 */
  finalUnitPriceCents: number;
  /** the basket's loyalty id (from any of its lines), null when none */
  loyaltyId: string | null;
}

/** What a promotion (or coupon) gave in this basket; `totalCents` is negative for refunded units. */
export interface Application {
  promotionId: string;
  slot: DiscountSlot;
  units: number;
  /** multipacks: qualifying sets; buydowns and coupons: 0 */
  sets: number;
  totalCents: number;
}

export interface PricedTransaction {
  rows: PricedLine[];
  applications: Application[];
}

export class PricingInputError extends RangeError {}

/** Lines longer than this are a data error, not a sale (and would make the unit walk slow). */
export const MAX_LINE_QUANTITY = 9_999;

interface Unit {
  /** position among the basket's units, for a stable order */
  seq: number;
  line: number;
  upc: string;
  price: number;
  cancelled: boolean;
  remaining: number;
  slots: Partial<Record<DiscountSlot, AppliedDiscount>>;
}

const SLOT_OF = (p: PricingPromotion): DiscountSlot =>
  p.funding === 'manufacturer'
    ? p.type === 'multipack'
      ? 'manufacturerMultipack'
      : p.loyaltyOnly
        ? 'manufacturerLoyalty'
        : 'manufacturerBuydown'
    : p.type === 'multipack'
      ? 'outletMultipack'
      : 'outletDiscount';

const funder = (p: PricingPromotion): string | null => (p.funding === 'manufacturer' ? p.manufacturer : null);

/** Whether a promotion applies on a store-local date. */
export function isLiveOn(p: PricingPromotion, localDate: string): boolean {
  return p.status === 'active' && p.startDate <= localDate && localDate <= p.endDate && p.amountCents > 0 && p.quantity >= 1;
}

/** The share of `amount` for the i-th of n units: ⌊amount/n⌋, plus one for the first amount mod n. */
export function spread(amount: number, n: number, i: number): number {
  return Math.floor(amount / n) + (i < amount % n ? 1 : 0);
}

function checkLines(lines: readonly SaleLine[]): void {
  const key = basketKey(lines[0]!);
  for (const l of lines) {
    if (basketKey(l) !== key) throw new PricingInputError(`line ${l.lineNumber} belongs to another basket (${l.transactionId})`);
    if (!Number.isInteger(l.quantity) || l.quantity === 0 || Math.abs(l.quantity) > MAX_LINE_QUANTITY)
      throw new PricingInputError(`line ${l.lineNumber}: quantity must be a whole number from 1 to ${MAX_LINE_QUANTITY}, negative for a void`);
    if (!Number.isInteger(l.unitPriceCents) || l.unitPriceCents < 0)
      throw new PricingInputError(`line ${l.lineNumber}: unitPriceCents must be whole minor units ≥ 0`);
    if (l.coupon && (!Number.isInteger(l.coupon.amountCents) || l.coupon.amountCents <= 0))
      throw new PricingInputError(`line ${l.lineNumber}: coupon amountCents must be whole minor units > 0`);
  }
}

interface Prepared {
  /** UPCs some live promotion lists */
  promoted: ReadonlySet<string>;
  /** live promotions per slot, in the order they are applied (highest value first) */
  bySlot: Record<DiscountSlot, { promotion: PricingPromotion; upcs: ReadonlySet<string> }[]>;
}

// A store's promotions are one array for many baskets of the same day: prepare them once per
// (array, date). Keyed weakly by the caller's array, so a new accepted state is a new entry.
const prepared = new WeakMap<readonly PricingPromotion[], Map<string, Prepared>>();

function prepare(promotions: readonly PricingPromotion[], date: string): Prepared {
  const byDate = prepared.get(promotions) ?? prepared.set(promotions, new Map()).get(promotions)!;
  const hit = byDate.get(date);
  if (hit) return hit;
  const live = promotions.filter((p) => isLiveOn(p, date));
  const bySlot = Object.fromEntries(DISCOUNT_SLOTS.map((s) => [s, [] as Prepared['bySlot'][DiscountSlot]])) as Prepared['bySlot'];
  for (const p of [...live].sort((a, b) => b.amountCents - a.amountCents || a.quantity - b.quantity || (a.externalId < b.externalId ? -1 : 1))) {
    bySlot[SLOT_OF(p)].push({ promotion: p, upcs: new Set(p.upcs) });
  }
  const result = { promoted: new Set(live.flatMap((p) => p.upcs)), bySlot };
  if (byDate.size > 16) byDate.clear();
  byDate.set(date, result);
  return result;
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of b) if (a.has(x)) return true;
  return false;
}

/**
 * Prices one basket. `lines` are the basket's lines (any order); `promotions` those accepted at the
 * location when it was sold — ones not live on the sale's store-local date are ignored.
 *
 * @example
 * priceTransaction([aLine({ upc: CAMEL, quantity: 2, unitPriceCents: 899 })], [multipack({ upcs: [CAMEL], quantity: 2, amountCents: 100 })])
 * // rows: [{ quantity: 2, discounts: { manufacturerMultipack: { perUnitCents: 50, setSize: 2, … }, … }, finalUnitPriceCents: 849 }]
 */
export function priceTransaction(lines: readonly SaleLine[], promotions: readonly PricingPromotion[]): PricedTransaction {
  if (lines.length === 0) return { rows: [], applications: [] };
  checkLines(lines);
  const ordered = [...lines].sort((a, b) => a.lineNumber - b.lineNumber);
  const date = ordered[0]!.localDate;
  const { promoted, bySlot } = prepare(promotions, date);
  const tobacco = ordered.filter((l) => l.category !== null || promoted.has(l.upc));
  const loyaltyId = ordered.find((l) => l.loyaltyId)?.loyaltyId ?? null;

  // Every unit, then voids matched against sales of the same UPC (latest sale first).
  const units: Unit[] = [];
  const sold = new Map<string, Unit[]>();
  const negatives: Unit[] = [];
  tobacco.forEach((l, line) => {
    for (let i = 0; i < Math.abs(l.quantity); i++) {
      const u: Unit = { seq: units.length, line, upc: l.upc, price: l.unitPriceCents, cancelled: false, remaining: l.unitPriceCents, slots: {} };
      units.push(u);
      if (l.quantity > 0) (sold.get(l.upc) ?? sold.set(l.upc, []).get(l.upc)!).push(u);
      else negatives.push(u);
    }
  });
  const refunded: Unit[] = [];
  for (const n of negatives) {
    const match = sold.get(n.upc)?.pop();
    if (match) {
      match.cancelled = true;
      n.cancelled = true;
    } else refunded.push(n);
  }
  const kept = [...sold.values()].flat().sort((a, b) => a.seq - b.seq);

  const applications = new Map<string, Application>();
  const record = (promotionId: string, slot: DiscountSlot, sign: number, cents: number, sets: number) => {
    const key = `${slot}\u0000${promotionId}`;
    const a = applications.get(key) ?? applications.set(key, { promotionId, slot, units: 0, sets: 0, totalCents: 0 }).get(key)!;
    a.units += sign;
    a.sets += sets;
    a.totalCents += sign * cents;
  };
  const give = (
    u: Unit,
    slot: DiscountSlot,
    promotionId: string,
    description: string,
    manufacturer: string | null,
    amount: number,
    setSize: number,
    sign: number,
    setStart: boolean,
  ) => {
    const cents = Math.min(amount, u.remaining);
    record(promotionId, slot, sign, cents, setStart ? sign : 0);
    if (cents === 0) return;
    u.remaining -= cents;
    u.slots[slot] = { promotionId, description, perUnitCents: cents, setSize, manufacturer };
  };

  const basketUpcs = new Set(tobacco.map((l) => l.upc));
  for (const [pool, sign] of [
    [kept, 1],
    [refunded, -1],
  ] as const) {
    if (pool.length === 0) continue;
    for (const slot of DISCOUNT_SLOTS) {
      for (const { promotion: p, upcs } of bySlot[slot]) {
        if (p.loyaltyOnly && loyaltyId === null) continue;
        if (!intersects(upcs, basketUpcs)) continue;
        const free = pool.filter((u) => !u.slots[slot] && upcs.has(u.upc));
        if (p.type === 'buydown') {
          const n = p.maxPerTransaction === null ? free.length : Math.min(free.length, p.maxPerTransaction);
          for (const u of free.slice(0, n)) give(u, slot, p.externalId, p.description, funder(p), p.amountCents, 1, sign, false);
        } else {
          let sets = Math.floor(free.length / p.quantity);
          if (p.maxPerTransaction !== null) sets = Math.min(sets, p.maxPerTransaction);
          for (let s = 0; s < sets; s++) {
            for (let i = 0; i < p.quantity; i++)
              give(free[s * p.quantity + i]!, slot, p.externalId, p.description, funder(p), spread(p.amountCents, p.quantity, i), p.quantity, sign, i === 0);
          }
        }
      }
    }
  }
  // Coupons: the line's own, over its units that were not voided.
  tobacco.forEach((l, line) => {
    if (!l.coupon) return;
    const mine = units.filter((u) => u.line === line && !u.cancelled);
    const sign = l.quantity < 0 ? -1 : 1;
    mine.forEach((u, i) => give(u, 'coupon', l.coupon!.id, l.coupon!.description, null, spread(l.coupon!.amountCents, mine.length, i), 1, sign, false));
  });

  // Rows: a line's units grouped by equal discounts, in order of first appearance.
  const rows: PricedLine[] = [];
  tobacco.forEach((l, line) => {
    const groups = new Map<string, { discounts: UnitDiscounts; count: number; total: number }>();
    for (const u of units) {
      if (u.line !== line) continue;
      let key = '';
      for (const s of DISCOUNT_SLOTS) {
        const d = u.slots[s];
        key += d ? `${d.promotionId}:${d.perUnitCents}:${d.setSize}|` : '|';
      }
      let g = groups.get(key);
      if (!g) {
        const discounts = Object.fromEntries(DISCOUNT_SLOTS.map((s) => [s, u.slots[s] ?? null])) as UnitDiscounts;
        groups.set(key, (g = { discounts, count: 0, total: u.price - u.remaining }));
      }
      g.count++;
    }
    for (const g of groups.values()) {
      rows.push({
        line: l,
        quantity: Math.sign(l.quantity) * g.count,
        discounts: g.discounts,
        discountPerUnitCents: g.total,
        finalUnitPriceCents: l.unitPriceCents - g.total,
        loyaltyId,
      });
    }
  });
  return { rows, applications: [...applications.values()].filter((a) => a.units !== 0 || a.totalCents !== 0) };
}
