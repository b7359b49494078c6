import { renderJson } from '../../adapters/pricebook/json.renderer.ts';
import { renderNaxml } from '../../adapters/pricebook/naxml.renderer.ts';
import type { PricebookBatch } from '../../adapters/pricebook/batch.ts';
import type { PromotionChange } from '../../domain/promotions/promotion.ts';
import { VERSION } from '../../version.ts';
import type { Location, PosSystem } from './model.ts';

export interface BatchRenderInput {
  batchId: string;
  seq: number;
  createdAt: string;
  location: Location;
  changes: PromotionChange[];
}

export interface RenderedBatch {
  format: 'naxml' | 'json';
  filename: string;
  content: string;
}

/** POS systems whose price book takes NAXML-MaintenanceRequest 3.4; every other gets the JSON file. */
export const NAXML_POS: readonly PosSystem[] = ['passport', 'commander', 'radiant'];

export const formatFor = (pos: PosSystem): 'naxml' | 'json' => (NAXML_POS.includes(pos) ? 'naxml' : 'json');

/**
 * Renders an accepted batch for the location's POS. The register knows the location by its
 * Tillpoint id (StoreLocationID); files are named by location and per-location sequence so an
 * outbox folder sorts in the order to apply them.
 */
export function renderBatch(input: BatchRenderInput): RenderedBatch {
  const batch: PricebookBatch = {
    batchId: input.batchId,
    location: { storeLocationId: input.location.id, name: input.location.name },
    createdAt: input.createdAt,
    changes: input.changes,
  };
  const vendor = { name: 'Tillpoint', version: VERSION };
  const format = formatFor(input.location.posSystem);
  const stem = `tillpoint-${input.location.id.slice(0, 8)}-${String(input.seq).padStart(6, '0')}`;
  return format === 'naxml'
    ? { format, filename: `${stem}.xml`, content: renderNaxml(batch, vendor) }
    : { format, filename: `${stem}.json`, content: renderJson(batch, vendor) };
}
