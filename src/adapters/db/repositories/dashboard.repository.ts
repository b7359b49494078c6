import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { LocalDay } from '../../../domain/local-days.ts';
import type { Database } from '../schema.ts';

/**
 * Aggregates for the back-office dashboard, computed by the database on both engines. Rows are
 * summed per UTC hour of their ISO-8601 timestamp (`substr(created_at, 1, 13)`, the same text on
 * SQLite and PostgreSQL, no time-zone functions needed) — split at the zone's minute offset for
 * zones like Asia/Kolkata — and the hour sums are then added into the caller's local days: every
 * local day starts on such a boundary, so each bucket lies in exactly one day. One pass over the
 * range, a few thousand groups at most, whatever the number of days.
 */

/** The minute past the UTC hour at which the range's local days start (0 for whole-hour zones); null when it varies. */
function splitMinute(days: readonly LocalDay[]): number | null {
  const minutes = new Set([...days.map((d) => d.start), days[days.length - 1]!.end].map((iso) => new Date(iso).getUTCMinutes()));
  return minutes.size === 1 ? [...minutes][0]! : null;
}

/** The grouping columns: the UTC hour, and whether the row is past the split minute. */
function hourBuckets(column: string, minute: number) {
  const hour = sql<string>`substr(${sql.ref(column)}, 1, 13)`;
  const late =
    minute === 0 ? sql<number>`0` : sql<number>`case when substr(${sql.ref(column)}, 15, 2) >= ${sql.lit(String(minute).padStart(2, '0'))} then 1 else 0 end`;
  return { hour, late };
}

/** Adds hour buckets into the local days they fall in; days without rows stay at zero. */
function foldIntoDays<R extends { hour: string; late: unknown }, T>(
  rows: R[],
  days: readonly LocalDay[],
  minute: number,
  zero: (day: string) => T,
  add: (into: T, row: R) => void,
): T[] {
  const out = days.map((d) => zero(d.day));
  const ends = days.map((d) => d.end);
  for (const r of rows) {
    const at = `${r.hour}:${Number(r.late) === 1 ? String(minute).padStart(2, '0') : '00'}:00.000Z`;
    // the first day whose end is after the bucket's start (binary search over sorted ends)
    let lo = 0;
    let hi = ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! > at) hi = mid;
      else lo = mid + 1;
    }
    if (ends[lo]! > at && at >= days[0]!.start) add(out[lo]!, r);
  }
  return out;
}

/** `case when at < end₁ then day₁ … end`: per-row day mapping for a range whose day starts vary in minutes (historical zone changes). */
function dayOf(column: string, days: readonly LocalDay[]): RawBuilder<string> {
  const branches = days.map((d) => sql`when ${sql.ref(column)} < ${d.end} then ${d.day}`);
  return sql<string>`case ${sql.join(branches, sql` `)} end`;
}

/** The grouping of a per-day aggregate: hour buckets (fast), or the per-row CASE when the zone's minute offset changes in the range. */
function grouping(column: string, days: readonly LocalDay[]) {
  const minute = splitMinute(days);
  if (minute === null) {
    // Every row is mapped to its day directly; "hour" carries the day and the fold is the identity.
    return { minute: 0, hour: dayOf(column, days), late: sql<number>`0`, byDay: true as const };
  }
  return { minute, ...hourBuckets(column, minute), byDay: false as const };
}

function fold<R extends { hour: string; late: unknown }, T>(
  g: ReturnType<typeof grouping>,
  rows: R[],
  days: readonly LocalDay[],
  zero: (day: string) => T,
  add: (into: T, row: R) => void,
): T[] {
  if (!g.byDay) return foldIntoDays(rows, days, g.minute, zero, add);
  const out = days.map((d) => zero(d.day));
  const index = new Map(days.map((d, i) => [d.day, i]));
  for (const r of rows) {
    const i = index.get(r.hour);
    if (i !== undefined) add(out[i]!, r);
  }
  return out;
}

const num = (v: unknown): number => Number(v ?? 0);

export interface PointsDay {
  day: string;
  earned: number;
  redeemed: number;
  /** net manual adjustments (signed) */
  adjusted: number;
  expired: number;
  /** earns taken back by voids and refunds (positive) */
  reversedEarn: number;
  /** redemptions given back by voids and refunds (positive) */
  returnedRedeem: number;
}

