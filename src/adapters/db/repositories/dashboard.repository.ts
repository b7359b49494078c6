import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { LocalDay } from '../../../domain/local-days.ts';
import type { Database } from '../schema.ts';

/**
 * Aggregates for the back-office dashboard, computed by the database on both engines. Days are the
 * caller's local days as UTC intervals: each row's timestamp is mapped to its day by one CASE over
 * the sorted day starts, in a single pass over the range (no per-day query, no date functions that
 * differ between SQLite and PostgreSQL).
 */

/** `case when at < end₁ then day₁ when at < end₂ then day₂ … end` for rows inside the range. */
function dayOf(column: string, days: readonly LocalDay[]): RawBuilder<string> {
  const branches = days.map((d) => sql`when ${sql.ref(column)} < ${d.end} then ${d.day}`);
  return sql<string>`case ${sql.join(branches, sql` `)} end`;
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
  const day = dayOf('created_at', days);
  const sumOf = (kind: string) => sql<number>`coalesce(sum(case when kind = ${kind} then points else 0 end), 0)`;
  const rows = await db
    .selectFrom('points_ledger')
    .select([
      day.as('day'),
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
    .groupBy(sql`1`) // the day: positional, since PostgreSQL cannot match a parameterised CASE twice
    .execute();
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return days.map(({ day: d }) => {
    const r = byDay.get(d);
    return {
      day: d,
      earned: num(r?.earned),
      redeemed: -num(r?.redeemed),
      adjusted: num(r?.adjusted),
      expired: -num(r?.expired),
      reversedEarn: -num(r?.void_earn),
      returnedRedeem: num(r?.void_redeem),
    };
  });
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
  const day = dayOf('created_at', days);
  const count = (status: string) => sql<number>`coalesce(sum(case when status = ${status} then 1 else 0 end), 0)`;
  const cents = (status: string) => sql<number>`coalesce(sum(case when status = ${status} then subtotal_cents else 0 end), 0)`;
  const rows = await db
    .selectFrom('loyalty_transactions')
    .select([day.as('day'), count('CLAIMED').as('claimed'), count('UNCLAIMED').as('unclaimed'), count('VOIDED').as('voided'), cents('CLAIMED').as('claimed_cents'), cents('UNCLAIMED').as('unclaimed_cents')])
    .where('program_id', '=', programId)
    .where('status', 'in', ['CLAIMED', 'UNCLAIMED', 'VOIDED'])
    .where('created_at', '>=', days[0]!.start)
    .where('created_at', '<', days[days.length - 1]!.end)
    .groupBy(sql`1`) // the day: positional, since PostgreSQL cannot match a parameterised CASE twice
    .execute();
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return days.map(({ day: d }) => {
    const r = byDay.get(d);
    return { day: d, claimed: num(r?.claimed), unclaimed: num(r?.unclaimed), voided: num(r?.voided), claimedCents: num(r?.claimed_cents), unclaimedCents: num(r?.unclaimed_cents) };
  });
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
    .select(['c.location_id', 'l.name', kind('add').as('adds'), kind('modify').as('modifies'), kind('end').as('ends'), sql<number>`count(*)`.as('total'), sql<string>`min(c.created_at)`.as('oldest_at')])
    .where('c.program_id', '=', programId)
    .where('c.status', '=', 'pending')
    .groupBy(['c.location_id', 'l.name'])
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('l.name')
    .execute();
  return rows.map((r) => ({ locationId: r.location_id, name: r.name, add: num(r.adds), modify: num(r.modifies), end: num(r.ends), total: num(r.total), oldestAt: r.oldest_at }));
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
    return { locationId: r.location_id, name: r.name, failures: num(r.failures), lastAt: r.last_at, lastErrorCode: last?.error_code ?? null, lastError: last?.error ?? null };
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
