import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type Db, ping } from '../../db/database.ts';
import { AppError } from '../../../errors.ts';
import { METRICS_CHALLENGE, type MetricsAccess, metricsAuthorized, OPEN_METRICS } from '../metrics-access.ts';
import type { Metrics } from '../metrics.ts';
import { errors } from '../schemas/common.ts';

/**
 * Liveness and readiness, unauthenticated for load balancers; metrics for Prometheus, behind a
 * bearer token when `TILLPOINT_METRICS_TOKEN` is set, and not here at all when they have a port
 * of their own (`TILLPOINT_METRICS_PORT`).
 */
export async function opsRoutes(app: FastifyInstance, opts: { db: Db; metrics: Metrics; version: string; metricsAccess?: MetricsAccess }): Promise<void> {
  const access = opts.metricsAccess ?? OPEN_METRICS;
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

  if (!access.onMainPort) return;
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Prometheus metrics',
        description:
          'Open unless TILLPOINT_METRICS_TOKEN is set; then `Authorization: Bearer <token>` is required (401 otherwise). With TILLPOINT_METRICS_PORT the metrics are served on that port instead and this route does not exist. Counters labelled `program` carry the program id (README, Operations).',
        produces: ['text/plain'],
        response: {
          200: { type: 'string', description: 'Prometheus text format' },
          ...errors({ 401: 'Unauthorized: TILLPOINT_METRICS_TOKEN is set and the bearer token is missing or wrong' }),
        },
      },
    },
    async (request, reply) => {
      if (!metricsAuthorized(access.token, request.headers.authorization)) {
        void reply.header('www-authenticate', METRICS_CHALLENGE);
        throw new AppError('Unauthorized', 'Bearer token for /metrics is missing or wrong');
      }
      void reply.header('content-type', opts.metrics.registry.contentType);
      return opts.metrics.registry.metrics();
    },
  );
}
