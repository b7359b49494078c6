import { addDays } from '../calendar.ts';
import { instantAt } from '../time.ts';
import type { ScanWeek } from './week.ts';

/**
 * A weekly scan-data submission's life: when it is due, what its status is at a moment, and
 * whether a week looks too thin to send without a person looking first. Pure: "now" is passed in.
 */

/** When a manufacturer wants the week's file: a store-independent wall-clock deadline after the week's last day. */
export interface SubmissionDeadline {
  /** days after the week's last day */
  daysAfterWeekEnd: number;
  /** HH:MM */
  time: string;
  timeZone: string;
}

/**
 * RJR (spec): Wednesday 17:00 US Eastern after the Monday–Sunday week. Altria (**Choice**: the
 * public requirements name a weekly deadline without a time we could confirm): Tuesday 17:00 US
 * Eastern after the Sunday–Saturday week — three days, like RJR.
 */
export const SUBMISSION_DEADLINES: Readonly<Record<string, SubmissionDeadline>> = {
  rjr: { daysAfterWeekEnd: 3, time: '17:00', timeZone: 'America/New_York' },
  altria: { daysAfterWeekEnd: 3, time: '17:00', timeZone: 'America/New_York' },
};

const FALLBACK_DEADLINE: SubmissionDeadline = { daysAfterWeekEnd: 3, time: '17:00', timeZone: 'America/New_York' };

/**
 * The instant the week's file is due (ISO, UTC).
 * @example dueAt('rjr', { start: '2026-11-30', end: '2026-12-06' }) // '2026-12-09T22:00:00.000Z' (Wed 17:00 EST)
 */
export function dueAt(manufacturer: string, week: ScanWeek): string {
  const d = SUBMISSION_DEADLINES[manufacturer] ?? FALLBACK_DEADLINE;
  return instantAt(addDays(week.end, d.daysAfterWeekEnd), d.time, d.timeZone).toISOString();
}

/** What is stored about a week's newest file; `pending` when nothing was generated. */
export const SUBMISSION_STATES = ['pending', 'held', 'invalid', 'generated', 'submitted', 'rejected'] as const;
export type SubmissionState = (typeof SUBMISSION_STATES)[number];

/** What a list shows: the state, or `late` when the deadline passed and nothing was submitted. */
export const SUBMISSION_STATUSES = [...SUBMISSION_STATES, 'late'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export const DUE_SOON_MS = 24 * 3_600_000;

export interface SubmissionStanding {
  status: SubmissionStatus;
  /** the deadline passed before a file was submitted (also true for a file submitted late) */
  late: boolean;
  /** for a person: due within 24 h, or late; null otherwise */
  warning: string | null;
}

/**
 * A week's status at `now`. Not submitted and past due → `late` (the stored state stays readable
 * beside it); a submitted file keeps `submitted`, flagged late when it went after the deadline.
 */
export function submissionStanding(state: SubmissionState, due: string, now: Date, submittedAt: string | null = null): SubmissionStanding {
  const dueMs = Date.parse(due);
  if (state === 'submitted') {
    const late = submittedAt !== null && Date.parse(submittedAt) > dueMs;
    return { status: 'submitted', late, warning: late ? `submitted after the deadline ${due}` : null };
  }
  const left = dueMs - now.getTime();
  if (left < 0) return { status: 'late', late: true, warning: `late: was due ${due}` };
  return { status: state, late: false, warning: left <= DUE_SOON_MS ? `due within 24 h (${due})` : null };
}

/** The transitions an admin may make; anything else is a conflict. */
export const SUBMISSION_TRANSITIONS: Readonly<Record<'submit' | 'reject' | 'release', readonly SubmissionState[]>> = {
  submit: ['generated'],
  reject: ['submitted'],
  release: ['held'],
};

/** What the hold rule looks at. */
export interface WeekActivity {
  /** locations of the account expected in the file (licensed during the week, or listed) */
  expectedOutlets: number;
  /** of those, how many sold anything that week */
  outletsWithSales: number;
  /** POS transactions of the account's locations that week */
  transactions: number;
  /** the same count for each of the (up to) 4 weeks before, oldest first; weeks without sales count as 0 */
  trailing: readonly number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Why a week should be held for review, or null. Held when an expected outlet sold nothing (the
 * collector expects every outlet of the account), or when the week has fewer transactions than
 * `percent` % of the median of the trailing weeks that had any (0 turns that rule off; no history, no rule).
 * @example holdReason({ expectedOutlets: 2, outletsWithSales: 2, transactions: 40, trailing: [100, 90, 110, 100] }, 50)
 * // 'transactions 40 < 50 % of the trailing 4-week median 100'
 */
export function holdReason(a: WeekActivity, percent: number): string | null {
  if (a.outletsWithSales < a.expectedOutlets)
    return `outlets ${a.outletsWithSales} < ${a.expectedOutlets} expected (licensed or listed locations without sales)`;
  const history = a.trailing.filter((n) => n > 0);
  if (percent > 0 && history.length > 0) {
    const m = median(history);
    if (a.transactions * 100 < m * percent) return `transactions ${a.transactions} < ${percent} % of the trailing ${history.length}-week median ${m}`;
  }
  return null;
}
