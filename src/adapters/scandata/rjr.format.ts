import { Type } from '@sinclair/typebox';
import { formatMajor } from '../../domain/money.ts';
import { isDate } from '../../domain/calendar.ts';
import type { AppliedDiscount, PricedLine } from '../../domain/scandata/pricing.ts';
import { basketKey } from '../../domain/scandata/sale-line.ts';
import { inWeek, type ScanWeek, weekContaining } from '../../domain/scandata/week.ts';
import { check, splitRow, type ValidateOptions, type ValidationReport, Violations } from './validation.ts';
import { defineFormat, field, fileNamePart, LineSink, ScanDataWriteError, type ScanDataOutlet, type WriteSummary } from './writer.ts';

/**
 * R.J. Reynolds weekly scan data (collector MSA): pipe-delimited, a header row, 34 fields in this
 * order on every row, Monday–Sunday, one file per RJR account. Amounts are per unit and carry the
 * quantity's sign. Field mapping and choices: docs/scan-data.md.
 */
export const RJR_FIELDS = [
  'outletname',
  'outletnumber',
  'address1',
  'address2',
  'city',
  'state',
  'zip',
  'transactiondate',
  'marketbasketid',
  'scanid',
  'registerid',
  'quantity',
  'price',
  'upccode',
  'upcdescription',
  'unitofmeasure',
  'promotionflag',
  'outletmultipackflag',
  'outletmultipackquantity',
  'outletmultipackdiscountamt',
  'acctpromoname',
  'acctdiscountamt',
  'manufacturerdiscountamt',
  'pidcoupon',
  'pidcoupondiscountamt',
  'manufacturermultipackflag',
  'manufacturermultipackquantity',
  'manufacturermultipackdiscountamt',
  'manufacturerpromodesc',
  'manufacturerbuydowndesc',
  'manufacturerbuydownamt',
  'manufacturermultipackdesc',
  'accountloyaltyidnumber',
  'coupondesc',
] as const;
export type RjrField = (typeof RJR_FIELDS)[number];
export const RJR_FORMAT = 'rjr';

const at = Object.fromEntries(RJR_FIELDS.map((f, i) => [f, i])) as Record<RjrField, number>;

const RjrOptions = Type.Object(
  {
    dateSeparator: Type.Union([Type.Literal('-'), Type.Literal(' ')], {
      default: '-',
      description: "between date and time in transactiondate: '-' (YYYY-MM-DD-HH:MM:SS) or ' '",
    }),
  },
  { additionalProperties: false },
);

// The first 7 fields are the outlet's: the same on every row of a store, cleaned once.
const outletCache = new WeakMap<ScanDataOutlet, string[]>();
function outletFields(o: ScanDataOutlet): string[] {
  let f = outletCache.get(o);
  if (!f) outletCache.set(o, (f = [field(o.name), field(o.outletNumber), field(o.address1), field(o.address2), field(o.city), field(o.state), field(o.zip)]));
  return f;
}

