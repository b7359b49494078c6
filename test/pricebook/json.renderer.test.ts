import { describe, expect, it } from 'vitest';
import { PRICEBOOK_JSON_FORMAT, renderJson, type PricebookJson } from '../../src/adapters/pricebook/json.renderer.ts';
import { renderNaxml } from '../../src/adapters/pricebook/naxml.renderer.ts';
import { GOLDEN_BATCH, VENDOR } from './pricebook.fixtures.ts';

describe('renderJson', () => {
  it('matches the golden file', async () => {
    await expect(renderJson(GOLDEN_BATCH, VENDOR)).toMatchFileSnapshot('./golden/batch.pricebook.json');
  });

  it('carries every promotion of the batch with its action, UPCs, dates and amount', () => {
    const doc = JSON.parse(renderJson(GOLDEN_BATCH, VENDOR)) as PricebookJson;
    expect(doc).toMatchObject({
      format: PRICEBOOK_JSON_FORMAT,
      formatVersion: 1,
      batchId: GOLDEN_BATCH.batchId,
      createdAt: GOLDEN_BATCH.createdAt,
      currency: 'USD',
      location: GOLDEN_BATCH.location,
      vendor: VENDOR,
    });
    const byId = new Map(doc.promotions.map((p) => [p.promotionId, p]));
    for (const c of GOLDEN_BATCH.changes) {
      const p = (c.after ?? c.before)!;
      expect(byId.get(p.externalId)).toEqual({
        action: c.kind === 'end' ? 'delete' : 'upsert',
        change: c.kind,
        promotionId: p.externalId,
        itemListId: p.externalId,
        manufacturer: 'rjr',
        type: p.type,
        description: p.description,
        brand: p.brand,
        upcs: p.upcs,
        startDate: p.startDate,
        endDate: p.endDate,
        quantity: p.quantity,
        discount: { amount: (p.amountCents / 100).toFixed(2), amountCents: p.amountCents },
        maxPerTransaction: p.maxPerTransaction,
      });
    }
  });

  it('lists promotions in the same order as the NAXML file', () => {
    const doc = JSON.parse(renderJson(GOLDEN_BATCH, VENDOR)) as PricebookJson;
    const xml = renderNaxml(GOLDEN_BATCH, VENDOR);
    const naxmlOrder = [...xml.matchAll(/<PromotionID>([^<]+)<\/PromotionID>/g)].map((m) => m[1]);
    expect(doc.promotions.map((p) => p.promotionId)).toEqual(naxmlOrder);
  });
});
