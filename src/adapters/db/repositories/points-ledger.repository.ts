import { type Kysely, sql } from 'kysely';
import { newId } from '../../../lib/ids.ts';
import { flattenRows, prepare, type PreparedQuery, prepareRows } from '../prepared.ts';
import type { ExpiryLedgerEntry } from '../../../domain/expiry.ts';
import type { Cursor } from '../../../app/pagination.ts';
import type { LedgerKind } from '../../../domain/ledger-kind.ts';
import { olderThan } from '../keyset.ts';
import type { GuestActivity } from './guests.repository.ts';
import type { Database, PointsLedgerTable } from '../schema.ts';

export interface LedgerEntryInput {
  kind: LedgerKind;
  /** signed: positive credits the guest, negative debits */
  points: number;
  transactionId: string | null;
  reason?: string | null;
}

export class InsufficientPoints extends Error {
  constructor(
    readonly available: number | null,
    readonly required: number,
  ) {
    super('insufficient points');
  }
}

/**
 * Moves points on a guest's balance and appends the ledger entries, in the caller's database
 * transaction, with one guarded UPDATE: the balance must cover the deepest point the entries reach
 * (`balance >= n`), so concurrent claims on one guest can never overdraw. The loser of a race gets
 * InsufficientPoints and its transaction rolls back. Returns the balance after the last entry.
 */
export async function postEntries(
  trx: Kysely<Database>,
  programId: string,
  guestId: string,
  entries: LedgerEntryInput[],
  at: string,
  options: { touchActivity?: boolean } = {},
): Promise<number> {
  const { balance, rows } = await moveBalance(trx, programId, guestId, entries, at, options);
  await insertLedgerRows(trx, rows);
  return balance;
}

/**
 * The first half of `postEntries`: the guarded balance UPDATE (which also locks the guest row),
 * returning the balance after and the ledger rows still to insert — in the same database
 * transaction, with `insertLedgerRows` or together with other writes (PostgreSQL claims write them
 * in one statement).
 */
export async function moveBalance(
  trx: Kysely<Database>,
  programId: string,
  guestId: string,
  entries: LedgerEntryInput[],
  at: string,
  options: { touchActivity?: boolean } = {},
): Promise<{ balance: number; rows: LedgerRow[] }> {
  const { moving, net, required } = planEntries(entries);
  if (moving.length === 0 && !options.touchActivity) return { balance: (await currentBalance(trx, guestId)) ?? 0, rows: [] };
  const row = await guestUpdate(moving.length > 0, options.touchActivity === true, required > 0).first(trx, { guestId, programId, net, at, required });
  if (!row) throw new InsufficientPoints(await currentBalance(trx, guestId), required);
  return { balance: row.balance, rows: ledgerRows(programId, guestId, moving, at, row.balance - net) };
}

/**
 * The entries that move points, their net and the balance they need: the deepest point the
 * running total reaches (`balance >= required` keeps every entry's balance_after at or above 0).
 */
export function planEntries(entries: LedgerEntryInput[]): { moving: LedgerEntryInput[]; net: number; required: number } {
  const moving = entries.filter((e) => e.points !== 0);
  let net = 0;
  let required = 0;
  for (const e of moving) {
    net += e.points;
    required = Math.max(required, -net);
  }
  return { moving, net, required };
}

/** The ledger rows of entries applied in order to a balance of `before`; `makeId` names them (default random UUIDs). */
export function ledgerRows(
  programId: string,
  guestId: string,
  moving: LedgerEntryInput[],
  at: string,
  before: number,
  makeId: () => string = newId,
): LedgerRow[] {
  let balance = before;
  return moving.map((e) => {
    balance += e.points;
    return {
      id: makeId(),
      program_id: programId,
      guest_id: guestId,
      transaction_id: e.transactionId,
      kind: e.kind,
      points: e.points,
      balance_after: balance,
      reason: e.reason ?? null,
      created_at: at,
    };
  });
}

export type LedgerRow = PointsLedgerTable;

export async function insertLedgerRows(trx: Kysely<Database>, rows: LedgerRow[]): Promise<void> {
  if (rows.length === 0) return;
  if (rows.length <= 4) await ledgerInsert(rows.length).run(trx, flattenRows(LEDGER_COLUMNS, rows));
  else await trx.insertInto('points_ledger').values(rows).execute();
}

type GuestUpdateParams = { guestId: string; programId: string; net: number; at: string; required: number };
const guestUpdates = new Map<string, PreparedQuery<GuestUpdateParams, { balance: number }>>();

/** The guarded balance UPDATE in its (at most eight) shapes, each prepared once. */
function guestUpdate(move: boolean, touch: boolean, guard: boolean): PreparedQuery<GuestUpdateParams, { balance: number }> {
  const key = `${move}|${touch}|${guard}`;
  let q = guestUpdates.get(key);
  if (!q) {
    q = prepare((db, p: GuestUpdateParams) => {
      let u = db.updateTable('guests').where('id', '=', p.guestId).where('program_id', '=', p.programId);
      if (move) u = u.set({ balance: sql<number>`balance + ${p.net}` });
      if (touch) u = u.set({ last_activity_at: p.at });
      if (guard) u = u.where('balance', '>=', p.required);
      return u.returning('balance');
    });
    guestUpdates.set(key, q);
  }
  return q;
}

export const LEDGER_COLUMNS = ['id', 'program_id', 'guest_id', 'transaction_id', 'kind', 'points', 'balance_after', 'reason', 'created_at'] as const;
const ledgerInserts = new Map<number, PreparedQuery<Record<string, unknown>, unknown>>();

