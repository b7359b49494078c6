import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AgentTokenResponse, LocationBody, LocationParams, LocationPatchBody, LocationSchema, ProgramParams, StatusBody } from '../../../schemas/cstore.ts';
import { type AdminPluginOptions, adminOf } from '../shared.ts';
import { cstoreActor, doc, E, visibleLocation } from './cstore-route.ts';

// An outbox folder is a path on the server's disk: only owners set one (create) or touch it (change, clear).
const createsOutbox = (body: unknown) => ((body as { outboxDir?: string }).outboxDir ? 'own' : null);
const touchesOutbox = (body: unknown) => ((body as { outboxDir?: unknown }).outboxDir !== undefined ? 'own' : null);

/**
 * C-store locations: list, create, change, integration status and the POS agent token. Reads need
 * `read`; changes `manage`; an outbox folder and agent tokens `own`.
 */
export async function cstoreLocationsRoutes(root: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const cs = () => opts.cstore;

  app.get(
    '/cstore/programs/:programId/locations',
    {
      config: { capability: 'read' },
      schema: {
        ...doc('read', 'List the c-store locations of a program, with license and pending count'),
        params: ProgramParams,
        response: { 200: Type.Array(LocationSchema), ...E({ 404: 'NotFound' }) },
      },
    },
    async (request) => cs().locations.list(request.params.programId),
  );

  app.post(
    '/cstore/programs/:programId/locations',
    {
      config: { capability: 'manage', bodyCapability: createsOutbox },
      schema: {
        ...doc('manage', 'Create a location (integration status off)'),
        params: ProgramParams,
        body: LocationBody,
        response: { 201: LocationSchema, ...E({ 400: 'ValidationError', 404: 'NotFound' }) },
      },
    },
    async (request, reply) => {
      const created = await cs().locations.create(request.params.programId, request.body, cstoreActor(adminOf(request)));
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/cstore/locations/:locationId',
    {
      config: { capability: 'read' },
      schema: {
        ...doc('read', 'A location with its license and pending count'),
        params: LocationParams,
        response: { 200: LocationSchema, ...E({ 404: 'LocationNotFound' }) },
      },
    },
    async (request) => {
      await visibleLocation(cs(), request, request.params.locationId);
      return cs().locations.get(request.params.locationId);
    },
  );

  app.patch(
    '/cstore/locations/:locationId',
    {
      config: { capability: 'manage', bodyCapability: touchesOutbox },
      schema: {
        ...doc(
          'manage',
          'Change a location (a new outlet id clears a broken-outlet status)',
          'registerIds and registerIdStart are fixed once a batch was accepted at the location (409 InvalidTransition).',
        ),
        params: LocationParams,
        body: LocationPatchBody,
        response: {
          200: LocationSchema,
          ...E({ 400: 'ValidationError', 404: 'LocationNotFound', 409: 'InvalidTransition: registerIds after the first batch' }),
        },
      },
    },
    async (request) => {
      const admin = await visibleLocation(cs(), request, request.params.locationId);
      return cs().locations.update(request.params.locationId, request.body, cstoreActor(admin));
    },
  );

  app.post(
    '/cstore/locations/:locationId/status',
    {
      config: { capability: 'manage' },
      schema: {
        ...doc(
          'manage',
          'Set the integration status',
          'off → pilot → live (live → pilot and anything → off too). Pilot and live need an active Scan Data license.',
        ),
        params: LocationParams,
        body: StatusBody,
        response: { 200: LocationSchema, ...E({ 400: 'ValidationError', 404: 'LocationNotFound', 409: 'InvalidTransition or NotLicensed' }) },
      },
    },
    async (request) => {
      const admin = await visibleLocation(cs(), request, request.params.locationId);
      return cs().locations.setStatus(request.params.locationId, request.body.status, cstoreActor(admin));
    },
  );

  app.post(
    '/cstore/locations/:locationId/agent-token',
    {
      config: { capability: 'own' },
      schema: {
        ...doc('own', 'Issue the POS agent token of a location (replaces the old one; shown once)'),
        params: LocationParams,
        response: { 201: AgentTokenResponse, ...E({ 404: 'LocationNotFound' }) },
      },
    },
    async (request, reply) => {
      const admin = await visibleLocation(cs(), request, request.params.locationId);
      return reply.status(201).send(await cs().locations.issueAgentToken(request.params.locationId, cstoreActor(admin)));
    },
  );
}
