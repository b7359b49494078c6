import { describe, expect, it } from 'vitest';
import { renderBatch } from '../../src/adapters/pricebook/batch-render.ts';
import type { Location } from '../../src/app/cstore/model.ts';
import { promotionKey } from '../../src/domain/promotions/diff.ts';
import { aMultipack, aPromotion, add, end } from '../unit/promotions/promotion.builder.ts';
import { locationRow } from '../support/locations.ts';

const location = (over: Partial<Location> = {}): Location =>
  locationRow({
    id: '0c570e00-0000-4000-8000-000000000101',
    programId: 'p',
    name: 'QuickStop #101 Main St',
    posSystem: 'other',
    outletIds: { rjr: '7000001' },
    integrationStatus: 'pilot',
    createdAt: '2026-12-01T00:00:00.000Z',
    ...over,
  });

const changes = [add(aPromotion()), end(aMultipack())];
const render = (loc: Location, numbers?: Map<string, number>) =>
  renderBatch({ batchId: 'b-1', seq: 1, createdAt: '2026-12-01T15:00:00.000Z', location: loc, changes, registerNumbers: numbers });

describe('renderBatch: the register’s own ids from the location', () => {
  it('files promotions under the manufacturer id and the location id by default', () => {
    const doc = JSON.parse(render(location()).content) as { location: { storeLocationId: string }; promotions: { promotionId: string; itemListId: string }[] };
    expect(doc.location.storeLocationId).toBe('0c570e00-0000-4000-8000-000000000101');
    expect(doc.promotions.map((p) => [p.promotionId, p.itemListId])).toEqual([
      ['RJ-1', 'RJ-1'],
      ['RJ-M', 'RJ-M'],
    ]);
  });

  it('uses registerStoreId and the numbers handed out for a numeric register', () => {
    const numbers = new Map([
      [promotionKey(aPromotion()), 500],
      [promotionKey(aMultipack()), 77],
    ]);
    const json = JSON.parse(render(location({ registerStoreId: '101', registerIds: 'numeric' }), numbers).content) as {
      location: { storeLocationId: string };
      promotions: { action: string; promotionId: string; itemListId: string }[];
    };
    expect(json.location.storeLocationId).toBe('101');
    expect(json.promotions.map((p) => [p.action, p.promotionId, p.itemListId])).toEqual([
      ['upsert', '500', '500'],
      ['delete', '77', '77'],
    ]);
    const xml = render(location({ posSystem: 'passport', registerStoreId: '101', registerIds: 'numeric' }), numbers).content;
    expect(xml).toContain('<StoreLocationID>101</StoreLocationID>');
    expect(xml).toContain('<PromotionID>500</PromotionID>');
    expect(xml).toContain('<ItemListID>77</ItemListID>');
  });

  it('refuses to render a numeric batch with a promotion that has no number', () => {
    expect(() => render(location({ registerIds: 'numeric' }), new Map())).toThrow(/no register number/);
  });
});
