import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { queryAudit } from '../../../../app/admin/audit-log.ts';
import { errors } from '../../schemas/common.ts';
import { AuditEntryView, limitOf, page, PageQuery } from '../../schemas/admin.ts';
import { SECURITY } from '../../headers.ts';
import { type AdminPluginOptions, contextOf, requires } from './shared.ts';

/**
 * The audit log: read-only by design. There is no route that changes or deletes an entry, and the
 * database refuses UPDATE and DELETE on the table (migration 0005).
 */
export async function auditRoutes(fastify: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/audit',
    {
      config: { capability: 'read' },
      schema: {
        tags: ['Admin: audit'],
        summary: 'Who changed what, when: every admin write and manual points adjustment, with before/after',
        description: requires(
          'read',
          'Append-only. Filters combine; newest first. Users of some programs see those programs’ entries; deployment-wide entries (admin users) need access to every program.',
        ),
        security: SECURITY.bearer,
        querystring: Type.Object(
          {
            programId: Type.Optional(Type.String({ maxLength: 100 })),
            entityType: Type.Optional(
              Type.String({ maxLength: 60, examples: ['guest', 'incentive', 'program', 'store', 'api_key', 'webhook', 'admin_user', 'transaction'] }),
            ),
            entityId: Type.Optional(Type.String({ maxLength: 100 })),
            actorId: Type.Optional(Type.String({ maxLength: 100 })),
            action: Type.Optional(Type.String({ maxLength: 60, examples: ['points.adjust'] })),
            from: Type.Optional(Type.String({ maxLength: 40, description: 'YYYY-MM-DD (UTC) or ISO date-time, inclusive' })),
            to: Type.Optional(Type.String({ maxLength: 40 })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: page(AuditEntryView), ...errors({ 400: 'ValidationError', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound: programId' }) },
      },
    },
    async (request) => queryAudit(contextOf(request, opts.db), { ...request.query, limit: limitOf(request.query) }),
  );
}
