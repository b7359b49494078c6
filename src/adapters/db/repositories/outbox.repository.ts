import type { Kysely } from 'kysely';
import { newId } from '../../../lib/ids.ts';
import { prepare } from '../prepared.ts';
import type { AuditLogTable, Database } from '../schema.ts';
import type { EventType } from '../../../domain/event-type.ts';

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

/**
 * The events one sale announced. Events are written in the database transaction of the change
 * they announce, with its instant: looking them up at the sale's own instants (claim, void, the
 * ledger entries' times) stays on the (program_id, created_at) index; the payload check tells the
 * sale's events from another sale's at the same instant.
 */
export async function eventsOfTransaction(db: Kysely<Database>, programId: string, transactionId: string, instants: readonly string[]) {
  const at = [...new Set(instants)];
  if (at.length === 0) return [];
  const rows = await db
    .selectFrom('outbox_events')
    .select(['id', 'type', 'payload', 'created_at', 'dispatched_at'])
    .where('program_id', '=', programId)
    .where('created_at', 'in', at)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows
    .map((r) => ({ ...r, data: JSON.parse(r.payload) as Record<string, unknown> }))
    .filter((r) => r.data.transactionId === transactionId)
    .map((r) => ({ id: r.id, type: r.type, at: r.created_at, dispatchedAt: r.dispatched_at, data: r.data }));
}

/** Events per INSERT statement (5 parameters each). */
const EVENT_ROWS = 500;

/** Many events at once, as multi-row inserts (a night's expiry writes one per guest). */
export async function enqueueEvents(
  trx: Kysely<Database>,
  events: readonly { id: string; programId: string; type: EventType; payload: Record<string, unknown>; at: string }[],
): Promise<void> {
  const rows = events.map((e) => ({ id: e.id, program_id: e.programId, type: e.type, payload: JSON.stringify(e.payload), created_at: e.at }));
  for (let i = 0; i < rows.length; i += EVENT_ROWS)
    await trx
      .insertInto('outbox_events')
      .values(rows.slice(i, i + EVENT_ROWS))
      .execute();
}
