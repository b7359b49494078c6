import { acceptedChangesUntil } from '../../adapters/db/repositories/promotion-changes.repository.ts';
import type { Tx } from '../../adapters/db/tx.ts';
import type { Promotion } from '../../domain/promotions/promotion.ts';
import { type PricingPromotion, pricingPromotion } from '../../domain/scandata/sale-line.ts';
import type { PromotionsAt } from '../../domain/scandata/stream.ts';
import { AppError } from '../../errors.ts';

/**
 * The promotions accepted at a location at a moment — what its register applied — for pricing a
 * week of sales (docs/scan-data.md, "The accepted-promotion history").
 *
 * The history is the accepted `promotion_changes` rows themselves: each says what a promotion
 * became at `decided_at` (its `after`; null for an end). Replaying a location's accepted changes
 * in acceptance order gives its register state at any moment; Accept writes them in the same
 * transaction as the register state (`location_promotions`, the current state only), so the two
 * cannot disagree.
 */

/** A point of a location's timeline: from `at` (epoch ms) on, the register held `promotions`. */
interface Step {
  at: number;
  promotions: readonly PricingPromotion[];
}

const NONE: readonly PricingPromotion[] = Object.freeze([]);

/** A {@link PromotionsAt} that answers at once (no promise): what {@link loadPromotionsAt} returns. */
export type PromotionsAtNow = (locationId: string, soldAt: string) => readonly PricingPromotion[];

/**
 * An accepted manufacturer-feed promotion as pricing takes it. Every promotion of a manufacturer's
 * feed (RJR's Discount API) is manufacturer-funded, and the feed's `Promotion` has no loyalty-only
 * kind: a loyalty offer would be a promotion of its own type, not a flag on a buydown.
 */
export const pricingOfAccepted = (p: Promotion): PricingPromotion => pricingPromotion(p, { funding: 'manufacturer', loyaltyOnly: false });

/**
 * ISO instants bounding every sale whose store-local date is in [fromDate, toDate], whatever the
 * store's time zone (UTC−12 … UTC+14): pass them to {@link loadPromotionsAt} for a week.
 * @example instantsBounding('2026-11-30', '2026-12-06') // { from: '2026-11-29T10:00:00.000Z', to: '2026-12-07T12:00:00.000Z' }
 */
export function instantsBounding(fromDate: string, toDate: string): { from: string; to: string } {
  const day = 86_400_000;
  return {
    from: new Date(Date.parse(`${fromDate}T00:00:00Z`) - 14 * 3_600_000).toISOString(),
    to: new Date(Date.parse(`${toDate}T00:00:00Z`) + day + 12 * 3_600_000).toISOString(),
  };
}

const instant = (iso: string, field: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new AppError('ValidationError', `${field} must be an ISO 8601 instant`, { field });
  return ms;
};

/**
 * Reads the accepted-promotion history of `locationIds` up to `to` (one query per 1,000
 * locations) and returns a synchronous lookup `(locationId, soldAt) → PricingPromotion[]`: the
 * promotions accepted at that location at that instant (a change accepted at T applies to sales
 * at T and later; an accepted end removes the promotion from then on). The same state is the same
 * frozen array object, so pricing prepares each state once. Sales must fall in [from, to] (see
 * {@link instantsBounding}); a lookup outside them throws (changes after `to` were not read,
 * states before `from` not kept).
 * A location without accepted changes (or not in `locationIds`) has none.
 *
 * @example
 * const at = await loadPromotionsAt(db, [loc], '2026-11-30T00:00:00Z', '2026-12-07T12:00:00Z');
 * for await (const row of priceSales(saleLinesOfWeek(db, { locationIds: [loc], from, to }), at)) …
 */
export async function loadPromotionsAt(tx: Tx, locationIds: readonly string[], from: string, to: string): Promise<PromotionsAtNow & PromotionsAt> {
  const fromMs = instant(from, 'from');
  const toMs = instant(to, 'to');
  if (toMs < fromMs) throw new AppError('ValidationError', 'to must not be before from', { field: 'to' });
  const rows = await acceptedChangesUntil(tx, [...new Set(locationIds)], new Date(toMs).toISOString());

  const timelines = new Map<string, Step[]>();
  let i = 0;
  while (i < rows.length) {
    const locationId = rows[i]!.location_id;
    const state = new Map<string, PricingPromotion>();
    const steps: Step[] = [{ at: Number.NEGATIVE_INFINITY, promotions: NONE }];
    while (i < rows.length && rows[i]!.location_id === locationId) {
      // One acceptance (one batch) is one step: every change decided at the same instant.
      const at = rows[i]!.decided_at;
      for (; i < rows.length && rows[i]!.location_id === locationId && rows[i]!.decided_at === at; i++) {
        const r = rows[i]!;
        const key = `${r.manufacturer}\u0000${r.external_id}`;
        if (r.after === null) state.delete(key);
        else state.set(key, Object.freeze(pricingOfAccepted(JSON.parse(r.after) as Promotion)));
      }
      const step: Step = { at: Date.parse(at), promotions: Object.freeze([...state.values()]) };
      // Only the state at `from` and the steps after it can answer a sale: older ones are replaced.
      if (step.at <= fromMs) steps[steps.length - 1] = step;
      else steps.push(step);
    }
    timelines.set(locationId, steps);
  }

  return (locationId: string, soldAt: string): readonly PricingPromotion[] => {
    const ms = instant(soldAt, 'soldAt');
    if (ms > toMs || ms < fromMs) throw new RangeError(`sale at ${soldAt} is outside the history read (${from} … ${to})`);
    const steps = timelines.get(locationId);
    if (!steps) return NONE;
    // The last step at or before the sale (binary search; steps are in time order).
    let lo = 0;
    let hi = steps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (steps[mid]!.at <= ms) lo = mid;
      else hi = mid - 1;
    }
    return steps[lo]!.promotions;
  };
}