/** One row's 34 fields. `scanId` numbers the rows of a basket from 1. */
export function rjrRow(row: PricedLine, outlet: ScanDataOutlet, scanId: number, dateSeparator: '-' | ' '): string[] {
  const l = row.line;
  const sign = Math.sign(row.quantity);
  const d = row.discounts;
  const amt = (a: AppliedDiscount | null) => (a ? formatMajor(sign * a.perUnitCents) : '');
  const f = new Array<string>(RJR_FIELDS.length).fill('');
  const o = outletFields(outlet);
  for (let i = 0; i < o.length; i++) f[i] = o[i]!;
  f[at.transactiondate] = `${l.localDate}${dateSeparator}${l.localTime}`;
  f[at.marketbasketid] = field(`${outlet.outletNumber}-${l.registerId}-${l.transactionId}`);
  f[at.scanid] = String(scanId);
  f[at.registerid] = field(l.registerId);
  f[at.quantity] = String(row.quantity);
  f[at.price] = formatMajor(sign * row.finalUnitPriceCents);
  f[at.upccode] = l.upc;
  f[at.upcdescription] = field(l.description);
  f[at.unitofmeasure] = field(l.unitOfMeasure).toUpperCase();
  f[at.promotionflag] = row.discountPerUnitCents > 0 ? 'Y' : 'N';
  f[at.outletmultipackflag] = d.outletMultipack ? 'Y' : 'N';
  f[at.outletmultipackquantity] = d.outletMultipack ? String(d.outletMultipack.setSize) : '';
  f[at.outletmultipackdiscountamt] = amt(d.outletMultipack);
  f[at.acctpromoname] = field(d.outletDiscount?.description);
  f[at.acctdiscountamt] = amt(d.outletDiscount);
  f[at.manufacturerdiscountamt] = amt(d.manufacturerLoyalty);
  f[at.pidcoupon] = d.coupon ? 'Y' : 'N';
  f[at.pidcoupondiscountamt] = amt(d.coupon);
  f[at.manufacturermultipackflag] = d.manufacturerMultipack ? 'Y' : 'N';
  f[at.manufacturermultipackquantity] = d.manufacturerMultipack ? String(d.manufacturerMultipack.setSize) : '';
  f[at.manufacturermultipackdiscountamt] = amt(d.manufacturerMultipack);
  f[at.manufacturerpromodesc] = field(d.manufacturerLoyalty?.description);
  f[at.manufacturerbuydowndesc] = field(d.manufacturerBuydown?.description);
  f[at.manufacturerbuydownamt] = amt(d.manufacturerBuydown);
  f[at.manufacturermultipackdesc] = field(d.manufacturerMultipack?.description);
  f[at.accountloyaltyidnumber] = field(row.loyaltyId);
  f[at.coupondesc] = field(d.coupon?.description);
  return f;
}

const TRANSACTION_DATE = /^(\d{4}-\d{2}-\d{2})([- ])(\d{2}):(\d{2}):(\d{2})$/;

