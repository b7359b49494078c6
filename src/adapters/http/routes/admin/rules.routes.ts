import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { RULES } from '../../../../domain/rules/registry.ts';
import { errors } from '../../schemas/common.ts';
import { RuleCatalogueEntry } from '../../schemas/admin.ts';
import { SECURITY } from '../../headers.ts';
import { requires } from './shared.ts';

/** The rule registry as data: ids, descriptions and argument schemas for the admin forms. */
export function ruleCatalogue(): { id: string; description: string; args: unknown }[] {
  // JSON round trip: TypeBox schemas carry symbol keys that are not part of the JSON Schema.
  return [...RULES.values()].map((r) => ({ id: r.id, description: r.description, args: JSON.parse(JSON.stringify(r.args)) as unknown }));
}

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
