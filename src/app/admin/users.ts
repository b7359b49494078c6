import {
  type AdminUserRecord,
  adminUserIdByEmail,
  disableAdminUser as disableUser,
  findAdminUser,
  listAdminUsers as listUsers,
} from '../../adapters/db/repositories/admin-users.repository.ts';
import { existingProgramIds } from '../../adapters/db/repositories/programs.repository.ts';
import { inTransaction } from '../../adapters/db/tx.ts';
import type { AdminRole } from '../../domain/admin-role.ts';
import { AppError, invalidField } from '../../errors.ts';
import { ADMIN_ROLES, AdminAuthService } from '../admin-auth.service.ts';
import type { ScopedActor } from '../actor.ts';
import { type AdminContext, assertProgramInScope, audit, orConflict } from './context.ts';

/** A back-office user as listed: never the password hash. */
export type AdminUserView = AdminUserRecord;

/** An owner of some programs sees and manages only users confined to those programs. */
function within(actor: ScopedActor, programIds: string[] | '*'): boolean {
  if (actor.programIds === '*') return true;
  if (programIds === '*') return false;
  const mine = actor.programIds;
  return programIds.every((id) => mine.includes(id));
}

export async function listAdminUsers(ctx: AdminContext): Promise<AdminUserView[]> {
  return (await listUsers(ctx.db)).filter((u) => within(ctx.actor, u.programIds));
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
    const known = await existingProgramIds(ctx.db, input.programIds);
    const missing = input.programIds.find((id) => !known.includes(id));
    if (missing) throw new AppError('NotFound', 'No such program', { field: 'programIds' });
  }
  const email = input.email.trim().toLowerCase();
  const clash = `An admin user ${email} already exists`;
  return inTransaction(ctx.db, async (trx) => {
    if (await adminUserIdByEmail(trx, email)) throw new AppError('Conflict', clash, { field: 'email' });
    const id = await orConflict(new AdminAuthService(trx, () => ctx.now).createUser({ ...input, email }), clash, 'email');
    const view = (await findAdminUser(trx, id))!;
    await audit(trx, ctx, { programId: null, action: 'admin_user.create', entityType: 'admin_user', entityId: id, after: view });
    return view;
  });
}

/** Disables a user and revokes their sessions at once. Users cannot disable themselves. */
export async function disableAdminUser(ctx: AdminContext, userId: string): Promise<AdminUserView> {
  if (ctx.actor.type === 'admin' && ctx.actor.id === userId) throw new AppError('Conflict', 'You cannot disable yourself', { field: 'userId' });
  return inTransaction(ctx.db, async (trx) => {
    const row = await findAdminUser(trx, userId);
    if (!row || !within(ctx.actor, row.programIds)) throw new AppError('NotFound', `No admin user ${userId}`);
    if (row.disabledAt) return row;
    await disableUser(trx, userId, ctx.now.toISOString());
    const after = (await findAdminUser(trx, userId))!;
    await audit(trx, ctx, { programId: null, action: 'admin_user.disable', entityType: 'admin_user', entityId: userId, before: row, after });
    return after;
  });
}
