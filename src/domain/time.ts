/**
 * Store-local time. Rules about dates, times and days of the week speak the store's wall clock,
 * so the adapter turns "now" (or the POS's `x-user-datetime`) into this shape once per request.
 */
export interface LocalTime {
  /** YYYY-MM-DD in the store's time zone. */
  date: string;
  /** HH:MM (24 h) in the store's time zone. */
  time: string;
  /** 0 = Sunday … 6 = Saturday. */
  dayOfWeek: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const minuteCache = new Map<string, LocalTime>();

/** The wall-clock time at `instant` in `timeZone` (to the minute; memoized per zone and minute). */
export function localTimeAt(instant: Date, timeZone: string): LocalTime {
  const key = `${timeZone}|${Math.floor(instant.getTime() / 60_000)}`;
  const hit = minuteCache.get(key);
  if (hit) return hit;
  if (minuteCache.size > 1_000) minuteCache.clear();
  const value = computeLocalTime(instant, timeZone);
  minuteCache.set(key, value);
  return value;
}

function computeLocalTime(instant: Date, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
    dayOfWeek: WEEKDAYS.indexOf(parts.weekday ?? ''),
  };
}

const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Reads the POS's `x-user-datetime` header: the store's local date-time. Any offset is ignored on
 * purpose — the POS states what its wall clock shows. Returns null when the text is not a date-time.
 */
export function parseLocalDateTime(text: string): LocalTime | null {
  const m = LOCAL_ISO.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi] = m;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59) return null;
  return { date: `${y}-${mo}-${d}`, time: `${h}:${mi}`, dayOfWeek: day.getUTCDay() };
}

/**
 * The instant a wall clock in `timeZone` shows `date` `time` (HH:MM). A time skipped by a
 * daylight-saving jump resolves to the instant after the jump; a repeated one to its first occurrence.
 * @example instantAt('2026-12-09', '17:00', 'America/New_York').toISOString() // '2026-12-09T22:00:00.000Z'
 */
export function instantAt(date: string, time: string, timeZone: string): Date {
  const wall = (d: string, t: string) =>
    Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)), Number(t.slice(0, 2)), Number(t.slice(3, 5)));
  const target = wall(date, time);
  let at = target;
  for (let i = 0; i < 3; i++) {
    const local = localTimeAt(new Date(at), timeZone);
    const diff = target - wall(local.date, local.time);
    if (diff === 0) break;
    at += diff;
  }
  return new Date(at);
}
