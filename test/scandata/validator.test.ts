import { describe, expect, it } from 'vitest';
import { ALTRIA_FIELDS, altriaFormat } from '../../src/adapters/scandata/altria.format.ts';
import { RJR_FIELDS, rjrFormat } from '../../src/adapters/scandata/rjr.format.ts';
import { textLines, type ValidateOptions } from '../../src/adapters/scandata/validation.ts';
import { expandUpcE, gtinProblem } from '../../src/domain/scandata/gtin.ts';
import { goldenRows } from './golden-week.ts';
import { writeToText } from './support.ts';

/** The golden week's file with one field of one line (1 = first line of the file) replaced. */
function mutate(lines: string[], fields: readonly string[], row: number, changes: Record<string, string>): string[] {
  return lines.map((l, i) => {
    if (i + 1 !== row) return l;
    const f = l.split('|');
    for (const [name, value] of Object.entries(changes)) f[fields.indexOf(name)] = value;
    return f.join('|');
  });
}

const OPTS: ValidateOptions = { accountNumber: '700123', week: '2026-12-01' };

describe('RJR validator', async () => {
  const good = textLines((await writeToText(rjrFormat, goldenRows())).text);
  // rows of the golden file: 2 T1 multipack+buydown, 3 T2 coupon, 4 T2 buydown, 5 T3 loyalty, 6 T4 sale, 7 T4 void, 8 T5 outlet multipack
  const fails = async (lines: string[], row: number, field: string | null, code: string, opts = OPTS) => {
    const report = await rjrFormat.validate(lines, opts);
    expect(report.ok).toBe(false);
    expect(report.violations).toContainEqual(expect.objectContaining({ row, field, code }));
  };
  const m = (row: number, changes: Record<string, string>) => mutate(good, RJR_FIELDS, row, changes);

  it('accepts the golden file', async () => {
    expect(await rjrFormat.validate(good, OPTS)).toMatchObject({ ok: true, rows: 7, week: { start: '2026-11-30', end: '2026-12-06' } });
  });
  it('needs the header row of the 34 fields in order', () => fails(['outletnumber|outletname', ...good.slice(1)], 1, 'outletname', 'header'));
  it('needs 34 fields on every row', () => fails([...good, good[1]!.split('|').slice(0, 33).join('|')], 9, null, 'field-count'));
  it('needs an outlet name', () => fails(m(2, { outletname: '' }), 2, 'outletname', 'required'));
  it('refuses the account number as outlet number', () => fails(m(2, { outletnumber: '700123' }), 2, 'outletnumber', 'outlet-is-account'));
  it('refuses a PO box as address1', () => fails(m(2, { address1: 'P.O. Box 112' }), 2, 'address1', 'po-box'));
  it('needs a two-letter upper-case state', () => fails(m(2, { state: 'nc' }), 2, 'state', 'state'));
  it('needs a ZIP of 5 digits or ZIP+4', () => fails(m(2, { zip: '2710' }), 2, 'zip', 'zip'));
  it('accepts ZIP+4', async () => expect((await rjrFormat.validate(m(2, { zip: '27101-1234' }), OPTS)).ok).toBe(true));
  it('needs transactiondate YYYY-MM-DD-HH:MM:SS', () => fails(m(2, { transactiondate: '2026/11/30 09:05' }), 2, 'transactiondate', 'date-format'));
  it('holds to the separator it is told', () => fails(good, 2, 'transactiondate', 'date-format', { ...OPTS, dateSeparator: ' ' }));
  it('needs dates inside the Monday–Sunday week', () => fails(m(3, { transactiondate: '2026-12-07-08:00:00' }), 3, 'transactiondate', 'date-outside-week'));
  it('infers the week from the first row when none is given', () =>
    fails(m(3, { transactiondate: '2026-11-29-08:00:00' }), 3, 'transactiondate', 'date-outside-week', { accountNumber: '700123' }));
  it('needs a quantity other than zero', () => fails(m(2, { quantity: '0' }), 2, 'quantity', 'quantity'));
  it('needs amounts with 2 decimals', () => fails(m(2, { price: '7.9' }), 2, 'price', 'amount-format'));
  it('refuses per-unit discounts above the unit price (a line total reported per unit)', () =>
    fails(m(2, { price: '-0.01' }), 2, 'price', 'discount-exceeds-price'));
  it('needs a negative price on a void', () => fails(m(7, { price: '8.99' }), 7, 'price', 'amount-sign'));
  it('needs discount amounts signed like the quantity', () =>
    fails(m(7, { promotionflag: 'Y', manufacturerbuydownamt: '0.50', manufacturerbuydowndesc: 'CAMEL' }), 7, 'manufacturerbuydownamt', 'amount-sign'));
  it('needs promotionflag to agree with the amounts', () => fails(m(2, { promotionflag: 'N' }), 2, 'promotionflag', 'flag-amount'));
  it('needs the multipack flag to agree with its amount', () => fails(m(2, { manufacturermultipackflag: 'N' }), 2, 'manufacturermultipackflag', 'flag-amount'));
  it('needs an outlet multipack amount when its flag is Y', () => fails(m(8, { outletmultipackdiscountamt: '' }), 8, 'outletmultipackflag', 'flag-amount'));
  it('needs a multipack quantity of at least 2', () =>
    fails(m(2, { manufacturermultipackquantity: '1' }), 2, 'manufacturermultipackquantity', 'multipack-quantity'));
  it('needs Y or N in flags', () => fails(m(3, { pidcoupon: 'X' }), 3, 'pidcoupon', 'flag'));
  it('needs the coupon flag to agree with its amount', () => fails(m(3, { pidcoupon: 'N' }), 3, 'pidcoupon', 'flag-amount'));
  it('needs a multipack description with a multipack amount', () =>
    fails(m(2, { manufacturermultipackdesc: '' }), 2, 'manufacturermultipackdesc', 'description-missing'));
  it('refuses a number as a manufacturer description', () =>
    fails(m(4, { manufacturerbuydowndesc: '0.50' }), 4, 'manufacturerbuydowndesc', 'description-numeric'));
  it('needs an item description', () => fails(m(4, { upcdescription: '' }), 4, 'upcdescription', 'description-missing'));
  it('needs the loyalty id on a loyalty discount row', () => fails(m(5, { accountloyaltyidnumber: '' }), 5, 'accountloyaltyidnumber', 'loyalty-id-missing'));
  it('needs a coupon description with a coupon amount', () => fails(m(3, { coupondesc: '' }), 3, 'coupondesc', 'description-missing'));
  it('counts every violation and keeps the first N', async () => {
    const bad = good.map((l, i) => (i === 0 ? l : mutate([l], RJR_FIELDS, 1, { state: 'nc', zip: '1' })[0]!));
    const report = await rjrFormat.validate(bad, { ...OPTS, maxViolations: 3 });
    expect(report).toMatchObject({ violationCount: 14, byCode: { state: 7, zip: 7 } });
    expect(report.violations).toHaveLength(3);
  });
});

