import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { MAX_POINTS } from '../../../domain/limits.ts';
import { BALANCE_LIMIT_CONSTRAINT } from '../db-errors.ts';

/**
 * Money and points columns wide enough for the limits of src/domain/limits.ts (a sale up to
 * 999,999,999.99, balances up to 999,999,999,999 points): bigint on PostgreSQL (int4 overflowed at
 * 21,474,836.47). SQLite's INTEGER is already 64-bit. On both engines no balance may pass
 * MAX_POINTS: a check constraint on PostgreSQL, triggers on SQLite (which cannot add a check to an
 * existing table), both named guests_balance_max so the HTTP adapter answers PointsLimitExceeded.
 */
export const WIDE_COLUMNS: Record<string, string[]> = {
  programs: ['min_spend_cents'],
  guests: ['balance'],
  incentives: ['point_cost'],
  loyalty_transactions: ['subtotal_cents', 'points_earned', 'points_redeemed', 'reserved_points', 'earnable_points'],
  points_ledger: ['points', 'balance_after'],
  redemptions: ['points'],
  refunds: ['goods_cents', 'points_reversed', 'points_returned'],
  expiry_runs: ['points_expired'],
};

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: Kysely<unknown>): Promise<void> {
  const max = sql.lit(MAX_POINTS);
  if (isPostgres(db)) {
    for (const [table, columns] of Object.entries(WIDE_COLUMNS)) {
      await sql`alter table ${sql.table(table)} ${sql.join(columns.map((c) => sql`alter column ${sql.ref(c)} type bigint`))}`.execute(db);
    }
    await sql`alter table guests add constraint ${sql.ref(BALANCE_LIMIT_CONSTRAINT)} check (balance <= ${max})`.execute(db);
    return;
  }
  for (const when of ['insert', 'update of balance'] as const) {
    const name = sql.ref(`${BALANCE_LIMIT_CONSTRAINT}_${when === 'insert' ? 'insert' : 'update'}`);
    await sql`create trigger ${name} before ${sql.raw(when)} on guests when new.balance > ${max}
      begin select raise(abort, ${sql.lit(BALANCE_LIMIT_CONSTRAINT)}); end`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`alter table guests drop constraint ${sql.ref(BALANCE_LIMIT_CONSTRAINT)}`.execute(db);
    for (const [table, columns] of Object.entries(WIDE_COLUMNS)) {
      await sql`alter table ${sql.table(table)} ${sql.join(columns.map((c) => sql`alter column ${sql.ref(c)} type integer`))}`.execute(db);
    }
    return;
  }
  for (const suffix of ['insert', 'update']) await sql`drop trigger ${sql.ref(`${BALANCE_LIMIT_CONSTRAINT}_${suffix}`)}`.execute(db);
}
