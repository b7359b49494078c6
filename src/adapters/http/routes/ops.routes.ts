import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type Db, ping } from '../../db/database.ts';
import type { Metrics } from '../metrics.ts';

/** Liveness, readiness and metrics: unauthenticated, for load balancers and Prometheus. */
export async function opsRoutes(app: FastifyInstance, opts: { db: Db; metrics: Metrics; version: string }): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Liveness: the process answers',
        response: { 200: Type.Object({ status: Type.Literal('ok'), version: Type.String() }) },
      },
    },
    async () => ({ status: 'ok' as const, version: opts.version }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Readiness: the database answers',
        response: {
          200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }),
          503: Type.Object({ status: Type.Literal('unavailable'), database: Type.String(), error: Type.String() }),
        },
      },
    },
    async (_request, reply) => {
      try {
        await ping(opts.db);
        return { status: 'ready' as const, database: opts.db.engine };
      } catch (e) {
        return reply.status(503).send({ status: 'unavailable' as const, database: opts.db.engine, error: (e as Error).message });
      }
    },
  );

  app.get(
    '/metrics',
    { schema: { tags: ['Operations'], summary: 'Prometheus metrics', produces: ['text/plain'] } },
    async (_request, reply) => {
      void reply.header('content-type', opts.metrics.registry.contentType);
      return opts.metrics.registry.metrics();
    },
  );
}
