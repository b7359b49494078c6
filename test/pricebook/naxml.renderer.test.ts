import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { mapRecord } from '../../src/adapters/manufacturers/rjr/rjr.mapping.ts';
import { SimFeed } from '../../src/simulators/rjr/simulator.feed.ts';
import { PricebookRenderError, type PricebookBatch } from '../../src/adapters/pricebook/batch.ts';
import { NAXML_NAMESPACE, renderNaxml, xmlEscape } from '../../src/adapters/pricebook/naxml.renderer.ts';
import { parseMajor } from '../../src/domain/money.ts';
import { diffPromotions } from '../../src/domain/promotions/diff.ts';
import type { Promotion } from '../../src/domain/promotions/promotion.ts';
import { aPromotion, add } from '../unit/promotions/promotion.builder.ts';
import { GOLDEN_BATCH, VENDOR } from './pricebook.fixtures.ts';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false, // keep "012300000017" and "0.50" as written
  isArray: (name) => ['ILTDetail', 'ItemListEntry', 'MMTDetail'].includes(name),
});

interface ReadBack {
  action: string;
  promotionId: string;
  description: string;
  upcs: string[];
  startDate: string;
  endDate: string;
  quantity: number;
  amountCents: number;
}

interface ParsedMixMatch {
  RecordAction: { '@_type': string };
  Promotion: { PromotionID: string };
  MixMatchDescription: string;
  ItemListID: string;
  StartDate: string;
  StartTime: string;
  StopDate: string;
  StopTime: string;
  MixMatchEntry: { MixMatchUnits: string; MixMatchDiscountAmount: string };
}

/** What a register would read from the file: one entry per mix-match, with its item list's UPCs. */
function readBack(xml: string): { storeLocationId: string; vendor: string; version: string; promotions: ReadBack[] } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml)['NAXML-MaintenanceRequest'];
  expect(doc['@_version']).toBe('3.4');
  expect(doc['@_xmlns']).toBe(NAXML_NAMESPACE);
  const lists = new Map<string, { action: string; upcs: string[] }>();
  for (const il of doc.ItemListMaintenance?.ILTDetail ?? []) {
    const entries = il.ItemListEntry as { ItemCode: { POSCodeFormat: { '@_format': string }; POSCode: string } }[];
    expect(entries.every((e) => e.ItemCode.POSCodeFormat['@_format'] === 'upcA')).toBe(true);
    lists.set(il.ItemListID, { action: il.RecordAction['@_type'], upcs: entries.map((e) => e.ItemCode.POSCode) });
  }
  const promotions = ((doc.MixMatchMaintenance?.MMTDetail ?? []) as ParsedMixMatch[]).map((mm): ReadBack => {
    const list = lists.get(mm.ItemListID);
    expect(list, `item list ${mm.ItemListID}`).toBeDefined();
    expect(list!.action).toBe(mm.RecordAction['@_type']);
    expect(mm.StartTime).toBe('00:00:00');
    expect(mm.StopTime).toBe('23:59:59');
    return {
      action: mm.RecordAction['@_type'],
      promotionId: mm.Promotion.PromotionID,
      description: mm.MixMatchDescription,
      upcs: list!.upcs,
      startDate: mm.StartDate,
      endDate: mm.StopDate,
      quantity: Number(mm.MixMatchEntry.MixMatchUnits),
      amountCents: parseMajor(mm.MixMatchEntry.MixMatchDiscountAmount),
    };
  });
  const h = doc.TransmissionHeader;
  return { storeLocationId: h.StoreLocationID, vendor: h.VendorName, version: h.VendorModelVersion, promotions };
}

function expected(batch: PricebookBatch): ReadBack[] {
  return batch.changes
    .map((c) => {
      const p = (c.after ?? c.before)!;
      return {
        action: c.kind === 'end' ? 'delete' : 'addchange',
        promotionId: p.externalId,
        description: p.description,
        upcs: p.upcs,
        startDate: p.startDate,
        endDate: p.endDate,
        quantity: p.quantity,
        amountCents: p.amountCents,
      };
    })
    .sort((a, b) => (a.promotionId < b.promotionId ? -1 : 1));
}

