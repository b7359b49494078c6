import { type AuditEntry, writeAudit } from '../../adapters/db/repositories/outbox.repository.ts';
import { orConflict, type Tx } from '../../adapters/db/tx.ts';
import { AppError } from '../../errors.ts';
import { actorOf, cliActor, type ScopedActor } from '../actor.ts';

export type { ScopedActor };
export { actorOf, cliActor };

export interface AdminContext {
  db: Tx;
  actor: ScopedActor;
  /** the instant the change happens; every row written by one use case carries it */
  now: Date;
}

export function adminContext(db: Tx, actor: ScopedActor, now = new Date()): AdminContext {
  return { db, actor, now };
}

/** 404 for a program outside the actor's reach: other programs' ids are not even confirmed. */
export function assertProgramInScope(actor: ScopedActor, programId: string): void {
  if (actor.programIds !== '*' && !actor.programIds.includes(programId)) throw new AppError('NotFound', 'No such program');
}

export function notFound(what: string, id: string): AppError {
  return new AppError('NotFound', `No ${what} ${id} in this program`);
}

/** Appends one audit entry in `trx`, the transaction of the change it records. */
export async function audit(
  trx: Tx,
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

export { orConflict };

// ---- pages ------------------------------------------------------------------------------------

export { decodeCursor, type Page, type PageRequest, pageLimit, toPage } from '../pagination.ts';

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
