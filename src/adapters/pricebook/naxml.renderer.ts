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

/** Escapes text for element content and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A comment cannot contain "--" or end in "-". */
function commentText(text: string): string {
  return text.replace(INVALID_XML, '').replace(/-{2,}/g, '-').replace(/-$/, '');
}

class Xml {
  private readonly lines: string[] = [];
  private depth = 0;

  raw(line: string): this {
    this.lines.push('  '.repeat(this.depth) + line);
    return this;
  }
  open(name: string, attrs = ''): this {
    this.raw(`<${name}${attrs}>`);
    this.depth++;
    return this;
  }
  close(name: string): this {
    this.depth--;
    return this.raw(`</${name}>`);
  }
  leaf(name: string, value: string | number): this {
    return this.raw(`<${name}>${xmlEscape(String(value))}</${name}>`);
  }
  empty(name: string, attr: string, value: string): this {
    return this.raw(`<${name} ${attr}="${xmlEscape(value)}"/>`);
  }
  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

const recordAction = (e: BatchEntry) => (e.action === 'delete' ? 'delete' : 'addchange');

/**
 * Renders one accepted batch as NAXML. Deterministic: the same batch gives the same bytes.
 * @example renderNaxml({ batchId, location: { storeLocationId: '1042', name: 'Main St' }, createdAt, changes }, { name: 'Tillpoint', version: '0.1.0' })
 */
export function renderNaxml(batch: PricebookBatch, vendor: PricebookVendor, opts: RenderOptions = {}): string {
  const entries = batchEntries(batch, opts);
  const upserts = entries.filter((e) => e.action === 'upsert').length;
  const x = new Xml();
  x.raw('<?xml version="1.0" encoding="UTF-8"?>');
  x.raw(
    `<!-- ${commentText(`Tillpoint price-book batch ${batch.batchId} for ${batch.location.name}, accepted ${batch.createdAt}: ${upserts} addchange, ${entries.length - upserts} delete`)} -->`,
  );
  x.open('NAXML-MaintenanceRequest', ` xmlns="${NAXML_NAMESPACE}" version="${NAXML_VERSION}"`);
  x.open('TransmissionHeader')
    .leaf('StoreLocationID', batch.location.storeLocationId)
    .leaf('VendorName', vendor.name)
    .leaf('VendorModelVersion', vendor.version)
    .close('TransmissionHeader');
  if (entries.length > 0) {
    x.open('ItemListMaintenance').empty('TableAction', 'type', 'update').empty('RecordAction', 'type', 'addchange');
    for (const e of entries) {
      const p = e.promotion;
      x.open('ILTDetail').empty('RecordAction', 'type', recordAction(e)).leaf('ItemListID', e.ids.itemListId).leaf('ItemListDescription', p.description);
      for (const upc of p.upcs) {
        x.open('ItemListEntry')
          .open('ItemCode')
          .empty('POSCodeFormat', 'format', 'upcA')
          .leaf('POSCode', upc)
          .leaf('POSCodeModifier', '0')
          .close('ItemCode')
          .close('ItemListEntry');
      }
      x.close('ILTDetail');
    }
    x.close('ItemListMaintenance');
    x.open('MixMatchMaintenance').empty('TableAction', 'type', 'update').empty('RecordAction', 'type', 'addchange');
    for (const e of entries) {
      const p = e.promotion;
      x.open('MMTDetail')
        .empty('RecordAction', 'type', recordAction(e))
        .open('Promotion')
        .leaf('PromotionID', e.ids.promotionId)
        .leaf('PromotionReason', 'mixAndMatchOffer')
        .close('Promotion')
        .leaf('MixMatchDescription', p.description)
        .leaf('ItemListID', e.ids.itemListId)
        .leaf('StartDate', p.startDate)
        .leaf('StartTime', '00:00:00')
        .leaf('StopDate', p.endDate)
        .leaf('StopTime', '23:59:59')
        .open('MixMatchEntry')
        .leaf('MixMatchUnits', p.quantity)
        .leaf('MixMatchDiscountAmount', formatMajor(p.amountCents))
        .close('MixMatchEntry')
        .leaf('Priority', 1)
        .close('MMTDetail');
    }
    x.close('MixMatchMaintenance');
  }
  x.close('NAXML-MaintenanceRequest');
  return x.toString();
}