function ledgerInsert(n: number): PreparedQuery<Record<string, unknown>, unknown> {
  let q = ledgerInserts.get(n);
  if (!q) {
    q = prepareRows('points_ledger', LEDGER_COLUMNS, n);
    ledgerInserts.set(n, q);
  }
  return q;
}

/**
 * Locks a guest's row for the rest of the caller's database transaction (a no-op write), so that
 * writes touching a guest's balance and then one of its transactions take the two rows in one order
 * — guest first — and never deadlock on PostgreSQL.
 */
export async function lockGuest(trx: Kysely<Database>, guestId: string): Promise<void> {
  await trx
    .updateTable('guests')
    .set((eb) => ({ balance: eb.ref('balance') }))
    .where('id', '=', guestId)
    .execute();
}

/**
 * The batch form of `lockGuest` for engines that lock rows (`DbCapabilities.skipLocked`): re-reads
 * guests `FOR UPDATE`, in id order, so a concurrent sale waits for the expiry page (or the page for
 * it) and two batches never deadlock.
 */
export async function lockGuests(trx: Kysely<Database>, programId: string, ids: readonly string[]): Promise<GuestActivity[]> {
  const rows = await trx
    .selectFrom('guests')
    .select(['id', 'balance', 'last_activity_at', 'created_at'])
    .where('program_id', '=', programId)
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((r) => ({ id: r.id, balance: r.balance, lastActivityAt: r.last_activity_at, createdAt: r.created_at }));
}

export async function currentBalance(db: Kysely<Database>, guestId: string): Promise<number | null> {
  const row = await db.selectFrom('guests').select('balance').where('id', '=', guestId).executeTakeFirst();
  return row?.balance ?? null;
}

/** The ledger's own view of a balance: the sum of every entry. Equal to guests.balance at all times. */
export async function ledgerSum(db: Kysely<Database>, guestId: string): Promise<number> {
  const row = await db
    .selectFrom('points_ledger')
    .select(sql<string | number>`coalesce(sum(points), 0)`.as('total'))
    .where('guest_id', '=', guestId)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/**
 * Guests' ledgers, oldest entry first, in the shape the expiry and tier computations read
 * (domain/expiry.ts, domain/tiers.ts): one query for any number of guests.
 */
export async function ledgerEntries(db: Kysely<Database>, guestIds: readonly string[]): Promise<Map<string, ExpiryLedgerEntry[]>> {
  const out = new Map<string, ExpiryLedgerEntry[]>();
  if (guestIds.length === 0) return out;
  const rows = await db
    .selectFrom('points_ledger')
    .select(['guest_id', 'kind', 'points', 'created_at', 'transaction_id'])
    .where('guest_id', 'in', guestIds)
    .orderBy('guest_id')
    .orderBy('created_at')
    .execute();
  for (const r of rows) {
    let list = out.get(r.guest_id);
    if (!list) {
      list = [];
      out.set(r.guest_id, list);
    }
    list.push({ kind: r.kind, points: r.points, createdAt: r.created_at, transactionId: r.transaction_id });
  }
  return out;
}

/** A ledger entry as the back office lists it. */
export interface LedgerEntryRecord {
  id: string;
  kind: LedgerKind;
  points: number;
  balanceAfter: number;
  transactionId: string | null;
  reason: string | null;
  createdAt: string;
}

function toEntry(row: PointsLedgerTable): LedgerEntryRecord {
  return {
    id: row.id,
    kind: row.kind,
    points: row.points,
    balanceAfter: row.balance_after,
    transactionId: row.transaction_id,
    reason: row.reason,
    createdAt: row.created_at,
  };
}

/** A guest's entries, newest first, up to `limit` after `cursor`. */
export async function guestLedgerPage(
  db: Kysely<Database>,
  programId: string,
  guestId: string,
  cursor: Cursor | null,
  limit: number,
): Promise<LedgerEntryRecord[]> {
  let q = db.selectFrom('points_ledger').selectAll().where('program_id', '=', programId).where('guest_id', '=', guestId);
  if (cursor) q = q.where(olderThan(cursor, 'created_at', 'id'));
  return (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(toEntry);
}

/** The entries one sale wrote, oldest first. */
export async function transactionLedger(db: Kysely<Database>, programId: string, transactionId: string): Promise<LedgerEntryRecord[]> {
  const rows = await db
    .selectFrom('points_ledger')
    .selectAll()
    .where('program_id', '=', programId)
    .where('transaction_id', '=', transactionId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toEntry);
}

/** The entry `postEntries` just wrote for a single-entry posting (its kind, instant and balance after). */
export async function postedEntry(db: Kysely<Database>, guestId: string, kind: LedgerKind, at: string, balanceAfter: number): Promise<LedgerEntryRecord> {
  const row = await db
    .selectFrom('points_ledger')
    .selectAll()
    .where('guest_id', '=', guestId)
    .where('kind', '=', kind)
    .where('created_at', '=', at)
    .where('balance_after', '=', balanceAfter)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  return toEntry(row);
}

/**
 * A guest's EARN and VOID_EARN entries after `since`, in the shape the tier computation reads
 * (domain/tiers.ts `pointsEarnedInWindow`).
 */
export async function earnEntriesSince(db: Kysely<Database>, programId: string, guestId: string, since: string): Promise<ExpiryLedgerEntry[]> {
  const rows = await db
    .selectFrom('points_ledger')
    .select(['kind', 'points', 'created_at', 'transaction_id'])
    .where('guest_id', '=', guestId)
    .where('program_id', '=', programId)
    .where('kind', 'in', ['EARN', 'VOID_EARN'])
    .where('created_at', '>', since)
    .execute();
  return rows.map((r) => ({ kind: r.kind, points: r.points, createdAt: r.created_at, transactionId: r.transaction_id }));
}
