import { describe, expect, it } from 'vitest';
import { localDays, startOfLocalDay } from '../../src/domain/local-days.ts';

describe('local days as UTC intervals', () => {
  it('starts a day at the zone’s midnight, daylight saving included', () => {
    expect(startOfLocalDay('2026-11-25', 'America/New_York').toISOString()).toBe('2026-11-25T05:00:00.000Z');
    expect(startOfLocalDay('2026-07-01', 'America/New_York').toISOString()).toBe('2026-07-01T04:00:00.000Z');
    expect(startOfLocalDay('2026-03-29', 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfLocalDay('2026-11-25', 'UTC').toISOString()).toBe('2026-11-25T00:00:00.000Z');
    expect(startOfLocalDay('2026-11-25', 'Asia/Kathmandu').toISOString()).toBe('2026-11-24T18:15:00.000Z');
  });

  it('starts a day whose midnight is skipped at its first minute', () => {
    // Santiago moves its clocks from 00:00 to 01:00 on the first Sunday of September.
    expect(startOfLocalDay('2026-09-06', 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('tiles a range without gaps: a 23-hour and a 25-hour day in New York', () => {
    const spring = localDays('2026-03-07', '2026-03-09', 'America/New_York');
    expect(spring.map((d) => d.day)).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
    expect(spring.map((d) => (Date.parse(d.end) - Date.parse(d.start)) / 3_600_000)).toEqual([24, 23, 24]);
    const fall = localDays('2026-11-01', '2026-11-01', 'America/New_York');
    expect((Date.parse(fall[0]!.end) - Date.parse(fall[0]!.start)) / 3_600_000).toBe(25);
    for (let i = 1; i < spring.length; i++) expect(spring[i]!.start).toBe(spring[i - 1]!.end);
  });
});
