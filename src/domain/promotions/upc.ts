/**
 * UPC-A, EAN-13 and GTIN-14 codes. Registers in US convenience stores key tobacco by 12-digit
 * UPC-A, so every code a manufacturer sends is normalized to that form or rejected with a reason.
 *
 * All GS1 codes share one check digit: from the right, skipping the check digit itself, digits
 * are weighted 3, 1, 3, 1 …; the check digit brings the sum up to a multiple of ten. Because the
 * weights run from the right, zero-padding a code (UPC-A → EAN-13 → GTIN-14) keeps its check digit.
 */

export type UpcResult = { ok: true; upc: string } | { ok: false; reason: string };

const DIGITS = /^\d+$/;

/**
 * The GS1 check digit for the digits of a code without its check digit (11 for UPC-A).
 * @example gs1CheckDigit('03600029145') === 2   // UPC-A 036000291452
 */
export function gs1CheckDigit(body: string): number {
  if (!DIGITS.test(body)) throw new RangeError('check digit body must be digits');
  let sum = 0;
  for (let i = body.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (body.charCodeAt(i) - 48) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** Appends the check digit to 11 UPC-A digits. @example upcA('03600029145') === '036000291452' */
export function upcA(first11: string): string {
  if (first11.length !== 11 || !DIGITS.test(first11)) throw new RangeError('a UPC-A body is 11 digits');
  return first11 + String(gs1CheckDigit(first11));
}

/** True for 12 digits whose last is the right check digit. */
export function isValidUpcA(code: string): boolean {
  return code.length === 12 && DIGITS.test(code) && gs1CheckDigit(code.slice(0, 11)) === code.charCodeAt(11) - 48;
}

/**
 * Reads a UPC-A, EAN-13 or GTIN-14 and returns its 12-digit UPC-A form.
 * EAN-13 and GTIN-14 are accepted when they are zero-padded UPC-As; anything else (a non-US EAN,
 * a GTIN-14 with a packaging indicator, 8-digit UPC-E/EAN-8) is rejected with the reason.
 * @example normalizeUpc('0036000291452') → { ok: true, upc: '036000291452' }
 */
export function normalizeUpc(input: unknown): UpcResult {
  if (typeof input !== 'string') return { ok: false, reason: 'must be a string of digits' };
  const code = input.trim();
  if (code === '') return { ok: false, reason: 'is empty' };
  if (!DIGITS.test(code)) return { ok: false, reason: 'must contain digits only' };
  const kind = code.length === 12 ? 'UPC-A' : code.length === 13 ? 'EAN-13' : code.length === 14 ? 'GTIN-14' : null;
  if (!kind) {
    const hint = code.length === 8 ? ' (UPC-E/EAN-8 are not accepted)' : code.length === 11 ? ' (the check digit is missing)' : '';
    return { ok: false, reason: `has ${code.length} digits; expected 12 (UPC-A), 13 (EAN-13) or 14 (GTIN-14)${hint}` };
  }
  const expected = gs1CheckDigit(code.slice(0, -1));
  const given = code.charCodeAt(code.length - 1) - 48;
  if (expected !== given) return { ok: false, reason: `${kind} check digit is ${given}, expected ${expected}` };
  const padding = code.slice(0, code.length - 12);
  if (/[^0]/.test(padding)) {
    return {
      ok: false,
      reason:
        kind === 'EAN-13'
          ? 'EAN-13 outside the US/Canada range (leading digit not 0) has no UPC-A form'
          : 'GTIN-14 with a packaging indicator or non-US prefix has no UPC-A form',
    };
  }
  return { ok: true, upc: code.slice(-12) };
}