/** Points moved per local day, by ledger kind. Days without entries are present with zeros. */
export async function pointsPerDay(db: Kysely<Database>, programId: string, days: readonly LocalDay[]): Promise<PointsDay[]> {
  if (days.length === 0) return [];
  const g = grouping('created_at', days);
  const sumOf = (kind: string) => sql<number>`coalesce(sum(case when kind = ${kind} then points else 0 end), 0)`;
  const rows = await db
    .selectFrom('points_ledger')
    .select([
      g.hour.as('hour'),
      g.late.as('late'),
      sumOf('EARN').as('earned'),
      sumOf('REDEEM').as('redeemed'),
      sumOf('ADJUST').as('adjusted'),
      sumOf('EXPIRE').as('expired'),
      sumOf('VOID_EARN').as('void_earn'),
      sumOf('VOID_REDEEM').as('void_redeem'),
    ])
    .where('program_id', '=', programId)
    .where('created_at', '>=', days[0]!.start)
    .where('created_at', '<', days[days.length - 1]!.end)
    .groupBy([sql`1`, sql`2`]) // positional: PostgreSQL cannot match a parameterised expression twice
    .execute();
  return fold(
    g,
    rows,
    days,
    (day): PointsDay => ({ day, earned: 0, redeemed: 0, adjusted: 0, expired: 0, reversedEarn: 0, returnedRedeem: 0 }),
    (d, r) => {
      d.earned += num(r.earned);
      d.redeemed -= num(r.redeemed);
      d.adjusted += num(r.adjusted);
      d.expired -= num(r.expired);
      d.reversedEarn -= num(r.void_earn);
      d.returnedRedeem += num(r.void_redeem);
    },
  );
}

export interface SalesDay {
  day: string;
  /** sales a guest was identified in or claimed afterwards by receipt code */
  claimed: number;
  /** sales closed without a guest and not claimed (yet) */
  unclaimed: number;
  voided: number;
  claimedCents: number;
  unclaimedCents: number;
}

/** Closed sales per local day of the sale, by their status now. */
export async function salesPerDay(db: Kysely<Database>, programId: string, days: readonly LocalDay[]): Promise<SalesDay[]> {
  if (days.length === 0) return [];
  const g = grouping('created_at', days);
  const count = (status: string) => sql<number>`coalesce(sum(case when status = ${status} then 1 else 0 end), 0)`;
  const cents = (status: string) => sql<number>`coalesce(sum(case when status = ${status} then subtotal_cents else 0 end), 0)`;
  const rows = await db
    .selectFrom('loyalty_transactions')
    .select([
      g.hour.as('hour'),
      g.late.as('late'),
      count('CLAIMED').as('claimed'),
      count('UNCLAIMED').as('unclaimed'),
      count('VOIDED').as('voided'),
      cents('CLAIMED').as('claimed_cents'),
      cents('UNCLAIMED').as('unclaimed_cents'),
    ])
    .where('program_id', '=', programId)
    .where('status', 'in', ['CLAIMED', 'UNCLAIMED', 'VOIDED'])
    .where('created_at', '>=', days[0]!.start)
    .where('created_at', '<', days[days.length - 1]!.end)
    .groupBy([sql`1`, sql`2`])
    .execute();
  return fold(
    g,
    rows,
    days,
    (day): SalesDay => ({ day, claimed: 0, unclaimed: 0, voided: 0, claimedCents: 0, unclaimedCents: 0 }),
    (d, r) => {
      d.claimed += num(r.claimed);
      d.unclaimed += num(r.unclaimed);
      d.voided += num(r.voided);
      d.claimedCents += num(r.claimed_cents);
      d.unclaimedCents += num(r.unclaimed_cents);
    },
  );
}

export interface TopReward {
  incentiveId: string;
  name: string;
  kind: 'REWARD' | 'OFFER';
  /** items redeemed (quantity), net of what refunds gave back */
  redeemed: number;
  /** sales it was redeemed in */
  sales: number;
  points: number;
}

