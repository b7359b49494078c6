import { describe, expect, it } from 'vitest';
import { birthdateProblem } from '../../src/domain/birthdate.ts';

describe('birthdateProblem', () => {
  const today = '2026-11-25';
  it('accepts calendar dates from 1900-01-01 up to today, 29 February in leap years', () => {
    for (const d of ['1900-01-01', '1990-11-27', '2000-02-29', '2026-11-25']) expect(birthdateProblem(d, today), d).toBeNull();
  });
  it('refuses other shapes, impossible dates, dates before 1900 and the future', () => {
    for (const d of ['1990-1-1', '19901127', '27.11.1990', '1990-11-27T00:00:00Z', '', '1990-02-30', '1990-13-01', '1990-00-10', '1900-02-29', '2001-02-29'])
      expect(birthdateProblem(d, today), d).toBe('must be a calendar date YYYY-MM-DD');
    expect(birthdateProblem('1899-12-31', today)).toBe('must not be before 1900-01-01');
    expect(birthdateProblem('2026-11-26', today)).toBe('must not be in the future');
    expect(birthdateProblem(19901127, today)).toBe('must be a calendar date YYYY-MM-DD');
    expect(birthdateProblem(null, today)).toBe('must be a calendar date YYYY-MM-DD');
  });
});
