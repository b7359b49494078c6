import { allPlus, type Incentive } from './incentive.ts';

/**
 * A program's active incentives looked up by PLU instead of scanned: a POS call asks "which
 * incentive has this PLU for this vendor?" for each loyalty line and, in dialects that redeem on
 * item lines, "which incentive has this upsize PLU?" for each goods line. A scan cost every call
 * time in proportion to the size of the program's catalogue, whatever the cart held; the index is
 * built once per incentive map (`incentiveIndex`, kept as long as the map is) and answers in
 * proportion to the cart. Pure.
 *
 * @example
 * incentiveIndex(incentives).byVendorPlu('ncr', '900101') // → [the Free Small Fries reward]
 */
export interface IncentiveIndex {
  /** Incentives with this PLU for this vendor, in the map's order. */
  byVendorPlu(vendor: string, plu: string): readonly Incentive[];
  /** Incentives with this PLU for any vendor, each once, in the map's order. */
  byAnyPlu(plu: string): readonly Incentive[];
  /** The first incentive (map order) whose `sizeBasedPlu` for this vendor has this PLU as an upsize (after the first size). */
  upsize(vendor: string, plu: string): Incentive | undefined;
}

const NONE: readonly Incentive[] = [];
const built = new WeakMap<ReadonlyMap<string, Incentive>, IncentiveIndex>();

/** The index of this incentive map, built on first use and kept as long as the map lives. */
export function incentiveIndex(incentives: ReadonlyMap<string, Incentive>): IncentiveIndex {
  let index = built.get(incentives);
  if (!index) {
    index = buildIndex(incentives);
    built.set(incentives, index);
  }
  return index;
}

function buildIndex(incentives: ReadonlyMap<string, Incentive>): IncentiveIndex {
  const vendorPlu = new Map<string, Incentive[]>();
  const anyPlu = new Map<string, Incentive[]>();
  const upsizes = new Map<string, Incentive>();
  const add = (m: Map<string, Incentive[]>, key: string, incentive: Incentive) => {
    const list = m.get(key);
    if (!list) m.set(key, [incentive]);
    else if (list.at(-1) !== incentive) list.push(incentive);
  };
  for (const incentive of incentives.values()) {
    for (const [vendor, config] of Object.entries(incentive.vendorConfigs)) {
      for (const plu of allPlus(config)) {
        add(vendorPlu, `${vendor}\u0000${plu}`, incentive);
        add(anyPlu, plu, incentive);
      }
      if (config.pluType === 'sizeBasedPlu') {
        for (const size of config.sizeBasedPlu.slice(1)) {
          const key = `${vendor}\u0000${size.plu}`;
          if (!upsizes.has(key)) upsizes.set(key, incentive);
        }
      }
    }
  }
  return {
    byVendorPlu: (vendor, plu) => vendorPlu.get(`${vendor}\u0000${plu}`) ?? NONE,
    byAnyPlu: (plu) => anyPlu.get(plu) ?? NONE,
    upsize: (vendor, plu) => upsizes.get(`${vendor}\u0000${plu}`),
  };
}
