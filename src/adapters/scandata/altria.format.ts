import { Type } from '@sinclair/typebox';
import { addDays, isDate } from '../../domain/calendar.ts';
import { formatMajor } from '../../domain/money.ts';
import { gtinProblem } from '../../domain/scandata/gtin.ts';
import type { AppliedDiscount, PricedLine } from '../../domain/scandata/pricing.ts';
import type { AgeVerification, TobaccoCategory } from '../../domain/scandata/sale-line.ts';
import { inWeek, type ScanWeek, weekContaining, weekday } from '../../domain/scandata/week.ts';
import { check, splitRow, type ValidateOptions, type ValidationReport, Violations } from './validation.ts';
import { defineFormat, field, fileNamePart, LineSink, ScanDataWriteError, type ScanDataOutlet, type WriteJob, type WriteSummary } from './writer.ts';

/**
 * Altria (PM USA / AGDC, collector Circana) weekly scan data: a summary first line
 * `recordCount|totalQtySold|totalFinalSalesPrice|submitterName`, then data rows without a header,
 * 45 pipe-delimited fields, Sunday–Saturday, dates YYYYMMDD. Discount amounts are the row's
 * (quantity × per-unit) like FinalSalesPrice. Field mapping and choices: docs/scan-data.md.
 */
export const ALTRIA_FIELDS = [
  'AccountNumber',
  'WeekEndDate',
  'TransactionDate',
  'TransactionTime',
  'TransactionID',
  'StoreNumber',
  'StoreName',
  'StoreAddress',
  'StoreCity',
  'StoreState',
  'StoreZip',
  'Category',
  'ManufacturerName',
  'SKUCode',
  'UPCCode',
  'ItemDescription',
  'UnitMeasure',
  'QtySold',
  'ConsumerUnits',
  'MultiUnitIndicator',
  'TotalMultiUnitDiscountQty',
  'TotalMultiUnitDiscountAmt',
  'RetailerFundedDiscountName',
  'RetailerFundedDiscountAmt',
  'CouponDiscountName',
  'CouponDiscountAmt',
  'OtherManufacturerDiscountName',
  'OtherManufacturerDiscountAmt',
  'LoyaltyDiscountName',
  'LoyaltyDiscountAmt',
  'FinalSalesPrice',
  'StoreTelephone',
  'StoreContactName',
  'StoreContactEmail',
  'ProductGroupingCode',
  'ProductGroupingName',
  'LoyaltyIDNumber',
  'AdultTobConsumerPhoneNum',
  'AgeValidationMethod',
  'ManufacturerOfferName',
  'ManufacturerOfferAmt',
  'PurchaseType',
  'ReservedField43',
  'ReservedField44',
  'ReservedField45',
] as const;
export type AltriaField = (typeof ALTRIA_FIELDS)[number];
export const ALTRIA_FORMAT = 'altria';
export const SUMMARY_FIELDS = ['recordCount', 'totalQtySold', 'totalFinalSalesPrice', 'submitterName'] as const;

const at = Object.fromEntries(ALTRIA_FIELDS.map((f, i) => [f, i])) as Record<AltriaField, number>;

const CATEGORY: Record<TobaccoCategory, string> = {
  cigarettes: 'Cigarettes',
  cigars: 'Cigars',
  smokeless: 'Smokeless Tobacco',
  vapor: 'Vapor Products',
  'nicotine-pouch': 'Oral Nicotine',
  'roll-your-own': 'Roll Your Own',
  pipe: 'Pipe Tobacco',
  'other-tobacco': 'Other Tobacco',
};
const AGE: Record<AgeVerification, string> = { 'scanned-id': 'SCAN', 'manual-entry': 'MANUAL', visual: 'VISUAL', 'not-required': '', none: '' };

const AltriaOptions = Type.Object(
  {
    manufacturer: Type.String({
      default: 'altria',
      minLength: 1,
      description: "promotions of this manufacturer are ManufacturerOffer; other manufacturers' are OtherManufacturerDiscount",
    }),
  },
  { additionalProperties: false },
);

