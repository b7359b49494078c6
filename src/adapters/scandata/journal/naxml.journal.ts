import type { JournalFormat, JournalItem, JournalSource } from '../../../app/ports/journal-reader.ts';
import { MoneyFormatError, parseMajor } from '../../../domain/money.ts';
import { expandUpcE } from '../../../domain/scandata/gtin.ts';
import type { PosSaleLineInput } from '../../../domain/scandata/pos-sale.ts';
import type { Tender, TobaccoCategory } from '../../../domain/scandata/sale-line.ts';

/**
 * NAXML POSJournal (Conexxus NAXML-POSJournal 3.x) read with a streaming SAX parser: one event in
 * memory at a time. What is read, and the choices made where the standard leaves room, are in
 * docs/scan-data.md ("NAXML POSJournal"); the NAXML names stay in this file.
 *
 * `SaleEvent` and `RefundEvent` are baskets; their `TransactionLine`s holding an `ItemLine` are the
 * line items. Every other event (`VoidEvent`, `FinancialEvent` …) and any event in training mode is
 * skipped, and said so.
 */

const BASKET_EVENTS = new Set(['SaleEvent', 'RefundEvent']);
/** ItemLine children (directly, or inside ItemCode) the reader keeps. */
const ITEM_FIELDS = new Set([
  'POSCode',
  'Description',
  'RegularSellPrice',
  'ActualSalesPrice',
  'SalesQuantity',
  'SalesAmount',
  'SellingUnits',
  'MerchandiseCode',
  'UnitOfMeasure',
]);
/** Event children that identify the transaction and its moment. */
const EVENT_FIELDS = new Set(['RegisterID', 'TransactionID', 'ReceiptDate', 'ReceiptTime', 'EventEndDate', 'EventEndTime', 'EventStartDate', 'EventStartTime']);

/** NAXML TenderCode → Tillpoint's tender (anything else: other). */
const TENDERS: Record<string, Tender> = {
  cash: 'cash',
  creditcards: 'credit',
  credit: 'credit',
  debitcards: 'debit',
  debit: 'debit',
  foodstamps: 'ebt',
  ebt: 'ebt',
  mobilepayment: 'mobile',
  mobile: 'mobile',
};

/**
 * **Choice**: a line's tobacco category from its MerchandiseCode read as a NACS category code —
 * 02… cigarettes, 03… other tobacco products; any other code is not tobacco (it is still reported
 * when a live promotion lists its UPC).
 */
export function naxmlCategory(merchandiseCode: string | undefined): TobaccoCategory | null {
  const code = (merchandiseCode ?? '').trim();
  if (/^0?2(\d{2})*$/.test(code)) return 'cigarettes';
  if (/^0?3(\d{2})*$/.test(code)) return 'other-tobacco';
  return null;
}

interface Item {
  row: number;
  status: string;
  format: string;
  fields: Record<string, string>;
}

