import type { AdminUserTable } from '../../adapters/db/schema.ts';
import type { AdminRole } from '../../domain/admin-role.ts';
import { AppError, invalidField } from '../../errors.ts';
import { ADMIN_ROLES, AdminAuthService } from '../admin-auth.service.ts';
import { type Actor, type AdminContext, assertProgramInScope, audit, orConflict } from './context.ts';

/** A back-office user as listed: never the password hash. */
export interface AdminUserView {
  id: string;
  email: string;
  name: string;
  role: AdminRole;
  programIds: string[] | '*';
  createdAt: string;
  disabledAt: string | null;
}

export function adminUserView(row: AdminUserTable): AdminUserView {
  const ids = JSON.parse(row.program_ids) as string[];
  return { id: row.id, email: row.email, name: row.name, role: row.role, programIds: ids.includes('*') ? '*' : ids, createdAt: row.created_at, disabledAt: row.disabled_at };
}

/** An owner of some programs sees and manages only users confined to those programs. */
function within(actor: Actor, programIds: string[] | '*'): boolean {
  if (actor.programIds === '*') return true;
  if (programIds === '*') return false;
  const mine = actor.programIds;
  return programIds.every((id) => mine.includes(id));
}

export async function listAdminUsers(ctx: AdminContext): Promise<AdminUserView[]> {
  const rows = await ctx.db.selectFrom('admin_users').selectAll().orderBy('email').execute();
  return rows.map(adminUserView).filter((u) => within(ctx.actor, u.programIds));
}

export interface NewAdminUser {
  email: string;
  name: string;
  password: string;
  role: AdminRole;
  programIds: string[] | '*';
}

/** Creates a user; the actor can only hand out programs it has itself. */
export async function createAdminUser(ctx: AdminContext, input: NewAdminUser): Promise<AdminUserView> {
  if (!ADMIN_ROLES.includes(input.role)) throw invalidField('role', `must be one of ${ADMIN_ROLES.join(', ')}`);
  if (input.name.trim() === '' || input.name.length > 200) throw invalidField('name', 'must be 1 to 200 characters');
  if (input.programIds === '*') {
    if (ctx.actor.programIds !== '*') throw new AppError('Forbidden', 'Only a user of every program may grant every program', { field: 'programIds' });
  } else {
    if (input.programIds.length === 0) throw invalidField('programIds', 'must list at least one program, or be "*"');
    for (const id of input.programIds) assertProgramInScope(ctx.actor, id);
    const known = await ctx.db.selectFrom('programs').select('id').where('id', 'in', input.programIds).execute();
    const missing = input.programIds.find((id) => !known.some((k) => k.id === id));
    if (missing) throw new AppError('NotFound', 'No such program', { field: 'programIds' });
  }
  const email = input.email.trim().toLowerCase();
  const clash = `An admin user ${email} already exists`;
  return ctx.db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom('admin_users').select('id').where('email', '=', email).executeTakeFirst();
    if (taken) throw new AppError('Conflict', clash, { field: 'email' });
    const id = await orConflict(new AdminAuthService(trx, () => ctx.now).createUser({ ...input, email }), clash, 'email');
    const view = adminUserView(await trx.selectFrom('admin_users').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
    await audit(trx, ctx, { programId: null, action: 'admin_user.create', entityType: 'admin_user', entityId: id, after: view });
    return view;
  });
}

/** Disables a user and revokes their sessions at once. Users cannot disable themselves. */
export async function disableAdminUser(ctx: AdminContext, userId: string): Promise<AdminUserView> {
  if (ctx.actor.type === 'admin' && ctx.actor.id === userId) throw new AppError('Conflict', 'You cannot disable yourself', { field: 'userId' });
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('admin_users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!row || !within(ctx.actor, adminUserView(row).programIds)) throw new AppError('NotFound', `No admin user ${userId}`);
    if (row.disabled_at) return adminUserView(row);
    const at = ctx.now.toISOString();
    await trx.updateTable('admin_users').set({ disabled_at: at }).where('id', '=', userId).execute();
    await trx.updateTable('admin_sessions').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    const after = adminUserView(await trx.selectFrom('admin_users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow());
    await audit(trx, ctx, { programId: null, action: 'admin_user.disable', entityType: 'admin_user', entityId: userId, before: adminUserView(row), after });
    return after;
  });
}
