import { promotionKey } from '../../domain/promotions/diff.ts';
import type { ChangeKind, Promotion, PromotionChange } from '../../domain/promotions/promotion.ts';

/** One accepted Update batch of one location, as every price-book renderer takes it. */
export interface PricebookBatch {
  batchId: string;
  location: { storeLocationId: string; name: string };
  /** ISO timestamp of the Accept */
  createdAt: string;
  changes: PromotionChange[];
}

/** Who writes the file: Tillpoint and its version. */
export interface PricebookVendor {
  name: string;
  version: string;
}

/** The ids a register files a promotion and its UPC list under. */
export interface RegisterIds {
  promotionId: string;
  itemListId: string;
}

export interface RenderOptions {
  /**
   * Register ids per promotion. Default: the manufacturer's promotion id for both (item lists and
   * mix-matches are separate tables). A register that wants numeric ids gets them from the caller,
   * who keeps them stable per location.
   */
  registerIds?: (promotion: Promotion) => RegisterIds;
}

export interface BatchEntry {
  kind: ChangeKind;
  /** what the register must do: put the promotion (add, modify) or remove it (end) */
  action: 'upsert' | 'delete';
  /** the after-state, or for an end the before-state the register is to drop */
  promotion: Promotion;
  ids: RegisterIds;
}

export class PricebookRenderError extends Error {}

const defaultIds = (p: Promotion): RegisterIds => ({ promotionId: p.externalId, itemListId: p.externalId });

/** The batch's changes as register actions, sorted by manufacturer and id, checked for sense. */
export function batchEntries(batch: PricebookBatch, opts: RenderOptions = {}): BatchEntry[] {
  const ids = opts.registerIds ?? defaultIds;
  const seen = new Set<string>();
  const entries = batch.changes.map((c): BatchEntry => {
    const promotion = c.kind === 'end' ? c.before : c.after;
    if (!promotion) throw new PricebookRenderError(`${c.kind} change of ${c.externalId} has no ${c.kind === 'end' ? 'before' : 'after'} state`);
    const key = promotionKey(promotion);
    if (seen.has(key)) throw new PricebookRenderError(`promotion ${c.externalId} appears twice in batch ${batch.batchId}`);
    seen.add(key);
    return { kind: c.kind, action: c.kind === 'end' ? 'delete' : 'upsert', promotion, ids: ids(promotion) };
  });
  return entries.sort((a, b) => (promotionKey(a.promotion) < promotionKey(b.promotion) ? -1 : 1));
}
