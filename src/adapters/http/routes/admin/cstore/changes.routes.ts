import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AcceptBody, AcceptResponse, ChangeSchema, ChangesQuery, limitOf, LocationParams, RegisterEntrySchema, RejectBody } from '../../../schemas/cstore.ts';
import type { AdminPluginOptions } from '../shared.ts';
import { cstoreActor, doc, E, visibleLocation } from './cstore-route.ts';

/**
 * The Cash Register Updates Manager of a location: its pending changes and the register's state
 * (`read`), Accept and Reject (`manage`).
 */
export async function cstoreChangesRoutes(root: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const cs = () => opts.cstore;

  app.get(
    '/cstore/locations/:locationId/changes',
    {
      config: { capability: 'read' },
      schema: {
        ...doc('read', 'Promotion changes of a location (pending by default), with before and after'),
        params: LocationParams,
        querystring: ChangesQuery,
        response: { 200: Type.Array(ChangeSchema), ...E({ 404: 'LocationNotFound' }) },
      },
    },
    async (request) => {
      await visibleLocation(cs(), request, request.params.locationId);
      return cs().review.listChanges(request.params.locationId, {
        status: request.query.status ?? 'pending',
        limit: limitOf(request.query, 500, 5000),
        before: request.query.before,
      });
    },
  );

  app.post(
    '/cstore/locations/:locationId/changes/accept',
    {
      config: { capability: 'manage' },
      schema: {
        ...doc(
          'manage',
          'Accept Changes',
          'Accepts the named pending changes (or `all: true`) as one update batch for the register, atomically. A change of another location or one already decided fails the request and writes nothing. With an idempotency key (body or Idempotency-Key header) a repeat answers the first batch with `replayed: true`.',
        ),
        params: LocationParams,
        body: AcceptBody,
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }),
        response: {
          200: AcceptResponse,
          ...E({ 400: 'ValidationError', 404: 'LocationNotFound or ChangeNotFound', 409: 'ChangeNotPending or NothingToAccept' }),
        },
      },
    },
    async (request) => {
      const admin = await visibleLocation(cs(), request, request.params.locationId);
      const key = request.body.idempotencyKey ?? request.headers['idempotency-key'];
      return cs().accept(request.params.locationId, { changeIds: request.body.changeIds, all: request.body.all, idempotencyKey: key }, cstoreActor(admin));
    },
  );

  app.post(
    '/cstore/locations/:locationId/changes/reject',
    {
      config: { capability: 'manage' },
      schema: {
        ...doc('manage', 'Reject selected pending changes with a reason', 'A rejected promotion is not queued again while the feed keeps saying the same.'),
        params: LocationParams,
        body: RejectBody,
        response: {
          200: Type.Object({ rejected: Type.Array(ChangeSchema) }),
          ...E({ 400: 'ValidationError', 404: 'LocationNotFound or ChangeNotFound', 409: 'ChangeNotPending' }),
        },
      },
    },
    async (request) => {
      const admin = await visibleLocation(cs(), request, request.params.locationId);
      return cs().review.reject(request.params.locationId, request.body.changeIds, request.body.reason, cstoreActor(admin));
    },
  );

  app.get(
    '/cstore/locations/:locationId/register',
    {
      config: { capability: 'read' },
      schema: {
        ...doc('read', 'CR current state: the promotions the register has now'),
        params: LocationParams,
        response: { 200: Type.Array(RegisterEntrySchema), ...E({ 404: 'LocationNotFound' }) },
      },
    },
    async (request) => {
      await visibleLocation(cs(), request, request.params.locationId);
      return cs().review.register(request.params.locationId);
    },
  );
}
