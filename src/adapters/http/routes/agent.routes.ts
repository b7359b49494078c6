import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Location } from '../../../app/cstore/model.ts';
import type { Cstore } from '../../../app/cstore/cstore.ts';
import { AppError } from '../../../errors.ts';
import type { Db } from '../../db/database.ts';
import { bearer, SECURITY } from '../headers.ts';
import { AckBody, BatchFileResponse, BatchParams, BatchSchema } from '../schemas/cstore.ts';
import { errors } from '../schemas/common.ts';
import { RecordedSaleSchema, SaleBody } from '../schemas/cstore-sales.ts';
import { sendContent } from './batch-content.ts';

declare module 'fastify' {
  interface FastifyRequest {
    agentLocation?: Location;
  }
}

const TAGS = ['POS agent'];

/**
 * /agent/v1: the POS-side agent of one location pulls its ready update batches and acknowledges
 * each. It authenticates with the location's agent token (Authorization: Bearer tpagt_…; tokens issued before agents had their own prefix, tpg_…, keep working), issued
 * by an owner through the admin API and stored hashed.
 */
export async function agentRoutes(root: FastifyInstance, opts: { db: Db; cstore: Cstore }): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const cs = () => opts.cstore;

  app.addHook('onRequest', async (request) => {
    request.agentLocation = await cs().locations.authenticateAgent(bearer(request));
  });
  const locationOf = (request: FastifyRequest): Location => {
    if (!request.agentLocation) throw new AppError('Unauthorized');
    return request.agentLocation;
  };

  app.get(
    '/batches',
    {
      schema: {
        tags: TAGS,
        summary: 'Batches to apply: ready, and delivered but not yet acknowledged; oldest first',
        security: SECURITY.bearer,
        response: { 200: Type.Object({ locationId: Type.String(), batches: Type.Array(BatchSchema) }), ...errors({ 401: 'Unknown agent token' }) },
      },
    },
    async (request) => {
      const loc = locationOf(request);
      return { locationId: loc.id, batches: await cs().delivery.agentQueue(loc.id) };
    },
  );

  app.get(
    '/batches/:batchId',
    {
      schema: {
        tags: TAGS,
        summary: 'Download a batch (NAXML or JSON); a ready batch becomes delivered',
        security: SECURITY.bearer,
        params: BatchParams,
        response: { 200: BatchFileResponse, ...errors({ 401: 'Unknown agent token', 404: 'BatchNotFound (or a batch of another location)' }) },
      },
    },
    async (request, reply) => {
      const c = await cs().delivery.agentDownload(locationOf(request).id, request.params.batchId);
      void reply.header('x-batch-seq', String(c.batch.seq)).header('x-batch-state', c.batch.state);
      return sendContent(reply, c);
    },
  );

  app.post(
    '/batches/:batchId/ack',
    {
      schema: {
        tags: TAGS,
        summary: 'Acknowledge a batch: success → acknowledged, error (with message) → failed',
        security: SECURITY.bearer,
        params: BatchParams,
        body: AckBody,
        response: {
          200: BatchSchema,
          ...errors({
            400: 'ValidationError',
            401: 'Unknown agent token',
            404: 'BatchNotFound',
            409: 'InvalidTransition: the batch was already acknowledged otherwise',
          }),
        },
      },
    },
    async (request) => {
      const loc = locationOf(request);
      return cs().delivery.acknowledge(loc.id, request.params.batchId, request.body, {
        type: 'system',
        id: `agent:${loc.id}`,
        name: `POS agent of ${loc.name}`,
      });
    },
  );

  app.post(
    '/sales',
    {
      schema: {
        tags: TAGS,
        summary: "Record a c-store POS transaction of the token's location (sales in, for scan data)",
        description:
          'Idempotent per location + register + transactionId: the same basket again answers the first recording (x-replayed: true); ' +
          'another basket under the same id is 409. Voids and refunds are lines of kind void/refund, recorded with a negative quantity. ' +
          'All or nothing: a bad field refuses the whole transaction with 400 naming it.',
        security: SECURITY.bearer,
        body: SaleBody,
        response: {
          201: RecordedSaleSchema,
          ...errors({
            400: 'ValidationError naming the field (lines[2].productId …)',
            401: 'Unknown agent token',
            409: 'Conflict: this register already recorded another basket under this transactionId',
          }),
        },
      },
    },
    async (request, reply) => {
      const { sale, replayed } = await cs().sales.record(locationOf(request), request.body);
      return reply.code(201).header('x-replayed', String(replayed)).send(sale);
    },
  );
}
