import type { AdminPrincipal } from './admin-auth.service.ts';

/**
 * Who makes a change: a logged-in back-office user, the CLI, or the system. Use cases take an
 * actor (never an HTTP request), so the CLI can call them as plain functions and every change is
 * audited with its author.
 */
export interface Actor {
  type: 'admin' | 'cli' | 'system';
  id: string;
  /** shown to people (who accepted a batch, who decided a change) */
  name: string;
  /** the programs the actor may touch; '*' for every program */
  programIds: string[] | '*';
}

/** The actor of a logged-in back-office user. */
export const actorOf = (admin: AdminPrincipal): Actor => ({ type: 'admin', id: admin.userId, name: admin.name || admin.email, programIds: admin.programIds });

/** The CLI acts with full rights; `id` says who ran it (e.g. the OS user). */
export const cliActor = (id = 'cli'): Actor => ({ type: 'cli', id, name: id, programIds: '*' });
