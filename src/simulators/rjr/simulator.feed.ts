import { formatMajor } from '../../domain/money.ts';
import { upcA } from '../../domain/promotions/upc.ts';
import type { RjrPromotionRecord } from '../../adapters/manufacturers/rjr/rjr.mapping.ts';

/**
 * The simulator's data: a deterministic function of (seed, outlet, day). Nothing is stored; an
 * outlet's feed is computed when asked (about a millisecond for 200 promotions), so 2,000 outlets
 * cost nothing until pulled.
 *
 * Each outlet has `promotionsPerOutlet` slots. On day 0 every slot holds a promotion; on each later
 * day a slot changes with probability `changeRate`: modified (55 %), cancelled (20 %, the record
 * stays CANCELLED for three days, then the slot gets a new promotion) or replaced (25 %: the old
 * promotion vanishes, a new one appears). A promotion past its end date drops out of the feed and
 * its slot is refilled three days later.
 */

export interface FeedOptions {
  seed: string | number;
  outlets: number;
  promotionsPerOutlet: number;
  /** the calendar date of day 0, YYYY-MM-DD */
  baseDate: string;
  /** share of slots changing per simulated day, 0…1 */
  changeRate: number;
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: FNV-1a to hash text, murmur3's finalizer to mix, mulberry32 to stream.

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix(h);
}

/** Combines numbers into one well-mixed 32-bit value. */
function mix(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) h = fmix((h ^ Math.imul(p | 0, 0x27d4eb2d)) + 0x165667b1);
  return h;
}

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const unit = (h: number) => h / 4294967296;
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// ---------------------------------------------------------------------------------------------
// A small, plausible tobacco catalog. Prefixes and item codes are made up; check digits are real.

type Category = 'cigarettes' | 'snuff' | 'vapor' | 'pouches';

interface Family {
  brand: string;
  prefix: string;
  category: Category;
  weight: number;
  styles: string[];
  /** `factor`: units of a pack in a bulk format (carton = 10 packs), scaling its buydown */
  packs: { name: string; noun: string; factor: number }[];
}

const PACK = { name: 'Box', noun: 'pack', factor: 1 };
const PACK100 = { name: 'Box 100s', noun: 'pack', factor: 1 };
const SOFT = { name: 'Soft Pack', noun: 'pack', factor: 1 };
const CARTON = { name: 'Carton', noun: 'carton', factor: 10 };
const CAN = { name: 'Can', noun: 'can', factor: 1 };
const ROLL = { name: '5-Can Roll', noun: 'roll', factor: 5 };

const FAMILIES: Family[] = [
  {
    brand: 'Camel',
    prefix: '012300',
    category: 'cigarettes',
    weight: 20,
    styles: ['Blue', 'Filters', 'Crush', 'Crush Silver', 'Turkish Royal', '99s', 'Menthol', 'Non-Filter', 'Turkish Gold', 'Wides'],
    packs: [PACK, PACK100, SOFT, CARTON],
  },
  {
    brand: 'Newport',
    prefix: '026100',
    category: 'cigarettes',
    weight: 18,
    styles: ['Menthol', 'Menthol Gold', 'Non-Menthol', 'Red', 'Platinum'],
    packs: [PACK, PACK100, SOFT, CARTON],
  },
  {
    brand: 'Pall Mall',
    prefix: '012301',
    category: 'cigarettes',
    weight: 14,
    styles: ['Red', 'Blue', 'Orange', 'White', 'Black', 'Menthol Green'],
    packs: [PACK, PACK100, CARTON],
  },
  {
    brand: 'Kool',
    prefix: '012302',
    category: 'cigarettes',
    weight: 5,
    styles: ['Blue', 'Green', 'Filter Kings', 'Menthol Gold'],
    packs: [PACK, PACK100, CARTON],
  },
  { brand: 'Doral', prefix: '012303', category: 'cigarettes', weight: 3, styles: ['Gold', 'Silver', 'Red', 'Menthol'], packs: [PACK, PACK100, CARTON] },
  {
    brand: 'Natural American Spirit',
    prefix: '014300',
    category: 'cigarettes',
    weight: 5,
    styles: ['Sky Blue', 'Gold', 'Turquoise', 'Green', 'Celedon Green', 'Black'],
    packs: [PACK, CARTON],
  },
  {
    brand: 'Grizzly',
    prefix: '073100',
    category: 'snuff',
    weight: 12,
    styles: ['Wintergreen Long Cut', 'Straight Long Cut', 'Mint Long Cut', 'Wintergreen Pouches', 'Dark Wintergreen', 'Natural Fine Cut'],
    packs: [CAN, ROLL],
  },
  { brand: 'Kodiak', prefix: '073101', category: 'snuff', weight: 2, styles: ['Wintergreen Long Cut', 'Premium Wintergreen', 'Straight'], packs: [CAN, ROLL] },
  {
    brand: 'Camel Snus',
    prefix: '012304',
    category: 'pouches',
    weight: 4,
    styles: ['Frost', 'Mellow', 'Mint', 'Robust', 'Winterchill'],
    packs: [{ name: 'Tin', noun: 'tin', factor: 1 }],
  },
  { brand: 'Velo', prefix: '012305', category: 'pouches', weight: 5, styles: ['Citrus', 'Mint', 'Cinnamon', 'Wintergreen', 'Smooth', 'Coffee'], packs: [CAN] },
  {
    brand: 'Vuse',
    prefix: '071080',
    category: 'vapor',
    weight: 12,
    styles: ['Alto Golden Tobacco', 'Alto Rich Tobacco', 'Alto Menthol', 'Solo Original', 'Vibe Original'],
    packs: [
      { name: '2-Pod Pack', noun: 'pack', factor: 1 },
      { name: 'Power Unit', noun: 'device', factor: 3 },
    ],
  },
];

