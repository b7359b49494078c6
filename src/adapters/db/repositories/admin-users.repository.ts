import type { AdminRole } from '../../../domain/admin-role.ts';
import type { AdminUserTable } from '../schema.ts';
import type { Tx } from '../tx.ts';

/** Back-office users and their bearer sessions (only the sha256 of a token is stored). */
export interface AdminUserRecord {
  id: string;
  email: string;
  name: string;
  role: AdminRole;
  programIds: string[] | '*';
  createdAt: string;
  disabledAt: string | null;
}

function toRecord(row: Omit<AdminUserTable, 'password_hash'>): AdminUserRecord {
  const ids = JSON.parse(row.program_ids) as string[];
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    programIds: ids.includes('*') ? '*' : ids,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

const COLUMNS = ['id', 'email', 'name', 'role', 'program_ids', 'created_at', 'disabled_at'] as const;
const programIdsJson = (ids: readonly string[] | '*'): string => JSON.stringify(ids === '*' ? ['*'] : ids);

export async function insertAdminUser(db: Tx, u: Omit<AdminUserRecord, 'disabledAt'> & { passwordHash: string }): Promise<void> {
  await db
    .insertInto('admin_users')
    .values({
      id: u.id,
      email: u.email,
      name: u.name,
      password_hash: u.passwordHash,
      role: u.role,
      program_ids: programIdsJson(u.programIds),
      created_at: u.createdAt,
      disabled_at: null,
    })
    .execute();
}

export async function findAdminUser(db: Tx, id: string): Promise<AdminUserRecord | null> {
  const row = await db.selectFrom('admin_users').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function adminUserIdByEmail(db: Tx, email: string): Promise<string | null> {
  return (await db.selectFrom('admin_users').select('id').where('email', '=', email).executeTakeFirst())?.id ?? null;
}

/** An enabled user by e-mail, with the stored password hash (for the login check only). */
export async function findLoginUser(db: Tx, email: string): Promise<(AdminUserRecord & { passwordHash: string }) | null> {
  const row = await db.selectFrom('admin_users').selectAll().where('email', '=', email).where('disabled_at', 'is', null).executeTakeFirst();
  return row ? { ...toRecord(row), passwordHash: row.password_hash } : null;
}

/** Every user, by e-mail. */
export async function listAdminUsers(db: Tx): Promise<AdminUserRecord[]> {
  return (await db.selectFrom('admin_users').select(COLUMNS).orderBy('email').execute()).map(toRecord);
}

export async function setAdminUserPrograms(db: Tx, id: string, programIds: readonly string[] | '*'): Promise<void> {
  await db
    .updateTable('admin_users')
    .set({ program_ids: programIdsJson(programIds) })
    .where('id', '=', id)
    .execute();
}

/** Disables a user and revokes their open sessions (call in one transaction). */
export async function disableAdminUser(db: Tx, id: string, at: string): Promise<void> {
  await db.updateTable('admin_users').set({ disabled_at: at }).where('id', '=', id).execute();
  await db.updateTable('admin_sessions').set({ revoked_at: at }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
}

export async function insertAdminSession(db: Tx, s: { id: string; userId: string; tokenHash: string; createdAt: string; expiresAt: string }): Promise<void> {
  await db
    .insertInto('admin_sessions')
    .values({ id: s.id, user_id: s.userId, token_hash: s.tokenHash, created_at: s.createdAt, expires_at: s.expiresAt, revoked_at: null })
    .execute();
}

/** The enabled user whose session has this token hash and is neither revoked nor expired at `now`. */
export async function userOfSession(db: Tx, tokenHash: string, now: string): Promise<AdminUserRecord | null> {
  const row = await db
    .selectFrom('admin_sessions as s')
    .innerJoin('admin_users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.email', 'u.name', 'u.role', 'u.program_ids', 'u.created_at', 'u.disabled_at'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function revokeSession(db: Tx, tokenHash: string, at: string): Promise<void> {
  await db.updateTable('admin_sessions').set({ revoked_at: at }).where('token_hash', '=', tokenHash).execute();
}
