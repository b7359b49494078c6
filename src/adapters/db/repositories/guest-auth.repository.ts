import type { GuestLoginCodeTable } from '../schema.ts';
import type { Tx } from '../tx.ts';

/**
 * How guests sign in to the guest app: one-time login codes sent by e-mail, the sessions they open,
 * links to an external identity provider's subjects, and the guest rows a first sign-in creates.
 */

export type LoginCodeRow = GuestLoginCodeTable;

export async function insertLoginCode(db: Tx, row: LoginCodeRow): Promise<void> {
  await db.insertInto('guest_login_codes').values(row).execute();
}

/** Forgets a code nobody received. */
export async function deleteLoginCode(db: Tx, id: string): Promise<void> {
  await db.deleteFrom('guest_login_codes').where('id', '=', id).execute();
}

/** Retires every open code of the e-mail except `keepId`: only the newest is ever checked. */
export async function retireOtherLoginCodes(db: Tx, programId: string, email: string, keepId: string, at: string): Promise<void> {
  await db
    .updateTable('guest_login_codes')
    .set({ consumed_at: at })
    .where('program_id', '=', programId)
    .where('email', '=', email)
    .where('consumed_at', 'is', null)
    .where('id', '!=', keepId)
    .execute();
}

/** The newest open, unexpired code of the e-mail. */
export async function newestOpenLoginCode(db: Tx, programId: string, email: string, now: string): Promise<LoginCodeRow | undefined> {
  return db
    .selectFrom('guest_login_codes')
    .selectAll()
    .where('program_id', '=', programId)
    .where('email', '=', email)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Counts one attempt at an open code, in SQL, so parallel guesses cannot exceed `maxAttempts`.
 * Returns the attempts so far, or undefined when the code is used up or closed.
 */
export async function countLoginAttempt(db: Tx, id: string, maxAttempts: number): Promise<number | undefined> {
  const counted = await db
    .updateTable('guest_login_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .where('attempts', '<', maxAttempts)
    .returning('attempts')
    .executeTakeFirst();
  return counted?.attempts;
}

/** Closes the code whatever its state (its attempts ran out). */
export async function retireLoginCode(db: Tx, id: string, at: string): Promise<void> {
  await db.updateTable('guest_login_codes').set({ consumed_at: at }).where('id', '=', id).execute();
}

/** Uses the code if it is still open; false when a parallel request used it first. */
export async function consumeLoginCode(db: Tx, id: string, at: string): Promise<boolean> {
  const consumed = await db
    .updateTable('guest_login_codes')
    .set({ consumed_at: at })
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return !!consumed;
}

// ---- guests signing in ----

/** The guest with exactly this (normalized) e-mail. */
export async function guestIdWithEmail(db: Tx, programId: string, email: string): Promise<string | undefined> {
  const row = await db.selectFrom('guests').select('id').where('program_id', '=', programId).where('email', '=', email).executeTakeFirst();
  return row?.id;
}

/**
 * A new guest with a balance of 0. With `unlessEmailTaken`, a guest who already has the e-mail
 * (a parallel sign-up) wins and nothing is written; returns whether this one was created.
 */
export async function signUpGuest(
  db: Tx,
  g: { id: string; programId: string; name: string; email: string | null; at: string },
  opts: { unlessEmailTaken?: boolean } = {},
): Promise<boolean> {
  const q = db
    .insertInto('guests')
    .values({ id: g.id, program_id: g.programId, name: g.name, email: g.email, balance: 0, last_activity_at: null, created_at: g.at });
  if (!opts.unlessEmailTaken) {
    await q.execute();
    return true;
  }
  return !!(await q
    .onConflict((oc) => oc.columns(['program_id', 'email']).doNothing())
    .returning('id')
    .executeTakeFirst());
}

// ---- sessions ----

export async function insertSession(
  db: Tx,
  s: { id: string; programId: string; guestId: string; tokenHash: string; at: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('guest_sessions')
    .values({ id: s.id, program_id: s.programId, guest_id: s.guestId, token_hash: s.tokenHash, created_at: s.at, expires_at: s.expiresAt, revoked_at: null })
    .execute();
}

/** The unrevoked session with this token hash, of a guest of the program. */
export async function openSession(db: Tx, programId: string, tokenHash: string): Promise<{ guestId: string; expiresAt: string } | undefined> {
  const row = await db
    .selectFrom('guest_sessions as s')
    .innerJoin('guests as g', 'g.id', 's.guest_id')
    .select(['s.guest_id', 's.expires_at'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.program_id', '=', programId)
    .where('g.program_id', '=', programId)
    .where('s.revoked_at', 'is', null)
    .executeTakeFirst();
  return row && { guestId: row.guest_id, expiresAt: row.expires_at };
}

export async function revokeSession(db: Tx, tokenHash: string, at: string): Promise<void> {
  await db.updateTable('guest_sessions').set({ revoked_at: at }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
}

// ---- external identities ----

export async function guestIdForIdentity(db: Tx, programId: string, issuer: string, subject: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('guest_external_identities')
    .select('guest_id')
    .where('program_id', '=', programId)
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return row?.guest_id;
}

export async function linkIdentity(db: Tx, l: { id: string; programId: string; issuer: string; subject: string; guestId: string; at: string }): Promise<void> {
  await db
    .insertInto('guest_external_identities')
    .values({ id: l.id, program_id: l.programId, issuer: l.issuer, subject: l.subject, guest_id: l.guestId, created_at: l.at })
    .execute();
}
