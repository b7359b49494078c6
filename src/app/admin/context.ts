import { type Kysely, sql, type SqlBool, type Expression } from 'kysely';
import { type AuditEntry, writeAudit } from '../../adapters/db/repositories/outbox.repository.ts';
import type { Database } from '../../adapters/db/schema.ts';
import { AppError } from '../../errors.ts';
import type { AdminPrincipal } from '../admin-auth.service.ts';

/**
 * Who makes an admin change: a logged-in back-office user, the CLI, or the system. Use cases take
 * an actor (never an HTTP request), so the CLI can call them as plain functions and every change
 * is audited with its author.
 */
export interface Actor {
  type: 'admin' | 'cli' | 'system';
  id: string;
  /** the programs the actor may touch; '*' for every program */
  programIds: string[] | '*';
}

export interface AdminContext {
  db: Kysely<Database>;
  actor: Actor;
  /** the instant the change happens; every row written by one use case carries it */
  now: Date;
}

export const actorOf = (admin: AdminPrincipal): Actor => ({ type: 'admin', id: admin.userId, programIds: admin.programIds });

/** The CLI acts with full rights; `id` says who ran it (e.g. the OS user). */
export const cliActor = (id = 'cli'): Actor => ({ type: 'cli', id, programIds: '*' });

export function adminContext(db: Kysely<Database>, actor: Actor, now = new Date()): AdminContext {
  return { db, actor, now };
}

/** 404 for a program outside the actor's reach: other programs' ids are not even confirmed. */
export function assertProgramInScope(actor: Actor, programId: string): void {
  if (actor.programIds !== '*' && !actor.programIds.includes(programId)) throw new AppError('NotFound', 'No such program');
}

export function notFound(what: string, id: string): AppError {
  return new AppError('NotFound', `No ${what} ${id} in this program`);
}

/** Appends one audit entry in `trx`, the transaction of the change it records. */
export async function audit(
  trx: Kysely<Database>,
  ctx: AdminContext,
  entry: { programId: string | null; action: string; entityType: string; entityId: string; before?: unknown; after?: unknown; reason?: string | null },
): Promise<void> {
  const row: AuditEntry = {
    program_id: entry.programId,
    actor_type: ctx.actor.type,
    actor_id: ctx.actor.id,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    before: entry.before,
    after: entry.after,
    reason: entry.reason ?? null,
  };
  await writeAudit(trx, row, ctx.now.toISOString());
}

/** Unique-constraint violations of either engine: a 409 for the caller, not a 500. */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export async function orConflict<T>(work: Promise<T>, message: string, field: string): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('Conflict', message, { field });
    throw e;
  }
}

// ---- pages ------------------------------------------------------------------------------------

/** A page of a list, newest first; pass `nextCursor` back as `cursor` for the next page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;

interface Cursor {
  at: string;
  id: string;
}

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new AppError('ValidationError', `limit must be a whole number from 1 to ${MAX_PAGE}`, { field: 'limit' });
  return limit;
}

function decodeCursor(text: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') return { at: parsed[0], id: parsed[1] };
  } catch {
    // fall through
  }
  throw new AppError('ValidationError', 'cursor is not a cursor this API returned', { field: 'cursor' });
}

/**
 * Keyset condition "older than the cursor" on (`atColumn`, `idColumn`), both descending: stable
 * under concurrent inserts, unlike offsets.
 */
export function beforeCursor(cursor: string, atColumn: string, idColumn: string): Expression<SqlBool> {
  const c = decodeCursor(cursor);
  return sql<SqlBool>`(${sql.ref(atColumn)} < ${c.at} or (${sql.ref(atColumn)} = ${c.at} and ${sql.ref(idColumn)} < ${c.id}))`;
}

/** Rows fetched with `limit + 1` → the page and the cursor of its last row when there is more. */
export function toPage<R, T>(rows: R[], limit: number, key: (r: R) => [string, string], view: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items: items.map(view), nextCursor: more && last ? Buffer.from(JSON.stringify(key(last))).toString('base64url') : null };
}

/** `2026-11-25` or a full ISO date-time → an ISO instant for comparisons with stored timestamps. */
export function instantParam(text: string | undefined, field: string, endOfDay = false): string | undefined {
  if (text === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const d = new Date(`${text}T00:00:00.000Z`);
    if (Number.isNaN(d.getTime())) throw new AppError('ValidationError', `${field} is not a date`, { field });
    return endOfDay ? new Date(d.getTime() + 86_400_000 - 1).toISOString() : d.toISOString();
  }
  const d = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(d.getTime())) {
    throw new AppError('ValidationError', `${field} must be a date (YYYY-MM-DD) or an ISO date-time`, { field });
  }
  return d.toISOString();
}
