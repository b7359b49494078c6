import { sql } from 'kysely';
import type { Guest } from '../../../app/model.ts';
import type { Cursor } from '../../../app/pagination.ts';
import { olderThan } from '../keyset.ts';
import type { GuestTable } from '../schema.ts';
import type { Tx } from '../tx.ts';

/**
 * Guests: who they are and their balance. The balance moves only through points-ledger.repository.ts
 * (`postEntries`, in the transaction of the change); `lockGuest` lives there too.
 */
export interface GuestRecord extends Guest {
  /** YYYY-MM-DD (birthday rules); null when not given */
  birthdate: string | null;
  lastActivityAt: string | null;
}

function toRecord(row: GuestTable): GuestRecord {
  return {
    id: row.id,
    programId: row.program_id,
    name: row.name,
    email: row.email,
    balance: row.balance,
    birthdate: row.birthdate ?? null,
    lastActivityAt: row.last_activity_at,
    createdAt: row.created_at,
  };
}

export interface GuestFilter {
  /** any case */
  email?: string;
  id?: string;
  /** part of the name or e-mail, any case */
  text?: string;
}

/** A program's guests, newest first, up to `limit` after `cursor`. */
export async function searchGuests(db: Tx, programId: string, f: GuestFilter, cursor: Cursor | null, limit: number): Promise<GuestRecord[]> {
  let q = db.selectFrom('guests').selectAll().where('program_id', '=', programId);
  if (f.email !== undefined) q = q.where(sql<string>`lower(email)`, '=', f.email.toLowerCase());
  if (f.id !== undefined) q = q.where('id', '=', f.id);
  if (f.text !== undefined) {
    const like = `%${f.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql<string>`lower(name)`, 'like', sql<string>`${like} escape '\\'`),
        eb(sql<string>`lower(coalesce(email, ''))`, 'like', sql<string>`${like} escape '\\'`),
      ]),
    );
  }
  if (cursor) q = q.where(olderThan(cursor, 'created_at', 'id'));
  return (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(toRecord);
}

export async function findGuestRecord(db: Tx, programId: string, id: string): Promise<GuestRecord | null> {
  const row = await db.selectFrom('guests').selectAll().where('program_id', '=', programId).where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** The guest with this e-mail in any case, if any. */
export async function guestIdByEmail(db: Tx, programId: string, email: string): Promise<string | null> {
  const row = await db
    .selectFrom('guests')
    .select('id')
    .where('program_id', '=', programId)
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function guestBirthdate(db: Tx, programId: string, id: string): Promise<string | null> {
  const row = await db.selectFrom('guests').select('birthdate').where('id', '=', id).where('program_id', '=', programId).executeTakeFirst();
  return row?.birthdate ?? null;
}

/** A new guest with a balance of 0 (opening points go through the ledger). */
export async function insertGuest(db: Tx, g: { id: string; programId: string; name: string; email: string | null; createdAt: string }): Promise<void> {
  await db
    .insertInto('guests')
    .values({ id: g.id, program_id: g.programId, name: g.name, email: g.email, balance: 0, last_activity_at: null, created_at: g.createdAt })
    .execute();
}

/** Writes the given profile fields; false when there was nothing to write. */
export async function updateGuestProfile(db: Tx, id: string, patch: { name?: string; birthdate?: string | null }): Promise<boolean> {
  const set: Partial<GuestTable> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.birthdate !== undefined) set.birthdate = patch.birthdate;
  if (Object.keys(set).length === 0) return false;
  await db.updateTable('guests').set(set).where('id', '=', id).execute();
  return true;
}

/** What the expiry job reads of a guest. */
export interface GuestActivity {
  id: string;
  balance: number;
  lastActivityAt: string | null;
  createdAt: string;
}

export async function guestActivity(db: Tx, programId: string, id: string): Promise<GuestActivity | null> {
  const row = await db
    .selectFrom('guests')
    .select(['id', 'balance', 'last_activity_at', 'created_at'])
    .where('program_id', '=', programId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? { id: row.id, balance: row.balance, lastActivityAt: row.last_activity_at, createdAt: row.created_at } : null;
}

/**
 * The next page of guests (by id) with a balance, each flagged when its points could be due:
 * `inactivity` — no activity since the cutoff; `ledger-before` — some ledger entry older than the
 * cutoff (in practice a credit; the flag only picks whom to recompute, so a guest flagged for an
 * old debit merely costs a recomputation, and the probe stays inside the (guest_id, created_at)
 * index instead of reading every guest's ledger rows).
 */
export async function guestsMaybeDue(
  db: Tx,
  programId: string,
  probe: 'inactivity' | 'ledger-before',
  cutoff: string,
  after: string,
  limit: number,
): Promise<(GuestActivity & { maybeDue: boolean })[]> {
  const maybeDue =
    probe === 'inactivity'
      ? sql<number>`case when last_activity_at <= ${cutoff} or (last_activity_at is null and created_at <= ${cutoff}) then 1 else 0 end`
      : sql<number>`case when exists (select 1 from points_ledger l where l.guest_id = guests.id and l.created_at < ${cutoff}) then 1 else 0 end`;
  const rows = await db
    .selectFrom('guests')
    .select(['id', 'balance', 'last_activity_at', 'created_at', maybeDue.as('maybe_due')])
    .where('program_id', '=', programId)
    .where('id', '>', after)
    .where('balance', '>', 0)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, balance: r.balance, lastActivityAt: r.last_activity_at, createdAt: r.created_at, maybeDue: Number(r.maybe_due) === 1 }));
}

/** A program's guests by balance (largest first), then name. */
export async function topGuestsByBalance(db: Tx, programId: string, limit: number): Promise<Pick<Guest, 'id' | 'name' | 'email' | 'balance'>[]> {
  return db
    .selectFrom('guests')
    .select(['id', 'name', 'email', 'balance'])
    .where('program_id', '=', programId)
    .orderBy('balance', 'desc')
    .orderBy('name')
    .limit(limit)
    .execute();
}
