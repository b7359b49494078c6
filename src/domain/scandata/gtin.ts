import { gs1CheckDigit } from '../promotions/upc.ts';

/**
 * The product codes a scan-data row may carry: UPC-A (12), UPC-E (8, zero-suppressed) and EAN-13,
 * each with a valid GS1 check digit. UPC-E is checked through its UPC-A expansion.
 */

/** The UPC-A form of an 8-digit UPC-E (number system 0 or 1), or null when it has none. */
export function expandUpcE(code: string): string | null {
  if (!/^[01]\d{7}$/.test(code)) return null;
  const ns = code[0]!;
  const d = code.slice(1, 7);
  const last = d[5]!;
  let body: string;
  if (last <= '2') body = `${d.slice(0, 2)}${last}0000${d.slice(2, 5)}`;
  else if (last === '3') body = `${d.slice(0, 3)}00000${d.slice(3, 5)}`;
  else if (last === '4') body = `${d.slice(0, 4)}00000${d[4]}`;
  else body = `${d.slice(0, 5)}0000${last}`;
  return `${ns}${body}${code[7]}`;
}

export type GtinKind = 'UPC-A' | 'UPC-E' | 'EAN-13';

/** What is wrong with a code, or null when it is a UPC-A, UPC-E or EAN-13 with a right check digit. */
export function gtinProblem(code: string): string | null {
  if (!/^\d+$/.test(code)) return 'must be digits';
  if (code.length === 8) {
    const a = expandUpcE(code);
    if (!a) return 'UPC-E must start with 0 or 1';
    return gs1CheckDigit(a.slice(0, 11)) === Number(a[11]) ? null : `UPC-E check digit is ${code[7]}, expected ${gs1CheckDigit(a.slice(0, 11))}`;
  }
  if (code.length !== 12 && code.length !== 13) return `has ${code.length} digits; expected 12 (UPC-A), 8 (UPC-E) or 13 (EAN-13)`;
  const expected = gs1CheckDigit(code.slice(0, -1));
  return expected === Number(code.at(-1)) ? null : `${code.length === 12 ? 'UPC-A' : 'EAN-13'} check digit is ${code.at(-1)}, expected ${expected}`;
}
