import type { PromotionChange } from '../../domain/promotions/promotion.ts';
import type { Location } from '../cstore/model.ts';

/** An accepted batch to render for the location's register. */
export interface BatchRenderInput {
  batchId: string;
  seq: number;
  createdAt: string;
  location: Location;
  changes: PromotionChange[];
  /**
   * Numeric locations only: the register number of each promotion of the batch, by
   * `promotionKey`, used as both its mix-match PromotionID and its ItemListID.
   */
  registerNumbers?: ReadonlyMap<string, number>;
}

/** The file a register agent downloads and applies. */
export interface RenderedBatch {
  format: 'naxml' | 'json';
  filename: string;
  content: string;
}

/**
 * Renders a batch in the price-book format of the location's POS (NAXML for Passport, Commander
 * and Radiant, JSON otherwise). The c-store use cases are handed one by the composition root; the
 * formats themselves live in `adapters/pricebook`.
 *
 * @example
 * const file = renderBatch({ batchId, seq: 1, createdAt, location, changes });
 * // → { format: 'naxml', filename: 'tillpoint-0193…-000001.xml', content: '<?xml …' }
 */
export type RenderBatch = (input: BatchRenderInput) => RenderedBatch;
