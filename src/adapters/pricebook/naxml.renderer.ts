import { XMLBuilder, type XmlBuilderOptions } from 'fast-xml-parser';
import { formatMajor } from '../../domain/money.ts';
import { batchEntries, type BatchEntry, type PricebookBatch, type PricebookVendor, type RenderOptions } from './batch.ts';

/**
 * Conexxus NAXML `NAXML-MaintenanceRequest` 3.4 for Gilbarco Passport, Verifone Commander and NCR
 * Radiant price books. Each promotion becomes an item list (ILTDetail: its UPCs) and a mix-match
 * (MMTDetail) over that list; a buydown is a one-unit mix-match with a per-unit discount, a
 * multipack a mix-match of `quantity` units with the saving for the group. Ended promotions are
 * `delete` records. Mapping table: docs/pricebook.md.
 */

export const NAXML_NAMESPACE = 'http://www.naxml.org/POSBO/Vocabulary/2003-10-16';
export const NAXML_VERSION = '3.4';

// Characters XML 1.0 cannot carry at all; a feed's stray control character must not break the file.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

const dropInvalid = (_name: string, value: unknown): unknown => (typeof value === 'string' ? value.replace(INVALID_XML, '') : value);

const BUILDER_OPTIONS: XmlBuilderOptions = {
  preserveOrder: true,
  ignoreAttributes: false,
  // the attribute-only elements close themselves; an empty text element stays `<X></X>`
  unpairedTags: ['TableAction', 'RecordAction', 'POSCodeFormat'],
  suppressUnpairedNode: false,
  commentPropName: '#comment',
  tagValueProcessor: dropInvalid,
  attributeValueProcessor: dropInvalid,
};

/** Two spaces per level, one element per line, `<Empty attr="…"/>`: the layout of the golden file. */
const builder = new XMLBuilder({ ...BUILDER_OPTIONS, format: true, indentBy: '  ' });
const inline = new XMLBuilder(BUILDER_OPTIONS);

/** Escapes text for element content and attribute values, as the builder does. */
export function xmlEscape(text: string): string {
  return inline.build([{ '#text': text }]) as string;
}

/** A comment cannot contain "--" or end in "-". */
function commentText(text: string): string {
  return text.replace(INVALID_XML, '').replace(/-{2,}/g, '-').replace(/-$/, '');
}

/** A node in the builder's preserveOrder form: `{ name: children, ':@': { '@_attr': value } }`. */
type XmlNode = Record<string, unknown>;

const text = (value: string | number): XmlNode[] => [{ '#text': String(value) }];
const el = (name: string, ...children: XmlNode[]): XmlNode => ({ [name]: children });
const leaf = (name: string, value: string | number): XmlNode => ({ [name]: text(value) });
const empty = (name: 'TableAction' | 'RecordAction' | 'POSCodeFormat', attr: string, value: string): XmlNode => ({ [name]: [], ':@': { [`@_${attr}`]: value } });

const recordAction = (e: BatchEntry) => (e.action === 'delete' ? 'delete' : 'addchange');

/**
 * Renders one accepted batch as NAXML. Deterministic: the same batch gives the same bytes.
 * @example renderNaxml({ batchId, location: { storeLocationId: '1042', name: 'Main St' }, createdAt, changes }, { name: 'Tillpoint', version: '0.1.0' })
 */
export function renderNaxml(batch: PricebookBatch, vendor: PricebookVendor, opts: RenderOptions = {}): string {
  const entries = batchEntries(batch, opts);
  const upserts = entries.filter((e) => e.action === 'upsert').length;
  const maintenance = (table: string, details: XmlNode[]) => el(table, empty('TableAction', 'type', 'update'), empty('RecordAction', 'type', 'addchange'), ...details);
  const itemLists = entries.map((e) =>
    el(
      'ILTDetail',
      empty('RecordAction', 'type', recordAction(e)),
      leaf('ItemListID', e.ids.itemListId),
      leaf('ItemListDescription', e.promotion.description),
      ...e.promotion.upcs.map((upc) => el('ItemListEntry', el('ItemCode', empty('POSCodeFormat', 'format', 'upcA'), leaf('POSCode', upc), leaf('POSCodeModifier', '0')))),
    ),
  );
  const mixMatches = entries.map((e) => {
    const { promotion: p, ids } = e;
    return el(
      'MMTDetail',
      empty('RecordAction', 'type', recordAction(e)),
      el('Promotion', leaf('PromotionID', ids.promotionId), leaf('PromotionReason', 'mixAndMatchOffer')),
      leaf('MixMatchDescription', p.description),
      leaf('ItemListID', ids.itemListId),
      leaf('StartDate', p.startDate),
      leaf('StartTime', '00:00:00'),
      leaf('StopDate', p.endDate),
      leaf('StopTime', '23:59:59'),
      el('MixMatchEntry', leaf('MixMatchUnits', p.quantity), leaf('MixMatchDiscountAmount', formatMajor(p.amountCents))),
      leaf('Priority', 1),
    );
  });
  const request: XmlNode = {
    'NAXML-MaintenanceRequest': [
      el('TransmissionHeader', leaf('StoreLocationID', batch.location.storeLocationId), leaf('VendorName', vendor.name), leaf('VendorModelVersion', vendor.version)),
      ...(entries.length > 0 ? [maintenance('ItemListMaintenance', itemLists), maintenance('MixMatchMaintenance', mixMatches)] : []),
    ],
    ':@': { '@_xmlns': NAXML_NAMESPACE, '@_version': NAXML_VERSION },
  };
  const comment = commentText(`Tillpoint price-book batch ${batch.batchId} for ${batch.location.name}, accepted ${batch.createdAt}: ${upserts} addchange, ${entries.length - upserts} delete`);
  const xml = builder.build([{ '?xml': text(''), ':@': { '@_version': '1.0', '@_encoding': 'UTF-8' } }, { '#comment': text(` ${comment} `) }, request]) as string;
  return xml + '\n';
}
