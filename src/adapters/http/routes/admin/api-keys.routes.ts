import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { issueApiKey, listApiKeys, revokeApiKey, rotateApiKey } from '../../../../app/admin/api-keys.ts';
import { errors } from '../../schemas/common.ts';
import { ApiKeyView, entityParams, IssuedKey, NewApiKeyBody, ProgramParams } from '../../schemas/admin.ts';
import { SECURITY } from '../../headers.ts';
import { type AdminPluginOptions, contextOf, requires } from './shared.ts';

const TAGS = ['Admin: POS keys'];
const KeyParams = entityParams('keyId');
const CACHE_NOTE = 'POS processes cache key look-ups for up to 5 s, so a revoked key may work that much longer.';

/** POS API keys: listed by prefix only; the key is in the create/rotate answer and nowhere else. */
export async function apiKeysRoutes(fastify: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/programs/:programId/keys',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'POS keys of a program (prefix only)',
        description: requires('read'),
        security: SECURITY.bearer,
        params: ProgramParams,
        response: { 200: Type.Array(ApiKeyView), ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => listApiKeys(contextOf(request, opts.db), request.params.programId),
  );

  app.post(
    '/programs/:programId/keys',
    {
      config: { capability: 'own' },
      schema: {
        tags: TAGS,
        summary: 'Issue a POS key (shown once)',
        description: requires('own', 'Only its sha256 is stored: the key in this answer cannot be shown again.'),
        security: SECURITY.bearer,
        params: ProgramParams,
        body: NewApiKeyBody,
        response: { 201: IssuedKey, ...errors({ 400: 'ValidationError naming the field', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request, reply) => reply.status(201).send(await issueApiKey(contextOf(request, opts.db), request.params.programId, request.body)),
  );

  app.post(
    '/programs/:programId/keys/:keyId/rotate',
    {
      config: { capability: 'own' },
      schema: {
        tags: TAGS,
        summary: 'Rotate a POS key: a new key (shown once) for the same vendor and environment; the old one is revoked',
        description: requires('own', CACHE_NOTE),
        security: SECURITY.bearer,
        params: KeyParams,
        response: {
          201: Type.Composite([IssuedKey, Type.Object({ revoked: ApiKeyView })]),
          ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict: the key is already revoked' }),
        },
      },
    },
    async (request, reply) => reply.status(201).send(await rotateApiKey(contextOf(request, opts.db), request.params.programId, request.params.keyId)),
  );

  app.post(
    '/programs/:programId/keys/:keyId/revoke',
    {
      config: { capability: 'own' },
      schema: {
        tags: TAGS,
        summary: 'Revoke a POS key',
        description: requires('own', `Repeating it changes nothing. ${CACHE_NOTE}`),
        security: SECURITY.bearer,
        params: KeyParams,
        response: { 200: ApiKeyView, ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => revokeApiKey(contextOf(request, opts.db), request.params.programId, request.params.keyId),
  );
}
