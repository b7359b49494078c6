import { type PricedLine, priceTransaction } from './pricing.ts';
import { basketKey, type PricingPromotion, type SaleLine } from './sale-line.ts';

/** The promotions accepted at a location at a moment (the I/O part answers it from history). */
export type PromotionsAt = (locationId: string, soldAt: string) => readonly PricingPromotion[] | Promise<readonly PricingPromotion[]>;

/**
 * Prices a stream of sale lines, basket by basket: lines must arrive grouped by basket (ordered by
 * location, register, transaction id); one basket is in memory at a time.
 *
 * @example
 * for await (const row of priceSales(salesOfTheWeek(), (loc, at) => history.acceptedAt(loc, at))) …
 */
export async function* priceSales(lines: AsyncIterable<SaleLine> | Iterable<SaleLine>, promotionsAt: PromotionsAt): AsyncGenerator<PricedLine> {
  let basket: SaleLine[] = [];
  let key: string | null = null;
  const flush = async function* () {
    if (basket.length === 0) return;
    const first = basket[0]!;
    yield* priceTransaction(basket, await promotionsAt(first.locationId, first.soldAt)).rows;
  };
  for await (const line of lines) {
    const k = basketKey(line);
    if (k !== key) {
      yield* flush();
      basket = [];
      key = k;
    }
    basket.push(line);
  }
  yield* flush();
}
