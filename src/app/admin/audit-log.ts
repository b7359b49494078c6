import type { AuditLogTable } from '../../adapters/db/schema.ts';
import { type AdminContext, assertProgramInScope, beforeCursor, instantParam, type Page, type PageRequest, pageLimit, toPage } from './context.ts';

export interface AuditEntryView {
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

export function auditEntryView(row: AuditLogTable): AuditEntryView {
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

export interface AuditQuery extends PageRequest {
  programId?: string;
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  /** YYYY-MM-DD (UTC) or ISO date-time, inclusive */
  from?: string;
  to?: string;
}

/**
 * The audit log, newest first. An actor of some programs sees those programs' entries only;
 * deployment-wide entries (admin users) are for actors of every program.
 */
export async function queryAudit(ctx: AdminContext, f: AuditQuery): Promise<Page<AuditEntryView>> {
  const limit = pageLimit(f.limit);
  const from = instantParam(f.from, 'from');
  const to = instantParam(f.to, 'to', true);
  let q = ctx.db.selectFrom('audit_log').selectAll();
  if (f.programId !== undefined) {
    assertProgramInScope(ctx.actor, f.programId);
    q = q.where('program_id', '=', f.programId);
  } else if (ctx.actor.programIds !== '*') {
    if (ctx.actor.programIds.length === 0) return { items: [], nextCursor: null };
    q = q.where('program_id', 'in', ctx.actor.programIds);
  }
  if (f.entityType !== undefined) q = q.where('entity_type', '=', f.entityType);
  if (f.entityId !== undefined) q = q.where('entity_id', '=', f.entityId);
  if (f.actorId !== undefined) q = q.where('actor_id', '=', f.actorId);
  if (f.action !== undefined) q = q.where('action', '=', f.action);
  if (from !== undefined) q = q.where('created_at', '>=', from);
  if (to !== undefined) q = q.where('created_at', '<=', to);
  if (f.cursor) q = q.where(beforeCursor(f.cursor, 'created_at', 'id'));
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  return toPage(rows, limit, (r) => [r.created_at, r.id], auditEntryView);
}
