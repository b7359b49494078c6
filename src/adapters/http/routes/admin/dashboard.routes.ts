import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { dashboard } from '../../../../app/admin/dashboard.ts';
import { errors } from '../../schemas/common.ts';
import { ProgramParams } from '../../schemas/admin.ts';
import { DashboardQuery, DashboardView } from '../../schemas/reports.ts';
import { SECURITY } from '../../headers.ts';
import { type AdminPluginOptions, contextOf, requires } from './shared.ts';

/** The program dashboard: aggregates computed by the database. */
export async function dashboardRoutes(fastify: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/programs/:programId/dashboard',
    {
      config: { capability: 'read' },
      schema: {
        tags: ['Admin: reports'],
        summary: 'Points earned and redeemed, claimed and unclaimed sales per day, top rewards, expiring points, c-store queues',
        description: requires(
          'read',
          'Days are local days of one time zone (`timeZone`, default: the zone most of the program’s stores use, else UTC); a sale or ledger entry counts on the day that zone’s wall clock showed. Default range: the last 30 days up to today; at most 366 days. Expiring points: the next 30 days as the expiry job will compute them. Sync failures: the last 24 hours.',
        ),
        security: SECURITY.bearer,
        params: ProgramParams,
        querystring: DashboardQuery,
        response: { 200: DashboardView, ...errors({ 400: 'ValidationError naming the field', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) =>
      dashboard(contextOf(request, opts.db), request.params.programId, {
        ...request.query,
        top: request.query.top === undefined ? undefined : Number(request.query.top),
      }),
  );
}
