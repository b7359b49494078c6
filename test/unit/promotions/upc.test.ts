import { describe, expect, it } from 'vitest';
import { gs1CheckDigit, isValidUpcA, normalizeUpc, upcA } from '../../../src/domain/promotions/upc.ts';

describe('UPC-A check digit', () => {
  it('computes the check digit of known codes', () => {
    expect(gs1CheckDigit('03600029145')).toBe(2);
    expect(upcA('03600029145')).toBe('036000291452');
    expect(gs1CheckDigit('400638133393')).toBe(1); // EAN-13 4006381333931
  });

  it('verifies 12-digit codes', () => {
    expect(isValidUpcA('036000291452')).toBe(true);
    expect(isValidUpcA('036000291453')).toBe(false);
    expect(isValidUpcA('03600029145')).toBe(false);
    expect(isValidUpcA('03600029145a')).toBe(false);
  });

  it('refuses to compute from anything but 11 digits', () => {
    expect(() => upcA('123')).toThrow(RangeError);
    expect(() => gs1CheckDigit('12a')).toThrow(RangeError);
  });
});

describe('normalizeUpc', () => {
  it('keeps a valid UPC-A as it is (trimmed)', () => {
    expect(normalizeUpc(' 036000291452 ')).toEqual({ ok: true, upc: '036000291452' });
  });

  it('turns a zero-padded EAN-13 and GTIN-14 into the UPC-A', () => {
    expect(normalizeUpc('0036000291452')).toEqual({ ok: true, upc: '036000291452' });
    expect(normalizeUpc('00036000291452')).toEqual({ ok: true, upc: '036000291452' });
  });

  it('rejects a wrong check digit, naming the right one', () => {
    expect(normalizeUpc('036000291453')).toEqual({ ok: false, reason: 'UPC-A check digit is 3, expected 2' });
    expect(normalizeUpc('0036000291459')).toEqual({ ok: false, reason: 'EAN-13 check digit is 9, expected 2' });
  });

  it('rejects an EAN-13 outside the US range and a GTIN-14 with a packaging indicator', () => {
    const ean = normalizeUpc('4006381333931');
    expect(ean.ok).toBe(false);
    expect(!ean.ok && ean.reason).toMatch(/no UPC-A form/);
    const gtin = normalizeUpc('1' + '0036000291452'.slice(0, 12) + String(gs1CheckDigit('1' + '0036000291452'.slice(0, 12))));
    expect(gtin.ok).toBe(false);
    expect(!gtin.ok && gtin.reason).toMatch(/GTIN-14/);
  });

  it.each([
    [12345678906, 'must be a string of digits'],
    ['', 'is empty'],
    ['03600029145X', 'must contain digits only'],
    ['03600029145', 'has 11 digits; expected 12 (UPC-A), 13 (EAN-13) or 14 (GTIN-14) (the check digit is missing)'],
    ['01234565', 'has 8 digits; expected 12 (UPC-A), 13 (EAN-13) or 14 (GTIN-14) (UPC-E/EAN-8 are not accepted)'],
  ])('rejects %j: %s', (input, reason) => {
    expect(normalizeUpc(input)).toEqual({ ok: false, reason });
  });
});
