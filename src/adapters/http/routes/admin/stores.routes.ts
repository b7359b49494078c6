import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { createStoreAs, getStore, listStores, updateStore } from '../../../../app/admin/stores.ts';
import { errors } from '../../schemas/common.ts';
import { entityParams, NewStoreBody, ProgramParams, StorePatchBody, StoreView } from '../../schemas/admin.ts';
import { SECURITY } from '../../headers.ts';
import { type AdminPluginOptions, contextOf, requires } from './shared.ts';

const TAGS = ['Admin: stores'];
const StoreParams = entityParams('storeId');

/** Stores of a program: time zone, loyalty switch, groups. */
export async function storesRoutes(fastify: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/programs/:programId/stores',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'Stores of a program, optionally of one group',
        description: requires('read'),
        security: SECURITY.bearer,
        params: ProgramParams,
        querystring: Type.Object({ group: Type.Optional(Type.String({ maxLength: 60 })) }, { additionalProperties: false }),
        response: { 200: Type.Array(StoreView), ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => listStores(contextOf(request, opts.db), request.params.programId, { group: request.query.group }),
  );

  app.post(
    '/programs/:programId/stores',
    {
      config: { capability: 'manage' },
      schema: {
        tags: TAGS,
        summary: 'Add a store',
        description: requires('manage'),
        security: SECURITY.bearer,
        params: ProgramParams,
        body: NewStoreBody,
        response: {
          201: StoreView,
          ...errors({ 400: 'ValidationError naming the field', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict: store number taken' }),
        },
      },
    },
    async (request, reply) => {
      const store = await createStoreAs(contextOf(request, opts.db), request.params.programId, request.body);
      opts.loyalty.invalidate();
      return reply.status(201).send(store);
    },
  );

  app.get(
    '/programs/:programId/stores/:storeId',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'A store',
        description: requires('read'),
        security: SECURITY.bearer,
        params: StoreParams,
        response: { 200: StoreView, ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => getStore(contextOf(request, opts.db), request.params.programId, request.params.storeId),
  );

  app.patch(
    '/programs/:programId/stores/:storeId',
    {
      config: { capability: 'manage' },
      schema: {
        tags: TAGS,
        summary: 'Change a store’s name, time zone, loyalty switch or groups',
        description: requires('manage', 'The store number (externalId) is fixed: POS systems send it.'),
        security: SECURITY.bearer,
        params: StoreParams,
        body: StorePatchBody,
        response: { 200: StoreView, ...errors({ 400: 'ValidationError naming the field', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => {
      const store = await updateStore(contextOf(request, opts.db), request.params.programId, request.params.storeId, request.body);
      opts.loyalty.invalidate();
      return store;
    },
  );
}