/** Incentives by how many were redeemed in [start, end), voided redemptions excluded. */
export async function topRewards(db: Kysely<Database>, programId: string, start: string, end: string, limit: number): Promise<TopReward[]> {
  const redeemed = sql<number>`sum(r.quantity - r.returned_quantity)`;
  const rows = await db
    .selectFrom('redemptions as r')
    .innerJoin('incentives as i', 'i.id', 'r.incentive_id')
    .select(['r.incentive_id', 'i.name', 'i.kind', redeemed.as('redeemed'), sql<number>`count(*)`.as('sales'), sql<number>`sum(r.points)`.as('points')])
    .where('r.program_id', '=', programId)
    .where('r.voided_at', 'is', null)
    .where('r.created_at', '>=', start)
    .where('r.created_at', '<', end)
    .groupBy(['r.incentive_id', 'i.name', 'i.kind'])
    .orderBy(redeemed, 'desc')
    .orderBy('i.name')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ incentiveId: r.incentive_id, name: r.name, kind: r.kind, redeemed: num(r.redeemed), sales: num(r.sales), points: num(r.points) }));
}

export interface PendingAtLocation {
  locationId: string;
  name: string;
  add: number;
  modify: number;
  end: number;
  total: number;
  oldestAt: string;
}

/** Manufacturer promotion changes waiting for review, per c-store location, most first. */
export async function pendingPromotionsByLocation(db: Kysely<Database>, programId: string): Promise<PendingAtLocation[]> {
  const kind = (k: string) => sql<number>`sum(case when c.kind = ${k} then 1 else 0 end)`;
  const rows = await db
    .selectFrom('promotion_changes as c')
    .innerJoin('locations as l', 'l.id', 'c.location_id')
    .select([
      'c.location_id',
      'l.name',
      kind('add').as('adds'),
      kind('modify').as('modifies'),
      kind('end').as('ends'),
      sql<number>`count(*)`.as('total'),
      sql<string>`min(c.created_at)`.as('oldest_at'),
    ])
    .where('c.program_id', '=', programId)
    .where('c.status', '=', 'pending')
    .groupBy(['c.location_id', 'l.name'])
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('l.name')
    .execute();
  return rows.map((r) => ({
    locationId: r.location_id,
    name: r.name,
    add: num(r.adds),
    modify: num(r.modifies),
    end: num(r.ends),
    total: num(r.total),
    oldestAt: r.oldest_at,
  }));
}

export interface SyncFailuresAtLocation {
  locationId: string;
  name: string;
  failures: number;
  lastAt: string;
  lastErrorCode: string | null;
  lastError: string | null;
}

/** Failed manufacturer sync runs since `since`, per location, with the latest failure's reason. */
export async function syncFailuresSince(db: Kysely<Database>, programId: string, since: string, until: string): Promise<SyncFailuresAtLocation[]> {
  const rows = await db
    .selectFrom('sync_runs as r')
    .innerJoin('locations as l', 'l.id', 'r.location_id')
    .select(['r.location_id', 'l.name', sql<number>`count(*)`.as('failures'), sql<string>`max(r.started_at)`.as('last_at')])
    .where('r.program_id', '=', programId)
    .where('r.status', '=', 'failed')
    .where('r.started_at', '>=', since)
    .where('r.started_at', '<=', until)
    .groupBy(['r.location_id', 'l.name'])
    .orderBy(sql`max(r.started_at)`, 'desc')
    .execute();
  if (rows.length === 0) return [];
  const latest = await db
    .selectFrom('sync_runs')
    .select(['location_id', 'started_at', 'error_code', 'error'])
    .where('program_id', '=', programId)
    .where('status', '=', 'failed')
    .where('started_at', '>=', since)
    .where('started_at', '<=', until)
    .where(
      'started_at',
      'in',
      rows.map((r) => r.last_at),
    )
    .execute();
  return rows.map((r) => {
    const last = latest.find((l) => l.location_id === r.location_id && l.started_at === r.last_at);
    return {
      locationId: r.location_id,
      name: r.name,
      failures: num(r.failures),
      lastAt: r.last_at,
      lastErrorCode: last?.error_code ?? null,
      lastError: last?.error ?? null,
    };
  });
}

/** The time zone most of the program's stores use (ties: alphabetical); null without stores. */
export async function commonStoreTimeZone(db: Kysely<Database>, programId: string): Promise<string | null> {
  const row = await db
    .selectFrom('stores')
    .select(['time_zone', sql<number>`count(*)`.as('n')])
    .where('program_id', '=', programId)
    .groupBy('time_zone')
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('time_zone')
    .executeTakeFirst();
  return row?.time_zone ?? null;
}
