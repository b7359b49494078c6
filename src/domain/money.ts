/**
 * Money is integer minor units (cents). POS vendors send prices as major units, either as
 * strings ("5.00") or JSON numbers (5, 5.5); both are parsed exactly, never through float maths.
 */

export type Cents = number;

/** Digits after the decimal point per ISO-4217 currency; 2 unless listed. */
const MINOR_DIGITS: Record<string, number> = { JPY: 0, KRW: 0, CLP: 0, BHD: 3, KWD: 3, OMR: 3, TND: 3 };

export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency.toUpperCase()] ?? 2;
}

const DECIMAL = /^(-)?(\d{1,12})(?:\.(\d{1,6}))?$/;

/** A price that cannot be read exactly; `field` is filled in by the adapter that knows the path. */
export class MoneyFormatError extends Error {
  constructor(
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * Parses a major-unit amount into minor units.
 * @example parseMajor("5.00") === 500; parseMajor(5.5) === 550; parseMajor("0.1", 3) === 100
 */
export function parseMajor(value: string | number, digits = 2): Cents {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new MoneyFormatError(value, 'must be a finite number');
    // A JSON number like 4.35 is 4.3499999… in binary; its shortest decimal form is exact.
    text = String(value);
    if (/e/i.test(text)) throw new MoneyFormatError(value, 'must be a plain decimal amount');
  } else {
    text = value.trim();
  }
  const m = DECIMAL.exec(text);
  if (!m) throw new MoneyFormatError(value, 'must be a decimal amount like "5.00"');
  const [, sign, whole, frac = ''] = m;
  if (frac.length > digits && /[1-9]/.test(frac.slice(digits))) {
    throw new MoneyFormatError(value, `has more than ${digits} decimal places`);
  }
  const minor = Number(whole) * 10 ** digits + Number((frac + '0'.repeat(digits)).slice(0, digits) || '0');
  return sign ? -minor : minor;
}

/** Formats minor units as a major-unit string: 550 → "5.50". */
export function formatMajor(cents: Cents, digits = 2): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  if (digits === 0) return sign + String(abs);
  const s = String(abs).padStart(digits + 1, '0');
  return `${sign}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}