describe('renderNaxml', () => {
  it('matches the golden file', async () => {
    await expect(renderNaxml(GOLDEN_BATCH, VENDOR)).toMatchFileSnapshot('./golden/batch.naxml.xml');
  });

  it('is deterministic whatever the order of the changes', () => {
    const shuffled = { ...GOLDEN_BATCH, changes: [...GOLDEN_BATCH.changes].reverse() };
    expect(renderNaxml(shuffled, VENDOR)).toBe(renderNaxml(GOLDEN_BATCH, VENDOR));
  });

  it('parses back to the same promotions, UPCs, dates and amounts', () => {
    const back = readBack(renderNaxml(GOLDEN_BATCH, VENDOR));
    expect(back).toMatchObject({ storeLocationId: '1042', vendor: 'Tillpoint', version: '0.1.0' });
    expect(back.promotions).toEqual(expected(GOLDEN_BATCH));
  });

  it('survives a whole simulated day of changes for one store, every promotion intact', () => {
    const feed = new SimFeed({ seed: 'naxml', outlets: 1, promotionsPerOutlet: 200, baseDate: '2026-12-01', changeRate: 0.3 });
    const read = (day: number): Promotion[] => feed.feed(0, day, feed.dateOf(day)).map((r) => (mapRecord(r) as { ok: Promotion }).ok);
    const day0 = read(0);
    const first: PricebookBatch = { ...GOLDEN_BATCH, changes: diffPromotions([], [], day0, '2026-12-01') };
    const next: PricebookBatch = {
      ...GOLDEN_BATCH,
      changes: diffPromotions(
        day0.filter((p) => p.status === 'active'),
        [],
        read(1),
        '2026-12-02',
      ),
    };
    expect(first.changes.length).toBeGreaterThan(190);
    expect(new Set(next.changes.map((c) => c.kind))).toEqual(new Set(['add', 'modify', 'end']));
    for (const batch of [first, next]) {
      const back = readBack(renderNaxml(batch, VENDOR));
      expect(back.promotions).toEqual(expected(batch));
    }
  });

  it('renders a buydown as a one-unit mix-match with the per-unit discount', () => {
    const xml = renderNaxml({ ...GOLDEN_BATCH, changes: [add(aPromotion({ amountCents: 35 }))] }, VENDOR);
    expect(xml).toContain(
      ['<MixMatchEntry>', '        <MixMatchUnits>1</MixMatchUnits>', '        <MixMatchDiscountAmount>0.35</MixMatchDiscountAmount>'].join('\n'),
    );
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(xmlEscape(`a&b<c>"d"'e'\u0001`)).toBe('a&amp;b&lt;c&gt;&quot;d&quot;&apos;e&apos;');
    const xml = renderNaxml(
      {
        ...GOLDEN_BATCH,
        location: { storeLocationId: '7<&>', name: 'x -- y' },
        changes: [add(aPromotion({ description: 'Bad\u0000 </MixMatchDescription><x>' }))],
      },
      VENDOR,
    );
    const back = readBack(xml);
    expect(back.storeLocationId).toBe('7<&>');
    expect(back.promotions[0]!.description).toBe('Bad </MixMatchDescription><x>');
  });

  it('uses the register ids it is given', () => {
    const xml = renderNaxml({ ...GOLDEN_BATCH, changes: [add(aPromotion())] }, VENDOR, { registerIds: () => ({ promotionId: '501', itemListId: '9001' }) });
    const doc = parser.parse(xml)['NAXML-MaintenanceRequest'];
    expect(doc.MixMatchMaintenance.MMTDetail[0].Promotion.PromotionID).toBe('501');
    expect(doc.MixMatchMaintenance.MMTDetail[0].ItemListID).toBe('9001');
    expect(doc.ItemListMaintenance.ILTDetail[0].ItemListID).toBe('9001');
  });

  it('renders an empty batch as a header only', () => {
    const back = readBack(renderNaxml({ ...GOLDEN_BATCH, changes: [] }, VENDOR));
    expect(back.promotions).toEqual([]);
  });

  it('refuses a batch that names a promotion twice or lacks a state', () => {
    const p = aPromotion();
    expect(() => renderNaxml({ ...GOLDEN_BATCH, changes: [add(p), add(p)] }, VENDOR)).toThrow(PricebookRenderError);
    expect(() => renderNaxml({ ...GOLDEN_BATCH, changes: [{ kind: 'end', externalId: 'x', before: null, after: null }] }, VENDOR)).toThrow(/no before state/);
  });
});
