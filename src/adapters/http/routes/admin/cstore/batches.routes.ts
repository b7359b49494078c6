import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BatchDetailSchema, BatchesQuery, BatchFileResponse, BatchParams, BatchSchema, limitOf, LocationParams } from '../../../schemas/cstore.ts';
import { sendContent } from '../../batch-content.ts';
import { type AdminPluginOptions, requireVisible } from '../shared.ts';
import { cstoreActor, doc, E, visibleLocation } from './cstore-route.ts';

/** Accepted update batches: history, detail and the file the register gets (`read`), re-send (`support`). */
export async function cstoreBatchesRoutes(root: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const cs = () => opts.cstore;

  /** The batch, after checking the caller may see its program (BatchNotFound otherwise). */
  async function visibleBatch(request: FastifyRequest, batchId: string) {
    const detail = await cs().delivery.get(batchId);
    const admin = requireVisible(request, detail.programId, 'BatchNotFound', `No update batch ${batchId}`);
    return { admin, detail };
  }

  app.get(
    '/cstore/locations/:locationId/batches',
    {
      config: { capability: 'read' },
      schema: {
        ...doc('read', 'History: accepted batches of a location (who, when, what, state), newest first'),
        params: LocationParams,
        querystring: BatchesQuery,
        response: { 200: Type.Array(BatchSchema), ...E({ 404: 'LocationNotFound' }) },
      },
    },
    async (request) => {
      await visibleLocation(cs(), request, request.params.locationId);
      return cs().delivery.list(request.params.locationId, request.query.state, limitOf(request.query, 100, 1000));
    },
  );

  app.get(
    '/cstore/batches/:batchId',
    {
      config: { capability: 'read' },
      schema: { ...doc('read', 'One batch with its changes'), params: BatchParams, response: { 200: BatchDetailSchema, ...E({ 404: 'BatchNotFound' }) } },
    },
    async (request) => (await visibleBatch(request, request.params.batchId)).detail,
  );

  app.get(
    '/cstore/batches/:batchId/content',
    {
      config: { capability: 'read' },
      schema: {
        ...doc('read', 'Download the batch file the register gets (NAXML-MaintenanceRequest 3.4 or JSON)'),
        params: BatchParams,
        response: { 200: BatchFileResponse, ...E({ 404: 'BatchNotFound' }) },
      },
    },
    async (request, reply) => {
      await visibleBatch(request, request.params.batchId);
      return sendContent(reply, await cs().delivery.content(request.params.batchId));
    },
  );

  app.post(
    '/cstore/batches/:batchId/resend',
    {
      config: { capability: 'support' },
      schema: {
        ...doc('support', 'Send a batch again: back to ready for the agent (and the outbox folder)'),
        params: BatchParams,
        response: { 200: BatchSchema, ...E({ 404: 'BatchNotFound' }) },
      },
    },
    async (request) => {
      const { admin } = await visibleBatch(request, request.params.batchId);
      return cs().delivery.resend(request.params.batchId, cstoreActor(admin));
    },
  );
}
