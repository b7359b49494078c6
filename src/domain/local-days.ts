import { addDays } from './calendar.ts';
import { localTimeAt } from './time.ts';

/** One wall-clock day of a time zone as the half-open UTC interval [start, end). */
export interface LocalDay {
  /** YYYY-MM-DD in the time zone */
  day: string;
  /** ISO-8601 UTC instant of the day's first moment */
  start: string;
  /** ISO-8601 UTC instant of the next day's first moment */
  end: string;
}

const MINUTE_MS = 60_000;

/** The zone's wall clock at instant `t` (to the minute), as milliseconds of the same reading in UTC. */
function wallMinuteAt(t: number, timeZone: string): number {
  const local = localTimeAt(new Date(t), timeZone);
  return Date.UTC(
    Number(local.date.slice(0, 4)),
    Number(local.date.slice(5, 7)) - 1,
    Number(local.date.slice(8, 10)),
    Number(local.time.slice(0, 2)),
    Number(local.time.slice(3, 5)),
  );
}

/**
 * The first instant of a local date in `timeZone`, daylight saving included (a day that starts at
 * 01:00 because midnight was skipped starts then). Pure: the date and zone are passed in.
 *
 * @example startOfLocalDay('2026-03-29', 'Europe/Berlin') // → 2026-03-28T23:00:00.000Z
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const target = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  let guess = target;
  // The wall clock at `guess`, as if it were UTC, minus the wanted wall clock = the zone's offset;
  // two corrections settle any offset, a third covers a transition between guesses.
  for (let i = 0; i < 3; i++) {
    const wall = wallMinuteAt(guess, timeZone);
    if (wall === target) break;
    guess -= wall - target;
  }
  // A skipped midnight lands on the previous day's evening or past the target: walk to the first
  // minute whose local date is the wanted one.
  while (localTimeAt(new Date(guess), timeZone).date < date) guess += 15 * MINUTE_MS;
  while (localTimeAt(new Date(guess - 15 * MINUTE_MS), timeZone).date === date) guess -= 15 * MINUTE_MS;
  return new Date(guess);
}

/**
 * Every local day from `from` to `to` (inclusive) as UTC intervals: what day-by-day aggregates in
 * SQL join against, so a sale counts on the day the zone's wall clock showed.
 */
export function localDays(from: string, to: string, timeZone: string): LocalDay[] {
  const days: LocalDay[] = [];
  let start = startOfLocalDay(from, timeZone).toISOString();
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const end = startOfLocalDay(addDays(day, 1), timeZone).toISOString();
    days.push({ day, start, end });
    start = end;
  }
  return days;
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The instant a store's wall clock names: `YYYY-MM-DDTHH:MM[:SS]` (no offset) read in `timeZone`.
 * Null when the text is not such a date-time. In the hour repeated when clocks go back it is the
 * first one; a time skipped when they go forward is read with the offset before the change.
 *
 * @example instantOfLocal('2026-12-02T09:04:05', 'America/Chicago') // → 2026-12-02T15:04:05.000Z
 */
export function instantOfLocal(text: string, timeZone: string): Date | null {
  const m = LOCAL_DATE_TIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0'] = m;
  const target = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(target);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const wallAt = (t: number) => wallMinuteAt(t, timeZone) + (t - Math.floor(t / MINUTE_MS) * MINUTE_MS);
  // offset at the wall time read as UTC, then once more at the corrected guess (a change between them)
  let guess = target - (wallAt(target) - target);
  const again = target - (wallAt(guess) - guess);
  if (wallAt(again) === target) guess = again;
  // the earlier of two readings in a repeated hour
  const earlier = guess - 60 * MINUTE_MS;
  if (wallAt(earlier) === target) guess = earlier;
  return new Date(guess);
}