/** Validates an RJR file, streaming; see {@link rjrFormat}. */
export async function validateRjr(lines: AsyncIterable<string> | Iterable<string>, opts: ValidateOptions = {}): Promise<ValidationReport> {
  const v = new Violations(opts.maxViolations);
  let week: ScanWeek | null = opts.week ? weekContaining(opts.week, 'monday') : null;
  let n = 0;
  let rows = 0;
  for await (const line of lines) {
    n++;
    const f = splitRow(line);
    if (n === 1) {
      if (f.length !== RJR_FIELDS.length || f.some((name, i) => name.trim().toLowerCase() !== RJR_FIELDS[i])) {
        const wrong = RJR_FIELDS.findIndex((name, i) => f[i]?.trim().toLowerCase() !== name);
        v.add(
          n,
          wrong >= 0 ? RJR_FIELDS[wrong]! : null,
          'header',
          `the first row must be the header of the 34 fields in order${wrong >= 0 ? `; field ${wrong + 1} should be "${RJR_FIELDS[wrong]}"` : ''}`,
          f[wrong] ?? '',
        );
      }
      continue;
    }
    if (line.trim() === '') {
      v.add(n, null, 'blank-row', 'blank row');
      continue;
    }
    rows++;
    if (f.length !== RJR_FIELDS.length) {
      v.add(n, null, 'field-count', `a row has ${RJR_FIELDS.length} fields, this one ${f.length}`, String(f.length));
      continue;
    }
    const get = (name: RjrField) => f[at[name]]!;
    check.required(v, n, 'outletname', get('outletname'));
    if (check.required(v, n, 'outletnumber', get('outletnumber')) && opts.accountNumber && get('outletnumber').trim() === opts.accountNumber.trim()) {
      v.add(n, 'outletnumber', 'outlet-is-account', "outletnumber is the account number; it must be the store's own number", get('outletnumber'));
    }
    check.address1(v, n, 'address1', get('address1'));
    check.required(v, n, 'city', get('city'));
    check.state(v, n, 'state', get('state'));
    check.zip(v, n, 'zip', get('zip'));
    const td = TRANSACTION_DATE.exec(get('transactiondate'));
    if (!td || !isDate(td[1]!) || Number(td[3]) > 23 || Number(td[4]) > 59 || Number(td[5]) > 59 || (opts.dateSeparator && td[2] !== opts.dateSeparator)) {
      v.add(n, 'transactiondate', 'date-format', `transactiondate must be YYYY-MM-DD${opts.dateSeparator ?? '-'}HH:MM:SS`, get('transactiondate'));
    } else {
      week ??= weekContaining(td[1]!, 'monday');
      if (!inWeek(week, td[1]!))
        v.add(
          n,
          'transactiondate',
          'date-outside-week',
          `transactiondate is outside the week ${week.start} (Monday) – ${week.end} (Sunday)`,
          get('transactiondate'),
        );
    }
    check.required(v, n, 'marketbasketid', get('marketbasketid'));
    if (!/^\d{1,6}$/.test(get('scanid'))) v.add(n, 'scanid', 'scanid', 'scanid must be the line number within the basket', get('scanid'));
    check.required(v, n, 'registerid', get('registerid'));
    const qty = check.quantity(v, n, 'quantity', get('quantity'));
    const price = check.amount(v, n, 'price', get('price'), { required: true });
    if (price !== null && qty !== null && price !== 0 && Math.sign(price) !== Math.sign(qty)) {
      if (qty > 0)
        v.add(
          n,
          'price',
          'discount-exceeds-price',
          "price is negative: the row's discounts exceed the unit price (a line total reported as a per-unit discount?)",
          get('price'),
        );
      else v.add(n, 'price', 'amount-sign', 'price must be negative on a void or refund row', get('price'));
    }
    if (!/^\d{8,14}$/.test(get('upccode'))) v.add(n, 'upccode', 'upc', 'upccode must be 8 to 14 digits', get('upccode'));
    check.description(v, n, 'upcdescription', get('upcdescription'), 'on every row');
    if (!/^[A-Z][A-Z0-9 ]*$/.test(get('unitofmeasure')))
      v.add(n, 'unitofmeasure', 'unit-of-measure', 'unitofmeasure must be an upper-case unit like PACK, CARTON, CAN', get('unitofmeasure'));

    const promo = check.flag(v, n, 'promotionflag', get('promotionflag'));
    const amounts: Partial<Record<RjrField, number | null>> = {};
    for (const name of [
      'outletmultipackdiscountamt',
      'acctdiscountamt',
      'manufacturerdiscountamt',
      'pidcoupondiscountamt',
      'manufacturermultipackdiscountamt',
      'manufacturerbuydownamt',
    ] as const) {
      const cents = check.amount(v, n, name, get(name));
      check.sign(v, n, name, cents, qty);
      amounts[name] = cents;
    }
    const has = (name: RjrField) => (amounts[name] ?? 0) !== 0;
    const total = Object.values(amounts).reduce<number>((s, c) => s + Math.abs(c ?? 0), 0);
    if (promo !== null && Object.values(amounts).every((c) => c !== null)) {
      if (promo && total === 0) v.add(n, 'promotionflag', 'flag-amount', 'promotionflag is Y but the row has no discount amount');
      if (!promo && total !== 0) v.add(n, 'promotionflag', 'flag-amount', 'promotionflag is N but the row has a discount amount');
    }
    for (const [flagName, qtyName, amtName] of [
      ['outletmultipackflag', 'outletmultipackquantity', 'outletmultipackdiscountamt'],
      ['manufacturermultipackflag', 'manufacturermultipackquantity', 'manufacturermultipackdiscountamt'],
    ] as const) {
      const flag = check.flag(v, n, flagName, get(flagName));
      check.flagAgrees(v, n, flagName, flag, amtName, amounts[amtName] ?? null);
      if (flag && !/^\d+$/.test(get(qtyName))) v.add(n, qtyName, 'multipack-quantity', `${qtyName} must be the number of units in the multipack`, get(qtyName));
      else if (flag && Number(get(qtyName)) < 2) v.add(n, qtyName, 'multipack-quantity', `${qtyName} must be at least 2`, get(qtyName));
    }
    const coupon = check.flag(v, n, 'pidcoupon', get('pidcoupon'));
    check.flagAgrees(v, n, 'pidcoupon', coupon, 'pidcoupondiscountamt', amounts.pidcoupondiscountamt ?? null);
    // A description goes with its amount: required (and text) when the amount is there, text when given.
    for (const [desc, amount, because] of [
      ['manufacturermultipackdesc', 'manufacturermultipackdiscountamt', 'with a manufacturer multipack discount'],
      ['manufacturerbuydowndesc', 'manufacturerbuydownamt', 'with a manufacturer buydown'],
      ['manufacturerpromodesc', 'manufacturerdiscountamt', 'with a manufacturer (loyalty) discount'],
      ['acctpromoname', 'acctdiscountamt', 'with an account discount'],
      ['coupondesc', 'pidcoupondiscountamt', 'with a coupon discount'],
    ] as const) {
      if (has(amount) || get(desc).trim() !== '') check.description(v, n, desc, get(desc), because);
    }
    if (has('manufacturerdiscountamt') && get('accountloyaltyidnumber').trim() === '') {
      v.add(n, 'accountloyaltyidnumber', 'loyalty-id-missing', 'a loyalty discount row must carry the loyalty id');
    }
  }
  if (n === 0) v.add(1, null, 'header', 'the file is empty; the first row must be the header');
  return v.report(RJR_FORMAT, rows, week);
}

