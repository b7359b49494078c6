import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** What the validators share: violations, reports, line reading and the field checks of both formats. */

export interface ValidateOptions {
  /** any date of the week the file must cover (YYYY-MM-DD); default: the week of its first dated row */
  week?: string;
  /** the retailer's account number; RJR: read from the file name `{account}_…` when absent */
  accountNumber?: string;
  /** RJR transactiondate separator before the time; default accepts `-` and a space */
  dateSeparator?: '-' | ' ';
  /** violations kept in the report (all are counted); default 1000 */
  maxViolations?: number;
}

/** Every violation code a validator reports (docs/scan-data.md explains each; a test keeps them in step). */
export const VIOLATION_CODES = [
  'header',
  'summary',
  'field-count',
  'blank-row',
  'required',
  'outlet-is-account',
  'po-box',
  'state',
  'zip',
  'date-format',
  'date-outside-week',
  'week-end-date',
  'quantity',
  'scanid',
  'unit-of-measure',
  'consumer-units',
  'amount-format',
  'amount-sign',
  'discount-exceeds-price',
  'flag',
  'flag-amount',
  'multipack-quantity',
  'description-missing',
  'description-numeric',
  'loyalty-id-missing',
  'upc',
  'upc-check-digit',
  'phone',
] as const;
export type ViolationCode = (typeof VIOLATION_CODES)[number];

export interface Violation {
  /** line number in the file, from 1 */
  row: number;
  /** the field's name in the format, or null for the whole row */
  field: string | null;
  /** stable code, e.g. `flag-amount`, `zip`, `upc-check-digit` */
  code: ViolationCode;
  message: string;
  /** the offending value, when there is one */
  value?: string;
}

export interface ValidationReport {
  format: string;
  /** data rows read (not the header or summary line) */
  rows: number;
  /** the week checked against */
  week: { start: string; end: string } | null;
  violationCount: number;
  /** count per code */
  byCode: Partial<Record<ViolationCode, number>>;
  /** the first `maxViolations` violations, in file order */
  violations: Violation[];
  ok: boolean;
}

/** Collects violations, keeping the first N and counting all. */
export class Violations {
  readonly kept: Violation[] = [];
  readonly byCode: Partial<Record<ViolationCode, number>> = {};
  count = 0;
  constructor(private readonly max = 1000) {}

  add(row: number, field: string | null, code: ViolationCode, message: string, value?: string): void {
    this.count++;
    this.byCode[code] = (this.byCode[code] ?? 0) + 1;
    if (this.kept.length < this.max) this.kept.push(value === undefined ? { row, field, code, message } : { row, field, code, message, value });
  }

  report(format: string, rows: number, week: { start: string; end: string } | null): ValidationReport {
    const violations = [...this.kept].sort((a, b) => a.row - b.row);
    return { format, rows, week, violationCount: this.count, byCode: this.byCode, violations, ok: this.count === 0 };
  }
}

/** A file's lines, streamed (a final empty line is not a row). */
export function fileLines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
}

/** Lines of an in-memory text (tests, small files). */
export function textLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export const US_STATES = new Set(
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP'.split(
    ' ',
  ),
);
const ZIP = /^\d{5}(-\d{4})?$/;
const PO_BOX = /\b(P\.?\s*O\.?\s*B(?:OX)?|POST\s+OFFICE\s+BOX|POB)\b/i;
const NUMERIC = /^[\s\d.,$%+-]+$/;
export const AMOUNT = /^-?\d{1,9}\.\d{2}$/;

export const check = {
  state(v: Violations, row: number, name: string, value: string): void {
    if (!/^[A-Z]{2}$/.test(value)) v.add(row, name, 'state', 'state must be two upper-case letters', value);
    else if (!US_STATES.has(value)) v.add(row, name, 'state', 'state is not a US state or territory code', value);
  },
  zip(v: Violations, row: number, name: string, value: string): void {
    if (!ZIP.test(value)) v.add(row, name, 'zip', 'ZIP must be 5 digits or ZIP+4 (12345-6789)', value);
  },
  address1(v: Violations, row: number, name: string, value: string): void {
    if (value === '') v.add(row, name, 'required', `${name} is required`);
    else if (PO_BOX.test(value)) v.add(row, name, 'po-box', `${name} must be the street address, not a PO box`, value);
  },
  required(v: Violations, row: number, name: string, value: string): boolean {
    if (value.trim() !== '') return true;
    v.add(row, name, 'required', `${name} is required`);
    return false;
  },
  /** a description that must be present and be words, not a number */
  description(v: Violations, row: number, name: string, value: string, because: string): void {
    if (value.trim() === '') v.add(row, name, 'description-missing', `${name} is required ${because}`);
    else if (NUMERIC.test(value)) v.add(row, name, 'description-numeric', `${name} must be text, not a number`, value);
  },
  /** an amount in major units with 2 decimals, or blank; returns minor units (0 for blank), null when malformed */
  amount(v: Violations, row: number, name: string, value: string, opts: { required?: boolean } = {}): number | null {
    if (value === '') {
      if (opts.required) v.add(row, name, 'required', `${name} is required`);
      return opts.required ? null : 0;
    }
    if (!AMOUNT.test(value)) {
      v.add(row, name, 'amount-format', `${name} must be an amount with 2 decimals, like 1.25`, value);
      return null;
    }
    const neg = value.startsWith('-');
    const [whole, frac] = value.replace('-', '').split('.');
    const cents = Number(whole) * 100 + Number(frac);
    return neg ? -cents : cents;
  },
  flag(v: Violations, row: number, name: string, value: string): boolean | null {
    if (value === 'Y') return true;
    if (value === 'N') return false;
    v.add(row, name, 'flag', `${name} must be Y or N`, value);
    return null;
  },
  /** Y exactly when the amount is not zero */
  flagAgrees(v: Violations, row: number, flagName: string, flag: boolean | null, amountName: string, cents: number | null): void {
    if (flag === null || cents === null) return;
    if (flag && cents === 0) v.add(row, flagName, 'flag-amount', `${flagName} is Y but ${amountName} is empty or zero`);
    if (!flag && cents !== 0) v.add(row, flagName, 'flag-amount', `${flagName} is N but ${amountName} is ${(cents / 100).toFixed(2)}`);
  },
  /** a discount amount carries the quantity's sign (negative on a void or refund row) */
  sign(v: Violations, row: number, name: string, cents: number | null, quantity: number | null): void {
    if (cents === null || quantity === null || cents === 0) return;
    if (Math.sign(cents) !== Math.sign(quantity))
      v.add(row, name, 'amount-sign', `${name} must have the sign of the quantity (negative on a void or refund)`, (cents / 100).toFixed(2));
  },
  quantity(v: Violations, row: number, name: string, value: string): number | null {
    if (!/^-?\d{1,6}$/.test(value) || Number(value) === 0) {
      v.add(row, name, 'quantity', `${name} must be a whole number other than 0 (negative for a void or refund)`, value);
      return null;
    }
    return Number(value);
  },
};

/** Counts fields of a pipe-delimited row. */
export function splitRow(line: string): string[] {
  return line.split('|');
}
