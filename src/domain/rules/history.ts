import type { GuestHistory, RedemptionRecord } from './rule.ts';

/**
 * Indexes over a history snapshot, built once per snapshot on first use: an evaluation asks the
 * same snapshot hundreds of times (once per incentive), and a guest may have hundreds of
 * redemptions.
 */
interface HistoryIndex {
  byIncentive: Map<string, RedemptionRecord[]>;
  offersSince: Map<string, number>;
}

const indexes = new WeakMap<GuestHistory, HistoryIndex>();
const NONE: readonly RedemptionRecord[] = Object.freeze([]);

function indexOf(history: GuestHistory): HistoryIndex {
  let index = indexes.get(history);
  if (!index) {
    const byIncentive = new Map<string, RedemptionRecord[]>();
    for (const r of history.redemptions ?? []) {
      const list = byIncentive.get(r.incentiveId);
      if (list) list.push(r);
      else byIncentive.set(r.incentiveId, [r]);
    }
    index = { byIncentive, offersSince: new Map() };
    indexes.set(history, index);
  }
  return index;
}

/** The guest's redemptions of one incentive. */
export function redemptionsOf(history: GuestHistory, incentiveId: string): readonly RedemptionRecord[] {
  return indexOf(history).byIncentive.get(incentiveId) ?? NONE;
}

/** Offers (any) the guest redeemed on or after the store-local date `from`. */
export function offersSince(history: GuestHistory, from: string): number {
  const index = indexOf(history);
  let n = index.offersSince.get(from);
  if (n === undefined) {
    n = 0;
    for (const r of history.redemptions ?? []) if (r.kind === 'OFFER' && r.localDate >= from) n += r.quantity;
    index.offersSince.set(from, n);
  }
  return n;
}
