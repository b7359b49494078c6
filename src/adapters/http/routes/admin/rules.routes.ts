import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ruleCatalogue } from '../../../../domain/rules/registry.ts';
import { errors } from '../../schemas/common.ts';
import { RuleCatalogueEntry } from '../../schemas/admin.ts';
import { SECURITY } from '../../headers.ts';
import { requires } from './shared.ts';

/** The rule registry as data (`ruleCatalogue`): what the admin forms are built from. */
export async function rulesRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/rules',
    {
      config: { capability: 'read' },
      schema: {
        tags: ['Admin: incentives'],
        summary: 'Every rule an incentive may use, with its arguments’ JSON Schema',
        description: requires('read'),
        security: SECURITY.bearer,
        response: { 200: Type.Array(RuleCatalogueEntry), ...errors({ 401: 'Unauthorized', 403: 'Forbidden' }) },
      },
    },
    async () => ruleCatalogue(),
  );
}
