import {
  commonStoreTimeZone,
  pendingPromotionsByLocation,
  type PendingAtLocation,
  type PointsDay,
  pointsPerDay,
  type SalesDay,
  salesPerDay,
  type SyncFailuresAtLocation,
  syncFailuresSince,
  type TopReward,
  topRewards,
} from '../../adapters/db/repositories/dashboard.repository.ts';
import { findProgram } from '../../adapters/db/repositories/config.repository.ts';
import { addDays, daysBetween, isDate } from '../../domain/calendar.ts';
import type { ExpiryPolicy } from '../../domain/expiry.ts';
import { localDays } from '../../domain/local-days.ts';
import { isValidTimeZone, localTimeAt } from '../../domain/time.ts';
import { invalidField } from '../../errors.ts';
import { ExpiryService } from '../expiry.service.ts';
import { type AdminContext, assertProgramInScope, notFound } from './context.ts';

/** Longest range one dashboard request may span, in days. */
export const MAX_DASHBOARD_DAYS = 366;
/** Default range: the last 30 local days, today included. */
export const DEFAULT_DASHBOARD_DAYS = 30;
/** How far ahead "expiring points" looks. */
export const EXPIRING_HORIZON_DAYS = 30;
const SYNC_FAILURE_WINDOW_MS = 24 * 3_600_000;

export interface DashboardQuery {
  /** first local day, YYYY-MM-DD (default: 29 days before `to`) */
  from?: string;
  /** last local day, YYYY-MM-DD, inclusive (default: today in the time zone) */
  to?: string;
  /** IANA zone the days are counted in (default: the zone most of the program's stores use, else UTC) */
  timeZone?: string;
  /** how many top rewards (1–50, default 10) */
  top?: number;
}

export interface ExpiringDay {
  day: string;
  points: number;
  guests: number;
}

export interface Dashboard {
  programId: string;
  timeZone: string;
  from: string;
  to: string;
  /** the clock the figures were computed at */
  asOf: string;
  points: PointsDay[];
  sales: SalesDay[];
  totals: { earned: number; redeemed: number; claimedSales: number; unclaimedSales: number; claimedCents: number };
  topRewards: TopReward[];
  expiring: {
    policy: ExpiryPolicy;
    horizonDays: number;
    /** due already: the next run of the expiry job takes these */
    dueNow: { points: number; guests: number };
    /** by the local day the points expire, the next `horizonDays` days (days without expiry are listed with 0) */
    days: ExpiringDay[];
    total: number;
  };
  pendingPromotions: PendingAtLocation[];
  syncFailures: { since: string; total: number; locations: SyncFailuresAtLocation[] };
}

/**
 * What the program earned, spent and sold, day by day in one time zone, with what is about to
 * expire and what waits at the c-store locations. Every figure is aggregated by the database
 * (expiring points: by the expiry job's own computation, read page by page); time is the context's.
 */
export async function dashboard(ctx: AdminContext, programId: string, q: DashboardQuery): Promise<Dashboard> {
  assertProgramInScope(ctx.actor, programId);
  const program = await findProgram(ctx.db, programId);
  if (!program) throw notFound('program', programId);
  if (q.timeZone !== undefined && !isValidTimeZone(q.timeZone)) throw invalidField('timeZone', 'is not an IANA time zone (e.g. Europe/Berlin)');
  const timeZone = q.timeZone ?? (await commonStoreTimeZone(ctx.db, programId)) ?? 'UTC';
  const today = localTimeAt(ctx.now, timeZone).date;
  for (const field of ['from', 'to'] as const) {
    const v = q[field];
    if (v !== undefined && !isDate(v)) throw invalidField(field, 'must be a date YYYY-MM-DD');
  }
  const to = q.to ?? (q.from !== undefined ? minDate(addDays(q.from, DEFAULT_DASHBOARD_DAYS - 1), today) : today);
  const from = q.from ?? addDays(to, -(DEFAULT_DASHBOARD_DAYS - 1));
  if (from > to) throw invalidField('from', 'must not be after to');
  if (daysBetween(from, to) + 1 > MAX_DASHBOARD_DAYS) throw invalidField('to', `must be at most ${MAX_DASHBOARD_DAYS} days after from`);
  const top = q.top ?? 10;
  if (!Number.isInteger(top) || top < 1 || top > 50) throw invalidField('top', 'must be a whole number from 1 to 50');

  const days = localDays(from, to, timeZone);
  const start = days[0]!.start;
  const end = days[days.length - 1]!.end;
  const since = new Date(ctx.now.getTime() - SYNC_FAILURE_WINDOW_MS).toISOString();
  const [points, sales, rewards, pending, failures, expiring] = await Promise.all([
    pointsPerDay(ctx.db, programId, days),
    salesPerDay(ctx.db, programId, days),
    topRewards(ctx.db, programId, start, end, top),
    pendingPromotionsByLocation(ctx.db, programId),
    syncFailuresSince(ctx.db, programId, since, ctx.now.toISOString()),
    expiringPoints(ctx, programId, program.expiry, timeZone, today),
  ]);
  const sum = <T>(rows: T[], f: (r: T) => number) => rows.reduce((s, r) => s + f(r), 0);
  return {
    programId,
    timeZone,
    from,
    to,
    asOf: ctx.now.toISOString(),
    points,
    sales,
    totals: {
      earned: sum(points, (p) => p.earned),
      redeemed: sum(points, (p) => p.redeemed),
      claimedSales: sum(sales, (s) => s.claimed),
      unclaimedSales: sum(sales, (s) => s.unclaimed),
      claimedCents: sum(sales, (s) => s.claimedCents),
    },
    topRewards: rewards,
    expiring,
    pendingPromotions: pending,
    syncFailures: { since, total: sum(failures, (f) => f.failures), locations: failures },
  };
}

async function expiringPoints(ctx: AdminContext, programId: string, policy: ExpiryPolicy, timeZone: string, today: string): Promise<Dashboard['expiring']> {
  const horizon = localDays(addDays(today, 1), addDays(today, EXPIRING_HORIZON_DAYS), timeZone);
  const until = new Date(horizon[horizon.length - 1]!.end);
  const nowIso = ctx.now.toISOString();
  const byDay = new Map<string, { points: number; guests: Set<string> }>();
  const dueNow = { points: 0, guests: new Set<string>() };
  await new ExpiryService(ctx.db).upcoming(programId, policy, ctx.now, new Date(until.getTime() - 1), (b) => {
    if (b.expiresAt <= nowIso) {
      dueNow.points += b.points;
      dueNow.guests.add(b.guestId);
      return;
    }
    // Points expiring later today count on today's row: the first row of the chart.
    const day = b.expiresAt < horizon[0]!.start ? today : (horizon.find((d) => b.expiresAt < d.end)?.day ?? null);
    if (day === null) return;
    const slot = byDay.get(day) ?? { points: 0, guests: new Set<string>() };
    slot.points += b.points;
    slot.guests.add(b.guestId);
    byDay.set(day, slot);
  });
  const days = [today, ...horizon.map((d) => d.day)].map((day) => ({ day, points: byDay.get(day)?.points ?? 0, guests: byDay.get(day)?.guests.size ?? 0 }));
  return {
    policy,
    horizonDays: EXPIRING_HORIZON_DAYS,
    dueNow: { points: dueNow.points, guests: dueNow.guests.size },
    days,
    total: days.reduce((s, d) => s + d.points, 0),
  };
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}
