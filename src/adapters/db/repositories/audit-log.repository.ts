import type { Cursor } from '../../../app/pagination.ts';
import { olderThan } from '../keyset.ts';
import type { AuditLogTable } from '../schema.ts';
import type { Tx } from '../tx.ts';

/** The audit log: written by `writeAudit` (outbox.repository.ts) in the transaction of each change; read here. */
export interface AuditRecord {
  id: string;
  programId: string | null;
  actor: { type: AuditLogTable['actor_type']; id: string };
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  at: string;
}

export interface AuditFilter {
  /** one program, or these programs; absent = every entry */
  programIds?: readonly string[];
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  from?: string;
  to?: string;
}

function toRecord(row: AuditLogTable): AuditRecord {
  return {
    id: row.id,
    programId: row.program_id,
    actor: { type: row.actor_type, id: row.actor_id },
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
    reason: row.reason,
    at: row.created_at,
  };
}

/** Entries newest first, up to `limit` after `cursor`. */
export async function searchAudit(db: Tx, f: AuditFilter, cursor: Cursor | null, limit: number): Promise<AuditRecord[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (f.programIds !== undefined) q = f.programIds.length === 1 ? q.where('program_id', '=', f.programIds[0]!) : q.where('program_id', 'in', f.programIds);
  if (f.entityType !== undefined) q = q.where('entity_type', '=', f.entityType);
  if (f.entityId !== undefined) q = q.where('entity_id', '=', f.entityId);
  if (f.actorId !== undefined) q = q.where('actor_id', '=', f.actorId);
  if (f.action !== undefined) q = q.where('action', '=', f.action);
  if (f.from !== undefined) q = q.where('created_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('created_at', '<=', f.to);
  if (cursor) q = q.where(olderThan(cursor, 'created_at', 'id'));
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toRecord);
}
