import type { Kysely } from 'kysely';
import { newId } from '../../../lib/ids.ts';
import type { AuditLogTable, Database, EventType } from '../schema.ts';

/**
 * Writes an event in the caller's database transaction, so it exists exactly when the change it
 * announces does (the transactional outbox). Its id is the de-duplication key for receivers.
 */
export async function enqueueEvent(trx: Kysely<Database>, programId: string, type: EventType, payload: Record<string, unknown>, at: string): Promise<string> {
  const id = newId();
  await trx.insertInto('outbox_events').values({ id, program_id: programId, type, payload: JSON.stringify(payload), created_at: at }).execute();
  return id;
}

export type AuditEntry = Omit<AuditLogTable, 'id' | 'before' | 'after' | 'created_at'> & { before?: unknown; after?: unknown };

/** Appends to the audit log in the caller's transaction. Never updated or deleted. */
export async function writeAudit(trx: Kysely<Database>, entry: AuditEntry, at: string): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      ...entry,
      id: newId(),
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      created_at: at,
    })
    .execute();
}
