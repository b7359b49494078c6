import type { AdminPrincipal } from './admin-auth.service.ts';
import type { Actor } from './model.ts';

export type { Actor };

/**
 * The one `Actor` (app/model.ts) with the programs it may touch ('*' for every program): what the
 * admin use cases take, so the CLI can call them as plain functions with full rights and a
 * back-office user only within their programs.
 */
export interface ScopedActor extends Actor {
  programIds: string[] | '*';
}

/** The actor of a logged-in back-office user. */
export const actorOf = (admin: AdminPrincipal): ScopedActor => ({
  type: 'admin',
  id: admin.userId,
  name: admin.name || admin.email,
  programIds: admin.programIds,
});

/** The CLI acts with full rights; `id` says who ran it (e.g. the OS user). */
export const cliActor = (id = 'cli'): ScopedActor => ({ type: 'cli', id, name: id, programIds: '*' });
