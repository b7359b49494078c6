import type { BatchRenderInput, RenderBatch, RenderedBatch } from '../../app/ports/pricebook-renderer.ts';
import { renderJson } from './json.renderer.ts';
import { renderNaxml } from './naxml.renderer.ts';
import { type PricebookBatch, PricebookRenderError, type RenderOptions } from './batch.ts';
import { promotionKey } from '../../domain/promotions/diff.ts';
import { VERSION } from '../../version.ts';
import type { PosSystem } from '../../domain/pos-system.ts';

/** POS systems whose price book takes NAXML-MaintenanceRequest 3.4; every other gets the JSON file. */
export const NAXML_POS: readonly PosSystem[] = ['passport', 'commander', 'radiant'];

export const formatFor = (pos: PosSystem): 'naxml' | 'json' => (NAXML_POS.includes(pos) ? 'naxml' : 'json');

/**
 * Renders an accepted batch for the location's POS. The register knows the location by its own
 * store number (`registerStoreId`, else the Tillpoint id) as StoreLocationID, and files each
 * promotion under the manufacturer's id or, for `registerIds: numeric`, under its number. Files are
 * named by location and per-location sequence so an outbox folder sorts in the order to apply them.
 */
export const renderBatch: RenderBatch = (input: BatchRenderInput): RenderedBatch => {
  const batch: PricebookBatch = {
    batchId: input.batchId,
    location: { storeLocationId: input.location.registerStoreId ?? input.location.id, name: input.location.name },
    createdAt: input.createdAt,
    changes: input.changes,
  };
  const vendor = { name: 'Tillpoint', version: VERSION };
  const format = formatFor(input.location.posSystem);
  const numbers = input.registerNumbers;
  const opts: RenderOptions =
    input.location.registerIds === 'numeric' && numbers
      ? {
          registerIds: (p) => {
            const n = numbers.get(promotionKey(p));
            if (n === undefined) throw new PricebookRenderError(`promotion ${p.externalId} has no register number at ${input.location.name}`);
            return { promotionId: String(n), itemListId: String(n) };
          },
        }
      : {};
  const stem = `tillpoint-${input.location.id.slice(0, 8)}-${String(input.seq).padStart(6, '0')}`;
  return format === 'naxml'
    ? { format, filename: `${stem}.xml`, content: renderNaxml(batch, vendor, opts) }
    : { format, filename: `${stem}.json`, content: renderJson(batch, vendor, opts) };
};
