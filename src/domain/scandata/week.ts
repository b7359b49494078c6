import { addDays, isDate } from '../calendar.ts';

/**
 * Scan-data weeks. RJR reports Monday–Sunday, Altria Sunday–Saturday; a week is named by any of
 * its dates and is a pair of store-local dates, inclusive.
 */
export type WeekStart = 'monday' | 'sunday';

export interface ScanWeek {
  /** first day, YYYY-MM-DD */
  start: string;
  /** last day, YYYY-MM-DD (Sunday for RJR, Saturday — Altria's WeekEndDate — for Altria) */
  end: string;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/**
 * The week that contains `date`.
 * @example weekContaining('2026-12-02', 'monday') // { start: '2026-11-30', end: '2026-12-06' }
 * weekContaining('2026-12-02', 'sunday') // { start: '2026-11-29', end: '2026-12-05' }
 */
export function weekContaining(date: string, start: WeekStart): ScanWeek {
  if (!isDate(date)) throw new RangeError(`"${date}" is not a date YYYY-MM-DD`);
  const back = start === 'monday' ? (weekday(date) + 6) % 7 : weekday(date);
  const first = addDays(date, -back);
  return { start: first, end: addDays(first, 6) };
}

export function inWeek(week: ScanWeek, date: string): boolean {
  return week.start <= date && date <= week.end;
}