interface Event {
  name: string;
  row: number;
  depth: number;
  training: boolean;
  fields: Record<string, string>;
  tender: string | null;
  loyaltyId: string | null;
  lines: PosSaleLineInput[];
  lineRows: number[];
  items: number;
  bad: { row: number; reason: string } | null;
  moreBad: number;
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

function amount(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  try {
    return Math.abs(parseMajor(text));
  } catch (e) {
    if (e instanceof MoneyFormatError) return Number.NaN;
    throw e;
  }
}

/** An ItemLine's line item(s): a cancelled line is the sale and its void; a PLU line is not reportable (null). */
function linesOfItem(item: Item, event: Event): PosSaleLineInput[] | string | null {
  const f = item.fields;
  if (item.format === 'plu') return null;
  if (!f.POSCode) return 'ItemLine has no ItemCode/POSCode';
  const code = item.format === 'upce' ? (expandUpcE(f.POSCode) ?? f.POSCode) : f.POSCode;
  const q = Number(f.SalesQuantity ?? '1');
  if (!Number.isInteger(q) || q === 0) return `SalesQuantity "${f.SalesQuantity}" must be a whole, non-zero number of units`;
  let unit = amount(f.RegularSellPrice) ?? amount(f.ActualSalesPrice);
  if (unit === null) {
    const total = amount(f.SalesAmount);
    if (total !== null && total % Math.abs(q) === 0) unit = total / Math.abs(q);
  }
  if (unit === null || Number.isNaN(unit)) return `RegularSellPrice "${f.RegularSellPrice ?? f.ActualSalesPrice ?? ''}" must be an amount like 8.99`;
  const units = f.SellingUnits ? Number(f.SellingUnits) : 1;
  const line: PosSaleLineInput = {
    productId: code,
    description: f.Description ?? '',
    unitOfMeasure: f.UnitOfMeasure || undefined,
    quantity: Math.abs(q),
    unitPriceCents: unit,
    kind: event.name === 'RefundEvent' || q < 0 ? 'refund' : 'sale',
    category: naxmlCategory(f.MerchandiseCode),
    consumerUnits: Number.isInteger(units) && units >= 1 ? units : 1,
  };
  // A cancelled line was rung up, then taken off the basket: both happened at the register.
  if (item.status === 'cancel' && line.kind === 'sale') return [line, { ...line, kind: 'void' }];
  return [line];
}

function finish(e: Event): JournalItem {
  const transactionId = e.fields.TransactionID ?? null;
  if (e.training) return { kind: 'skip', row: e.row, reason: `${e.name} ${transactionId ?? ''} is in training mode` };
  if (e.bad) {
    const more = e.moreBad ? ` (and ${e.moreBad} more bad item line${e.moreBad === 1 ? '' : 's'})` : '';
    return {
      kind: 'reject',
      row: e.bad.row,
      transactionId,
      reason: `${e.bad.reason}${more}; ${e.name} ${transactionId ?? ''} at line ${e.row} rejected whole`,
      lines: e.items,
    };
  }
  const missing = ['RegisterID', 'TransactionID'].find((k) => !e.fields[k]);
  if (missing) return { kind: 'reject', row: e.row, transactionId, reason: `${e.name} has no ${missing}`, lines: e.items };
  if (e.lines.length === 0)
    return { kind: 'skip', row: e.row, reason: `${e.name} ${transactionId} has no item line with a UPC (fuel or department sales only)` };
  const f = e.fields;
  const date = f.ReceiptDate ?? f.EventEndDate ?? f.EventStartDate;
  const time = f.ReceiptDate ? f.ReceiptTime : f.EventEndDate ? f.EventEndTime : f.EventStartTime;
  if (!date || !time)
    return { kind: 'reject', row: e.row, transactionId, reason: `${e.name} has no ReceiptDate/ReceiptTime (nor EventEndDate/EventEndTime)`, lines: e.items };
  return {
    kind: 'basket',
    row: e.row,
    location: null,
    lineRows: e.lineRows,
    sale: {
      registerId: f.RegisterID!,
      transactionId: f.TransactionID!,
      soldAt: `${date}T${time}`,
      tender: TENDERS[(e.tender ?? '').toLowerCase()] ?? 'other',
      loyaltyId: e.loyaltyId,
      // POSJournal has no element for how the buyer's age was checked.
      ageVerification: 'none',
      lines: e.lines,
    },
  };
}

/**
 * Reads a NAXML POSJournal lazily (SAX events; memory flat in the file's size).
 * @example for await (const item of readNaxmlJournal(createReadStream('POSJournal.xml'))) …
 */
export async function* readNaxmlJournal(source: JournalSource): AsyncGenerator<JournalItem> {
  // saxes is loaded by the first import, not by every process that knows the journal formats
  const { SaxesParser } = await import('saxes');
  const parser = new SaxesParser({ position: true, xmlns: false });
  const out: JournalItem[] = [];
  const stack: string[] = [];
  let text = '';
  let event: Event | null = null;
  let item: Item | null = null;
  let lineStatus = 'normal';
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    const attr = (k: string) => (tag.attributes as Record<string, string>)[k];
    const parent = stack[stack.length - 1];
    stack.push(name);
    text = '';
    if (!event) {
      if (BASKET_EVENTS.has(name))
        event = {
          name,
          row: parser.line,
          depth: stack.length,
          training: false,
          fields: {},
          tender: null,
          loyaltyId: null,
          lines: [],
          lineRows: [],
          items: 0,
          bad: null,
          moreBad: 0,
        };
      else if (parent === 'JournalReport' && name.endsWith('Event')) out.push({ kind: 'skip', row: parser.line, reason: `${name} is not a sale` });
      return;
    }
    if (name === 'TrainingModeFlag' && /^(yes|true|1)$/i.test(attr('value') ?? '')) event.training = true;
    else if (name === 'TransactionLine') lineStatus = (attr('status') ?? 'normal').toLowerCase();
    else if (name === 'ItemLine') item = { row: parser.line, status: lineStatus, format: '', fields: {} };
    else if (name === 'POSCodeFormat' && item) item.format = (attr('format') ?? '').toLowerCase();
  });
  parser.on('text', (t) => {
    text += t;
  });
  parser.on('cdata', (t) => {
    text += t;
  });
  parser.on('closetag', (tag) => {
    const name = localName(tag.name);
    stack.pop();
    const parent = stack[stack.length - 1];
    const value = text.trim();
    text = '';
    if (!event) return;
    if (item) {
      if (name === 'ItemLine') {
        event.items++;
        const got = linesOfItem(item, event);
        if (typeof got === 'string') {
          if (event.bad) event.moreBad++;
          else event.bad = { row: item.row, reason: got };
        } else if (got) {
          for (const l of got) {
            event.lines.push(l);
            event.lineRows.push(item.row);
          }
        }
        item = null;
      } else if (ITEM_FIELDS.has(name) && (parent === 'ItemLine' || parent === 'ItemCode') && item.fields[name] === undefined) {
        item.fields[name] = value;
      }
      return;
    }
    if (stack.length === event.depth && EVENT_FIELDS.has(name)) event.fields[name] = value;
    else if (name === 'TenderCode' && event.tender === null) event.tender = value;
    else if ((name === 'LoyaltyID' || name === 'LoyaltyCardNumber') && event.loyaltyId === null && value) event.loyaltyId = value;
    else if (name === 'TransactionLine') lineStatus = 'normal';
    else if (stack.length === event.depth - 1) {
      out.push(finish(event));
      event = null;
    }
  });

  const decoder = new TextDecoder('utf-8');
  // Only the parser's errors are the file's fault; the source's (a body over its limit) go to the caller.
  const feed = (text: string, end = false): JournalItem | null => {
    try {
      parser.write(text);
      if (end) parser.close();
      return null;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return {
        kind: 'reject',
        row: parser.line,
        transactionId: null,
        reason: `XML is not well-formed, the rest of the file is not read: ${message}`,
        lines: 0,
      };
    }
  };
  for await (const chunk of source) {
    const broken = feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    yield* out.splice(0);
    if (broken) return yield broken;
  }
  const broken = feed(decoder.decode(), true);
  yield* out.splice(0);
  if (broken) yield broken;
}

export const naxmlJournal: JournalFormat = {
  id: 'naxml',
  description: 'NAXML POSJournal (SaleEvent / RefundEvent item lines)',
  fieldNames: { productId: 'POSCode', quantity: 'SalesQuantity', unitPriceCents: 'RegularSellPrice', soldAt: 'ReceiptDate/ReceiptTime', lines: 'ItemLines' },
  read: readNaxmlJournal,
};
