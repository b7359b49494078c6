/**
 * Calendar arithmetic on store-local dates (`YYYY-MM-DD`). Pure: no clock, no time zone — the
 * dates are already the store's wall-clock dates.
 */

export const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
export type DayName = (typeof DAY_NAMES)[number];

export const PERIODS = ['day', 'week', 'month', 'year', 'lifetime'] as const;
/** A counting window; weeks start on Monday (ISO 8601). */
export type Period = (typeof PERIODS)[number];

const DAY_MS = 86_400_000;

function toUtc(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  return fromUtc(toUtc(text)) === text;
}

export function addDays(date: string, days: number): string {
  return fromUtc(toUtc(date) + days * DAY_MS);
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toUtc(b) - toUtc(a)) / DAY_MS);
}

/**
 * First date of the period that contains `date`; '0000-01-01' for `lifetime`.
 * @example periodStart('2026-11-25', 'week') === '2026-11-23' // a Monday
 */
export function periodStart(date: string, period: Period): string {
  // Rules ask this for every incentive of every evaluation, almost always for the same day: keep
  // the last answer per period (comparing the same string object is a pointer check). One
  // variable per period, not an object indexed by period: a lookup by varying key is slow in V8.
  let hit: LastStart | null;
  switch (period) {
    case 'day':
      return date;
    case 'lifetime':
      return LIFETIME_START;
    case 'week':
      hit = lastWeek;
      break;
    case 'month':
      hit = lastMonth;
      break;
    case 'year':
      hit = lastYear;
      break;
  }
  if (hit !== null && hit.date === date) return hit.start;
  const start = computePeriodStart(date, period);
  const entry = { date, start };
  if (period === 'week') lastWeek = entry;
  else if (period === 'month') lastMonth = entry;
  else lastYear = entry;
  return start;
}

interface LastStart {
  date: string;
  start: string;
}
let lastWeek: LastStart | null = null;
let lastMonth: LastStart | null = null;
let lastYear: LastStart | null = null;
const LIFETIME_START = '0000-01-01';

function computePeriodStart(date: string, period: Period): string {
  switch (period) {
    case 'day':
      return date;
    case 'week': {
      const dow = new Date(toUtc(date)).getUTCDay();
      return addDays(date, -((dow + 6) % 7));
    }
    case 'month':
      return `${date.slice(0, 7)}-01`;
    case 'year':
      return `${date.slice(0, 4)}-01-01`;
    case 'lifetime':
      return LIFETIME_START;
  }
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * The guest's birthday in `year`; 29 February falls on 28 February in other years.
 * @example birthdayIn('2000-02-29', 2026) === '2026-02-28'
 */
export function birthdayIn(birthdate: string, year: number): string {
  let md = birthdate.slice(5);
  if (md === '02-29' && !isLeap(year)) md = '02-28';
  return `${String(year).padStart(4, '0')}-${md}`;
}

/** Minutes since midnight of an `HH:MM` time. */
export function minutesOf(time: string): number {
  // Digit arithmetic: every time-span check calls this, twice per rule.
  return (time.charCodeAt(0) - 48) * 600 + (time.charCodeAt(1) - 48) * 60 + (time.charCodeAt(3) - 48) * 10 + (time.charCodeAt(4) - 48);
}