/**
 * The RJR weekly scan-data file.
 *
 * @example
 * const file = rjrFormat.fileName(account, { date: '2026-12-07', time: '09:30' }); // '700123_20261207_0930_Main_St_Fuels.txt'
 * await rjrFormat.write({ account, week: weekContaining('2026-12-02', 'monday'), outlet, rows: () => priced, options: formatOptions(rjrFormat) }, createWriteStream(file));
 * const report = await rjrFormat.validate(fileLines(file), { accountNumber: account.accountNumber });
 */
export const rjrFormat = defineFormat({
  id: RJR_FORMAT,
  description: 'R.J. Reynolds weekly scan data (MSA): header + 34 pipe-delimited fields, Monday–Sunday, one file per account, per-unit amounts',
  manufacturer: 'rjr',
  weekStart: 'monday',
  options: RjrOptions,
  passes: 1,
  fileName: (account, generatedAt) =>
    `${fileNamePart(account.accountNumber)}_${generatedAt.date.replace(/-/g, '')}_${generatedAt.time.replace(':', '').slice(0, 4)}_${fileNamePart(account.retailerName)}.txt`,
  async write(job, out): Promise<WriteSummary> {
    const sink = new LineSink(out);
    await sink.line(RJR_FIELDS.join('|'));
    const summary: WriteSummary = { rows: 0, quantity: 0, finalSalesCents: 0, outsideWeek: 0 };
    let basket: string | null = null;
    let scanId = 0;
    for await (const row of job.rows()) {
      if (!inWeek(job.week, row.line.localDate)) {
        summary.outsideWeek++;
        continue;
      }
      const outlet = job.outlet(row.line.locationId);
      if (!outlet) throw new ScanDataWriteError(`no outlet of account ${job.account.accountNumber} for location ${row.line.locationId}`);
      const key = basketKey(row.line);
      scanId = key === basket ? scanId + 1 : 1;
      basket = key;
      await sink.line(rjrRow(row, outlet, scanId, job.options.dateSeparator).join('|'));
      summary.rows++;
      summary.quantity += row.quantity;
      summary.finalSalesCents += row.quantity * row.finalUnitPriceCents;
    }
    await sink.flush();
    return summary;
  },
  validate: validateRjr,
});
