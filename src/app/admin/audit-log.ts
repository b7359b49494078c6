import { type AuditFilter, type AuditRecord, searchAudit } from '../../adapters/db/repositories/audit-log.repository.ts';
import { type AdminContext, assertProgramInScope, decodeCursor, instantParam, type Page, type PageRequest, pageLimit, toPage } from './context.ts';

export type AuditEntryView = AuditRecord;

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
  let programIds: readonly string[] | undefined;
  if (f.programId !== undefined) {
    assertProgramInScope(ctx.actor, f.programId);
    programIds = [f.programId];
  } else if (ctx.actor.programIds !== '*') {
    if (ctx.actor.programIds.length === 0) return { items: [], nextCursor: null };
    programIds = ctx.actor.programIds;
  }
  const cursor = decodeCursor(f.cursor);
  const filter: AuditFilter = { programIds, entityType: f.entityType, entityId: f.entityId, actorId: f.actorId, action: f.action, from, to };
  const rows = await searchAudit(ctx.db, filter, cursor, limit + 1);
  return toPage(
    rows,
    limit,
    (r) => [r.at, r.id],
    (r) => r,
  );
}