describe('Altria validator', async () => {
  const good = textLines((await writeToText(altriaFormat, goldenRows())).text);
  const fails = async (lines: string[], row: number, field: string | null, code: string, opts = OPTS) => {
    const report = await altriaFormat.validate(lines, opts);
    expect(report.ok).toBe(false);
    expect(report.violations).toContainEqual(expect.objectContaining({ row, field, code }));
  };
  const m = (row: number, changes: Record<string, string>) => mutate(good, ALTRIA_FIELDS, row, changes);
  const summary = (text: string) => [text, ...good.slice(1)];

  it('accepts the golden file', async () => {
    expect(await altriaFormat.validate(good, OPTS)).toMatchObject({ ok: true, rows: 7, week: { start: '2026-11-29', end: '2026-12-05' } });
  });
  it('needs the summary line of 4 fields first', () => fails(summary('7|7|52.90'), 1, null, 'summary'));
  it('needs recordCount to be the number of rows', () => fails(summary('8|7|52.90|Main St Fuels LLC'), 1, 'recordCount', 'summary'));
  it('needs totalQtySold to be the sum of QtySold', () => fails(summary('7|6|52.90|Main St Fuels LLC'), 1, 'totalQtySold', 'summary'));
  it('needs totalFinalSalesPrice to be the sum of FinalSalesPrice', () => fails(summary('7|7|52.91|Main St Fuels LLC'), 1, 'totalFinalSalesPrice', 'summary'));
  it('needs a submitter name', () => fails(summary('7|7|52.90|'), 1, 'submitterName', 'required'));
  it('needs 45 fields on every row', () => fails([...good.slice(0, 2), good[2]!.split('|').slice(0, 44).join('|'), ...good.slice(3)], 3, null, 'field-count'));
  it('needs WeekEndDate to be the Saturday', () => fails(m(2, { WeekEndDate: '20261204' }), 2, 'WeekEndDate', 'week-end-date'));
  it('needs dates inside the Sunday–Saturday week', () => fails(m(3, { TransactionDate: '20261206' }), 3, 'TransactionDate', 'date-outside-week'));
  it('needs TransactionTime HH:MM:SS', () => fails(m(3, { TransactionTime: '9:05' }), 3, 'TransactionTime', 'date-format'));
  it('refuses the account number as store number', () => fails(m(2, { StoreNumber: '700123' }), 2, 'StoreNumber', 'outlet-is-account'));
  it('refuses a PO box as store address', () => fails(m(2, { StoreAddress: 'PO Box 9' }), 2, 'StoreAddress', 'po-box'));
  it('needs a two-letter state', () => fails(m(2, { StoreState: 'North Carolina' }), 2, 'StoreState', 'state'));
  it('needs a ZIP of 5 digits or ZIP+4', () => fails(m(2, { StoreZip: '271011' }), 2, 'StoreZip', 'zip'));
  it('needs UPC check digits', () => fails(m(2, { UPCCode: '012300001015' }), 2, 'UPCCode', 'upc-check-digit'));
  it('needs MultiUnitIndicator to agree with the multi-unit amount', () => fails(m(2, { MultiUnitIndicator: 'N' }), 2, 'MultiUnitIndicator', 'flag-amount'));
  it('needs a name with a coupon amount', () => fails(m(3, { CouponDiscountName: '' }), 3, 'CouponDiscountName', 'description-missing'));
  it('refuses a number as a discount name', () =>
    fails(m(4, { OtherManufacturerDiscountName: '50' }), 4, 'OtherManufacturerDiscountName', 'description-numeric'));
  it('needs the loyalty id on a loyalty discount row', () => fails(m(5, { LoyaltyIDNumber: '' }), 5, 'LoyaltyIDNumber', 'loyalty-id-missing'));
  it('needs the consumer phone cut to its last 6 digits', () =>
    fails(m(5, { AdultTobConsumerPhoneNum: '3365550199' }), 5, 'AdultTobConsumerPhoneNum', 'phone'));
  it('needs FinalSalesPrice with 2 decimals', () => fails(m(2, { FinalSalesPrice: '15.9' }), 2, 'FinalSalesPrice', 'amount-format'));
  it('refuses discounts above the price', () => fails(m(2, { FinalSalesPrice: '-1.00' }), 2, 'FinalSalesPrice', 'discount-exceeds-price'));
});

describe('UPC check digits', () => {
  it('accepts UPC-A, UPC-E and EAN-13 with their check digits and says what is wrong otherwise', () => {
    expect(gtinProblem('012300001014')).toBeNull();
    expect(gtinProblem('4006381333931')).toBeNull();
    expect(expandUpcE('04252614')).toBe('042100005264');
    expect(gtinProblem('04252614')).toBeNull();
    expect(gtinProblem('04252615')).toMatch(/UPC-E check digit is 5, expected 4/);
    expect(gtinProblem('4006381333932')).toMatch(/EAN-13/);
    expect(gtinProblem('12345')).toMatch(/5 digits/);
  });
});
