import type { Kysely } from 'kysely';
import { newId } from '../../../lib/ids.ts';
import { prepare } from '../prepared.ts';
import type { AuditLogTable, Database, EventType } from '../schema.ts';

/**
 * Writes an event in the caller's database transaction, so it exists exactly when the change it
 * announces does (the transactional outbox). Its id is the de-duplication key for receivers.
 */
export async function enqueueEvent(trx: Kysely<Database>, programId: string, type: EventType, payload: Record<string, unknown>, at: string): Promise<string> {
  const id = newId();
  await insertEvent.run(trx, { id, programId, type, payload: JSON.stringify(payload), at });
  return id;
}

export const insertEvent = prepare((db, p: { id: string; programId: string; type: EventType; payload: string; at: string }) =>
  db.insertInto('outbox_events').values({ id: p.id, program_id: p.programId, type: p.type, payload: p.payload, created_at: p.at }),
);

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