interface Sku {
  upc: string;
  style: string;
  pack: Family['packs'][number];
}

const SKUS: Sku[][] = FAMILIES.map((f, fi) =>
  f.styles.flatMap((style, si) => f.packs.map((pack, pi) => ({ upc: upcA(f.prefix + String(10000 + fi * 700 + si * 12 + pi).padStart(5, '0')), style, pack }))),
);

/** Per family: indices of single-unit pack formats and of bulk ones (carton, roll, device). */
const UNIT_PACKS = FAMILIES.map((f) => f.packs.flatMap((p, i) => (p.factor === 1 ? [i] : [])));
const BULK_PACKS = FAMILIES.map((f) => f.packs.flatMap((p, i) => (p.factor > 1 ? [i] : [])));

const TOTAL_WEIGHT = FAMILIES.reduce((s, f) => s + f.weight, 0);

function pickFamily(r: Rng): number {
  let x = r() * TOTAL_WEIGHT;
  for (let i = 0; i < FAMILIES.length; i++) {
    x -= FAMILIES[i]!.weight;
    if (x < 0) return i;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Promotions

interface Terms {
  family: number;
  multipack: boolean;
  /** of the chosen pack format: a carton buydown is ten pack buydowns */
  factor: number;
  skus: number[];
  amountCents: number;
  quantity: number;
  max: number | null;
  startDay: number;
  endDay: number;
}

interface Slot {
  gen: number;
  version: number;
  birthDay: number;
  modDay: number;
  cancelledDay: number | null;
  terms: Terms;
}

const BUYDOWN_CENTS: Record<Category, [number, number, number]> = {
  cigarettes: [25, 150, 5],
  snuff: [25, 100, 5],
  pouches: [50, 200, 25],
  vapor: [100, 400, 50],
};

function steps(r: Rng, [lo, hi, step]: [number, number, number]): number {
  return lo + step * int(r, 0, Math.floor((hi - lo) / step));
}

function newTerms(r: Rng, birthDay: number, first: boolean): Terms {
  const family = pickFamily(r);
  const f = FAMILIES[family]!;
  const multiChance = f.category === 'cigarettes' ? 0.3 : f.category === 'vapor' ? 0.35 : 0.5;
  const multipack = r() < multiChance;
  // One promotion covers one kind of unit: packs (maybe box and soft), or cartons, or rolls.
  const units = UNIT_PACKS[family]!;
  const bulk = BULK_PACKS[family]!;
  const chosenPacks = new Set<number>();
  if (!multipack && bulk.length > 0 && r() < 0.15) chosenPacks.add(pick(r, bulk));
  else {
    chosenPacks.add(pick(r, units));
    if (units.length > 1 && r() < 0.35) chosenPacks.add(pick(r, units));
  }
  const factor = f.packs[chosenPacks.values().next().value!]!.factor;
  const styleCount = int(r, 1, Math.min(f.styles.length, 6));
  const styles = new Set<number>();
  while (styles.size < styleCount) styles.add(int(r, 0, f.styles.length - 1));
  // SKUS[family] is style-major: the SKU of style s in pack p is s × packs + p.
  const skus: number[] = [];
  for (let si = 0; si < f.styles.length; si++) {
    if (!styles.has(si)) continue;
    for (let pi = 0; pi < f.packs.length; pi++) if (chosenPacks.has(pi)) skus.push(si * f.packs.length + pi);
  }
  const quantity = multipack ? (f.category === 'snuff' && r() < 0.4 ? 3 : 2) : 1;
  const amountCents = multipack ? steps(r, [50, 300, 25]) : steps(r, BUYDOWN_CENTS[f.category]) * factor;
  const max = r() < 0.6 ? (multipack ? int(r, 1, 3) : pick(r, [2, 3, 5, 10])) : null;
  let startDay: number;
  if (first) startDay = r() < 0.15 ? birthDay + int(r, 1, 10) : birthDay - int(r, 0, 30);
  else startDay = r() < 0.7 ? birthDay : birthDay + int(r, 1, 10);
  let endDay = startDay + int(r, 21, 120);
  if (endDay < birthDay + 5) endDay = birthDay + 5 + int(r, 0, 30);
  return { family, multipack, factor, skus, amountCents, quantity, max, startDay, endDay };
}

function modifyTerms(t: Terms, r: Rng): Terms {
  const f = FAMILIES[t.family]!;
  const k = r();
  if (k < 0.35) {
    const range = t.multipack ? ([50, 300, 25] as [number, number, number]) : BUYDOWN_CENTS[f.category];
    let amountCents = steps(r, range);
    if (amountCents * t.factor === t.amountCents) amountCents = amountCents + range[2] <= range[1] ? amountCents + range[2] : amountCents - range[2];
    return { ...t, amountCents: amountCents * t.factor };
  }
  if (k < 0.6) return { ...t, endDay: t.endDay + int(r, 7, 28) };
  if (k < 0.8) {
    const catalog = SKUS[t.family]!;
    const candidates = catalog.map((s, i) => ({ s, i })).filter(({ s, i }) => !t.skus.includes(i) && s.pack.factor === t.factor);
    if (candidates.length > 0 && (t.skus.length === 1 || r() < 0.6)) return { ...t, skus: [...t.skus, pick(r, candidates).i].sort((a, b) => a - b) };
    if (t.skus.length > 1) {
      const drop = int(r, 0, t.skus.length - 1);
      return { ...t, skus: t.skus.filter((_, i) => i !== drop) };
    }
    return { ...t, endDay: t.endDay + 7 };
  }
  const max = t.max === null ? (t.multipack ? 2 : 5) : t.max >= 5 ? null : t.max + 1;
  return { ...t, max };
}

const DAY_MS = 86_400_000;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The simulated RJR database: per-outlet promotions for any day, computed on demand. */
export class SimFeed {
  private readonly seedHash: number;
  private readonly cache = new Map<string, RjrPromotionRecord[]>();
  private readonly dates = new Map<number, string>();

  constructor(readonly opts: FeedOptions) {
    if (!Number.isInteger(opts.outlets) || opts.outlets < 1) throw new RangeError('outlets must be a positive whole number');
    if (!Number.isInteger(opts.promotionsPerOutlet) || opts.promotionsPerOutlet < 0 || opts.promotionsPerOutlet > 10_000)
      throw new RangeError('promotionsPerOutlet must be 0…10000');
    if (!(opts.changeRate >= 0 && opts.changeRate <= 1)) throw new RangeError('changeRate must be between 0 and 1');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.baseDate)) throw new RangeError('baseDate must be YYYY-MM-DD');
    this.seedHash = hashText(String(opts.seed));
  }

  /** Outlet ids are seven digits: 7000001, 7000002, … */
  outletId(index: number): string {
    return String(7_000_001 + index);
  }

  outletIndex(outletId: string): number | null {
    if (!/^\d{7}$/.test(outletId)) return null;
    const i = Number(outletId) - 7_000_001;
    return i >= 0 && i < this.opts.outlets ? i : null;
  }

  dateOf(day: number): string {
    let d = this.dates.get(day);
    if (d === undefined) {
      d = addDays(this.opts.baseDate, day);
      this.dates.set(day, d);
    }
    return d;
  }

  /** Every record of an outlet on a simulated day, cancelled ones included, in slot order. */
  records(outletIndex: number, day: number): RjrPromotionRecord[] {
    const key = `${outletIndex}:${day}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const out: RjrPromotionRecord[] = [];
    for (let slot = 0; slot < this.opts.promotionsPerOutlet; slot++) {
      out.push(this.render(outletIndex, slot, this.slotOn(outletIndex, slot, day)));
    }
    if (this.cache.size >= 64) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, out);
    return out;
  }

  /** What the feed answers for `asOf`: records not yet ended on that date. */
  feed(outletIndex: number, day: number, asOf: string): RjrPromotionRecord[] {
    return this.records(outletIndex, day).filter((r) => r.endDate >= asOf);
  }

  private slotBase(outlet: number, slot: number): number {
    return mix(this.seedHash, outlet, slot);
  }

  private terms(base: number, gen: number, birthDay: number): Terms {
    return newTerms(mulberry32(mix(base, gen, 0x7e4)), birthDay, gen === 0);
  }

  /** The slot's state after `day` days of changes. */
  private slotOn(outlet: number, slot: number, day: number): Slot {
    const base = this.slotBase(outlet, slot);
    const s: Slot = { gen: 0, version: 0, birthDay: 0, modDay: -int(mulberry32(base), 1, 20), cancelledDay: null, terms: this.terms(base, 0, 0) };
    const renew = (d: number) => {
      s.gen++;
      s.version = 0;
      s.birthDay = d;
      s.modDay = d;
      s.cancelledDay = null;
      s.terms = this.terms(base, s.gen, d);
    };
    for (let d = 1; d <= day; d++) {
      if (s.cancelledDay !== null) {
        if (d - s.cancelledDay >= 3) renew(d);
        continue;
      }
      if (s.terms.endDay < d - 3) {
        renew(d);
        continue;
      }
      if (unit(mix(base, d, 0xc4a)) >= this.opts.changeRate) continue;
      const k = unit(mix(base, d, 0x4b1));
      if (k < 0.55) {
        s.version++;
        s.modDay = d;
        s.terms = modifyTerms(s.terms, mulberry32(mix(base, s.gen, s.version, 0x30d)));
      } else if (k < 0.75) {
        s.cancelledDay = d;
        s.modDay = d;
      } else {
        renew(d);
      }
    }
    return s;
  }

  private render(outlet: number, slot: number, s: Slot): RjrPromotionRecord {
    const t = s.terms;
    const f = FAMILIES[t.family]!;
    const catalog = SKUS[t.family]!;
    const idHash = mix(this.slotBase(outlet, slot), s.gen, 0x1d);
    const r = mulberry32(mix(idHash, s.version));
    // A few codes arrive as zero-padded EAN-13 or GTIN-14, as real feeds do; the mapping normalizes them.
    const upcs: string[] = [];
    const styles = new Set<string>();
    for (const i of t.skus) {
      const sku = catalog[i]!;
      const x = r();
      upcs.push(x < 0.03 ? `0${sku.upc}` : x < 0.04 ? `00${sku.upc}` : sku.upc);
      styles.add(sku.style);
    }
    const label = styles.size === 1 ? `${f.brand} ${styles.values().next().value!}` : `${f.brand} ${styles.size} styles`;
    const amount = `$${formatMajor(t.amountCents)}`;
    const description = t.multipack ? `${label} buy ${t.quantity} save ${amount}` : `${label} ${amount} off per ${catalog[t.skus[0]!]!.pack.noun}`;
    const minute = idHash % 180;
    const modified = `${this.dateOf(s.modDay)}T${String(6 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00.000Z`;
    return {
      promotionId: `RJD-${idHash.toString(16).toUpperCase().padStart(8, '0').slice(0, 6)}-${slot}.${s.gen}`,
      promotionType: t.multipack ? 'MIX_AND_MATCH' : 'BUYDOWN',
      description,
      brand: f.brand,
      upcs,
      startDate: this.dateOf(t.startDay),
      endDate: this.dateOf(t.endDay),
      discountAmount: formatMajor(t.amountCents),
      quantity: t.multipack ? t.quantity : null,
      maxPerTransaction: t.max,
      status: s.cancelledDay === null ? 'ACTIVE' : 'CANCELLED',
      lastModified: modified,
    };
  }
}
