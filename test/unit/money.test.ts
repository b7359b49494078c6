import { describe, expect, it } from 'vitest';
import { formatMajor, MoneyFormatError, parseMajor } from '../../src/domain/money.ts';

describe('money', () => {
  it.each([
    ['5.00', 500],
    ['5', 500],
    ['0.1', 10],
    ['12.34', 1234],
    [5, 500],
    [5.5, 550],
    [4.35, 435],
    [0.29, 29],
    [1.005e2, 10050],
    ['5.000', 500],
  ])('reads %j exactly as %i minor units', (input, cents) => {
    expect(parseMajor(input)).toBe(cents);
  });

  it('never goes through float maths: 0.1 + 0.2 style values are exact', () => {
    expect(parseMajor('0.07') * 3).toBe(21);
    expect(parseMajor(19.99)).toBe(1999);
  });

  it.each(['5.001', 'abc', '', '1e3', 'NaN', '5,00', '--1'])('refuses %j', (input) => {
    expect(() => parseMajor(input)).toThrow(MoneyFormatError);
  });

  it('refuses non-finite numbers and exponent notation', () => {
    expect(() => parseMajor(Number.POSITIVE_INFINITY)).toThrow(MoneyFormatError);
    expect(() => parseMajor(1e21)).toThrow(MoneyFormatError);
  });

  it('honours currencies without minor units', () => {
    expect(parseMajor('500', 0)).toBe(500);
    expect(() => parseMajor('5.5', 0)).toThrow(MoneyFormatError);
  });

  it('formats minor units back', () => {
    expect(formatMajor(550)).toBe('5.50');
    expect(formatMajor(5)).toBe('0.05');
    expect(formatMajor(-1234)).toBe('-12.34');
  });
});