const compact = (date: string) => date.replace(/-/g, '');

/**
 * quantity × unit price in minor units, truncated (not rounded) to whole cents. Tillpoint's unit
 * prices are whole cents, so the truncation is exact; a unit price in fractions of a cent (e.g.
 * from a journal with 3 decimals, in tenths of a cent) is truncated towards zero.
 * @example finalSalesCents(3, 1234, 10) === 370 // 3 × $1.234 = $3.702 → $3.70
 */
export function finalSalesCents(quantity: number, unitPrice: number, perCent = 1): number {
  return Math.trunc((quantity * unitPrice) / perCent);
}

/** The last 6 digits of a phone number, '' when it has fewer than 6. */
export function lastSixDigits(phone: string | null | undefined): string {
  const digits = (phone ?? '').replace(/\D/g, '');
  return digits.length >= 6 ? digits.slice(-6) : '';
}

/** One data row's 45 fields. */
export function altriaRow(row: PricedLine, outlet: ScanDataOutlet, accountNumber: string, week: ScanWeek, manufacturer: string): string[] {
  const l = row.line;
  const q = row.quantity;
  const d = row.discounts;
  const total = (...xs: (AppliedDiscount | null)[]) => xs.reduce((s, x) => s + (x?.perUnitCents ?? 0), 0) * q;
  const money = (cents: number) => (cents === 0 ? '' : formatMajor(cents));
  const ours = (a: AppliedDiscount | null) => (a && a.manufacturer === manufacturer ? a : null);
  const others = (a: AppliedDiscount | null) => (a && a.manufacturer !== manufacturer ? a : null);
  const multi = d.manufacturerMultipack ?? d.outletMultipack;
  const f = new Array<string>(ALTRIA_FIELDS.length).fill('');
  f[at.AccountNumber] = field(accountNumber);
  f[at.WeekEndDate] = compact(week.end);
  f[at.TransactionDate] = compact(l.localDate);
  f[at.TransactionTime] = l.localTime;
  f[at.TransactionID] = field(`${l.registerId}-${l.transactionId}`);
  f[at.StoreNumber] = field(outlet.outletNumber);
  f[at.StoreName] = field(outlet.name);
  f[at.StoreAddress] = field(outlet.address1);
  f[at.StoreCity] = field(outlet.city);
  f[at.StoreState] = field(outlet.state);
  f[at.StoreZip] = field(outlet.zip);
  f[at.Category] = l.category ? CATEGORY[l.category] : '';
  f[at.ManufacturerName] = field(l.manufacturerName);
  f[at.SKUCode] = field(l.sku);
  f[at.UPCCode] = l.upc;
  f[at.ItemDescription] = field(l.description);
  f[at.UnitMeasure] = field(l.unitOfMeasure).toUpperCase();
  f[at.QtySold] = String(q);
  f[at.ConsumerUnits] = String(l.consumerUnits ?? 1);
  f[at.MultiUnitIndicator] = multi ? 'Y' : 'N';
  f[at.TotalMultiUnitDiscountQty] = multi ? String(q) : '';
  f[at.TotalMultiUnitDiscountAmt] = money(total(d.manufacturerMultipack, d.outletMultipack));
  f[at.RetailerFundedDiscountName] = field(d.outletDiscount?.description);
  f[at.RetailerFundedDiscountAmt] = money(total(d.outletDiscount));
  f[at.CouponDiscountName] = field(d.coupon?.description);
  f[at.CouponDiscountAmt] = money(total(d.coupon));
  f[at.OtherManufacturerDiscountName] = field(others(d.manufacturerBuydown)?.description);
  f[at.OtherManufacturerDiscountAmt] = money(total(others(d.manufacturerBuydown)));
  f[at.LoyaltyDiscountName] = field(d.manufacturerLoyalty?.description);
  f[at.LoyaltyDiscountAmt] = money(total(d.manufacturerLoyalty));
  f[at.FinalSalesPrice] = formatMajor(finalSalesCents(q, row.finalUnitPriceCents));
  f[at.StoreTelephone] = (outlet.phone ?? '').replace(/\D/g, '');
  f[at.StoreContactName] = field(outlet.contactName);
  f[at.StoreContactEmail] = field(outlet.contactEmail);
  f[at.LoyaltyIDNumber] = field(row.loyaltyId);
  f[at.AdultTobConsumerPhoneNum] = lastSixDigits(l.consumerPhone);
  f[at.AgeValidationMethod] = AGE[l.ageVerification];
  f[at.ManufacturerOfferName] = field(ours(d.manufacturerBuydown)?.description);
  f[at.ManufacturerOfferAmt] = money(total(ours(d.manufacturerBuydown)));
  return f;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
const ymd = (s: string) => (/^\d{8}$/.test(s) ? `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}` : null);

/** Validates an Altria file, streaming; the summary line is checked against the rows at the end. */
export async function validateAltria(lines: AsyncIterable<string> | Iterable<string>, opts: ValidateOptions = {}): Promise<ValidationReport> {
  const v = new Violations(opts.maxViolations);
  let week: ScanWeek | null = opts.week ? weekContaining(opts.week, 'sunday') : null;
  let summary: string[] | null = null;
  let n = 0;
  let rows = 0;
  let qtySum = 0;
  let salesSum = 0;
  for await (const line of lines) {
    n++;
    const f = splitRow(line);
    if (n === 1) {
      summary = f;
      if (f.length !== SUMMARY_FIELDS.length)
        v.add(
          1,
          null,
          'summary',
          `the first line is the summary recordCount|totalQtySold|totalFinalSalesPrice|submitterName (4 fields), this one has ${f.length}`,
          line.slice(0, 80),
        );
      continue;
    }
    if (line.trim() === '') {
      v.add(n, null, 'blank-row', 'blank row');
      continue;
    }
    rows++;
    if (f.length !== ALTRIA_FIELDS.length) {
      v.add(n, null, 'field-count', `a data row has ${ALTRIA_FIELDS.length} fields, this one ${f.length}`, String(f.length));
      continue;
    }
    const get = (name: AltriaField) => f[at[name]]!;
    check.required(v, n, 'AccountNumber', get('AccountNumber'));
    const account = opts.accountNumber ?? get('AccountNumber');
    const wed = ymd(get('WeekEndDate'));
    if (!wed || !isDate(wed) || weekday(wed) !== 6)
      v.add(n, 'WeekEndDate', 'week-end-date', 'WeekEndDate must be the Saturday ending the week, YYYYMMDD', get('WeekEndDate'));
    else {
      week ??= { start: addDays(wed, -6), end: wed };
      if (wed !== week.end)
        v.add(n, 'WeekEndDate', 'week-end-date', `WeekEndDate must be ${compact(week.end)} for the week ${week.start} – ${week.end}`, get('WeekEndDate'));
    }
    const td = ymd(get('TransactionDate'));
    if (!td || !isDate(td)) v.add(n, 'TransactionDate', 'date-format', 'TransactionDate must be YYYYMMDD', get('TransactionDate'));
    else if (week && !inWeek(week, td))
      v.add(
        n,
        'TransactionDate',
        'date-outside-week',
        `TransactionDate is outside the week ${week.start} (Sunday) – ${week.end} (Saturday)`,
        get('TransactionDate'),
      );
    if (!TIME.test(get('TransactionTime'))) v.add(n, 'TransactionTime', 'date-format', 'TransactionTime must be HH:MM:SS', get('TransactionTime'));
    check.required(v, n, 'TransactionID', get('TransactionID'));
    if (check.required(v, n, 'StoreNumber', get('StoreNumber')) && account && get('StoreNumber').trim() === account.trim()) {
      v.add(n, 'StoreNumber', 'outlet-is-account', "StoreNumber is the account number; it must be the store's own number", get('StoreNumber'));
    }
    check.required(v, n, 'StoreName', get('StoreName'));
    check.address1(v, n, 'StoreAddress', get('StoreAddress'));
    check.required(v, n, 'StoreCity', get('StoreCity'));
    check.state(v, n, 'StoreState', get('StoreState'));
    check.zip(v, n, 'StoreZip', get('StoreZip'));
    const upcProblem = gtinProblem(get('UPCCode'));
    if (upcProblem) v.add(n, 'UPCCode', 'upc-check-digit', `UPCCode ${upcProblem}`, get('UPCCode'));
    check.description(v, n, 'ItemDescription', get('ItemDescription'), 'on every row');
    check.required(v, n, 'UnitMeasure', get('UnitMeasure'));
    const qty = check.quantity(v, n, 'QtySold', get('QtySold'));
    if (get('ConsumerUnits') !== '' && !/^[1-9]\d{0,3}$/.test(get('ConsumerUnits')))
      v.add(n, 'ConsumerUnits', 'consumer-units', 'ConsumerUnits must be a whole number ≥ 1', get('ConsumerUnits'));
    const multiAmt = check.amount(v, n, 'TotalMultiUnitDiscountAmt', get('TotalMultiUnitDiscountAmt'));
    check.sign(v, n, 'TotalMultiUnitDiscountAmt', multiAmt, qty);
    const multi = check.flag(v, n, 'MultiUnitIndicator', get('MultiUnitIndicator'));
    check.flagAgrees(v, n, 'MultiUnitIndicator', multi, 'TotalMultiUnitDiscountAmt', multiAmt);
    if (multi && !/^-?[1-9]\d*$/.test(get('TotalMultiUnitDiscountQty')))
      v.add(
        n,
        'TotalMultiUnitDiscountQty',
        'multipack-quantity',
        'TotalMultiUnitDiscountQty must be the units sold in the multi-unit deal',
        get('TotalMultiUnitDiscountQty'),
      );
    for (const [name, amount] of [
      ['RetailerFundedDiscountName', 'RetailerFundedDiscountAmt'],
      ['CouponDiscountName', 'CouponDiscountAmt'],
      ['OtherManufacturerDiscountName', 'OtherManufacturerDiscountAmt'],
      ['LoyaltyDiscountName', 'LoyaltyDiscountAmt'],
      ['ManufacturerOfferName', 'ManufacturerOfferAmt'],
    ] as const) {
      const cents = check.amount(v, n, amount, get(amount));
      check.sign(v, n, amount, cents, qty);
      if ((cents !== null && cents !== 0) || get(name).trim() !== '') check.description(v, n, name, get(name), `with ${amount}`);
      if (amount === 'LoyaltyDiscountAmt' && cents && get('LoyaltyIDNumber').trim() === '')
        v.add(n, 'LoyaltyIDNumber', 'loyalty-id-missing', 'a loyalty discount row must carry the loyalty id');
    }
    const sales = check.amount(v, n, 'FinalSalesPrice', get('FinalSalesPrice'), { required: true });
    if (sales !== null && qty !== null && sales !== 0 && Math.sign(sales) !== Math.sign(qty)) {
      if (qty > 0) v.add(n, 'FinalSalesPrice', 'discount-exceeds-price', 'FinalSalesPrice is negative: the discounts exceed the price', get('FinalSalesPrice'));
      else v.add(n, 'FinalSalesPrice', 'amount-sign', 'FinalSalesPrice must be negative on a void or refund row', get('FinalSalesPrice'));
    }
    if (!/^(\d{6})?$/.test(get('AdultTobConsumerPhoneNum')))
      v.add(
        n,
        'AdultTobConsumerPhoneNum',
        'phone',
        "AdultTobConsumerPhoneNum must be blank or the last 6 digits of the consumer's phone",
        get('AdultTobConsumerPhoneNum'),
      );
    if (qty !== null) qtySum += qty;
    if (sales !== null) salesSum += sales;
  }
  if (summary === null) v.add(1, null, 'summary', 'the file is empty; the first line must be the summary');
  else if (summary.length === SUMMARY_FIELDS.length) {
    const [count, qty, total, submitter] = summary as [string, string, string, string];
    if (!/^\d+$/.test(count) || Number(count) !== rows) v.add(1, 'recordCount', 'summary', `recordCount must be the number of data rows, ${rows}`, count);
    if (!/^-?\d+$/.test(qty) || Number(qty) !== qtySum) v.add(1, 'totalQtySold', 'summary', `totalQtySold must be the sum of QtySold, ${qtySum}`, qty);
    const cents = check.amount(v, 1, 'totalFinalSalesPrice', total, { required: true });
    if (cents !== null && cents !== salesSum)
      v.add(1, 'totalFinalSalesPrice', 'summary', `totalFinalSalesPrice must be the sum of FinalSalesPrice, ${formatMajor(salesSum)}`, total);
    check.required(v, 1, 'submitterName', submitter);
  }
  return v.report(ALTRIA_FORMAT, rows, week);
}

async function totals(job: WriteJob<{ manufacturer: string }>): Promise<WriteSummary> {
  const s: WriteSummary = { rows: 0, quantity: 0, finalSalesCents: 0, outsideWeek: 0 };
  for await (const row of job.rows()) {
    if (!inWeek(job.week, row.line.localDate)) {
      s.outsideWeek++;
      continue;
    }
    s.rows++;
    s.quantity += row.quantity;
    s.finalSalesCents += finalSalesCents(row.quantity, row.finalUnitPriceCents);
  }
  return s;
}

/**
 * The Altria weekly scan-data file. Two passes over `job.rows()`: the first sums the summary line,
 * the second writes the rows; a source that changed in between is an error, not a wrong file.
 *
 * @example
 * await altriaFormat.write({ account, week: weekContaining('2026-12-02', 'sunday'), outlet, rows: () => pricedRowsOfTheWeek(), options: formatOptions(altriaFormat) }, out);
 * // 3|4|25.47|Main St Fuels
 * // 700123|20261205|20261201|10:15:00|1-T1|…
 */
export const altriaFormat = defineFormat({
  id: ALTRIA_FORMAT,
  description: 'Altria (PM USA / AGDC, Circana) weekly scan data: summary line + 45 pipe-delimited fields, Sunday–Saturday',
  manufacturer: 'altria',
  weekStart: 'sunday',
  options: AltriaOptions,
  passes: 2,
  fileName: (account, generatedAt) =>
    `${fileNamePart(account.accountNumber)}_${generatedAt.date.replace(/-/g, '')}_${generatedAt.time.replace(':', '').slice(0, 4)}_${fileNamePart(account.retailerName)}_altria.txt`,
  async write(job, out): Promise<WriteSummary> {
    const expected = await totals(job);
    const sink = new LineSink(out);
    await sink.line([String(expected.rows), String(expected.quantity), formatMajor(expected.finalSalesCents), field(job.account.submitterName)].join('|'));
    const written: WriteSummary = { rows: 0, quantity: 0, finalSalesCents: 0, outsideWeek: 0 };
    for await (const row of job.rows()) {
      if (!inWeek(job.week, row.line.localDate)) {
        written.outsideWeek++;
        continue;
      }
      const outlet = job.outlet(row.line.locationId);
      if (!outlet) throw new ScanDataWriteError(`no outlet of account ${job.account.accountNumber} for location ${row.line.locationId}`);
      await sink.line(altriaRow(row, outlet, job.account.accountNumber, job.week, job.options.manufacturer).join('|'));
      written.rows++;
      written.quantity += row.quantity;
      written.finalSalesCents += finalSalesCents(row.quantity, row.finalUnitPriceCents);
    }
    await sink.flush();
    if (written.rows !== expected.rows || written.quantity !== expected.quantity || written.finalSalesCents !== expected.finalSalesCents) {
      throw new ScanDataWriteError('the rows changed between the totals pass and the writing pass; the summary line would be wrong');
    }
    return written;
  },
  validate: validateAltria,
});
