import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { createProgramAs, getProgram, listPrograms, updateProgram } from '../../../../app/admin/programs.ts';
import type { ExpiryPolicy } from '../../../../app/model.ts';
import { errors } from '../../schemas/common.ts';
import { NewProgramBody, ProgramParams, ProgramPatchBody, ProgramView } from '../../schemas/admin.ts';
import { SECURITY } from '../../headers.ts';
import { type AdminPluginOptions, contextOf, requires } from './shared.ts';

const TAGS = ['Admin: programs'];

/** Programs: list and read (every role), create (owner), configure (program manager). */
export async function programsRoutes(fastify: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/programs',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'The programs this user may see',
        description: requires('read'),
        security: SECURITY.bearer,
        response: { 200: Type.Array(ProgramView), ...errors({ 401: 'Unauthorized', 403: 'Forbidden' }) },
      },
    },
    async (request) => listPrograms(contextOf(request, opts.db)),
  );

  app.post(
    '/programs',
    {
      config: { capability: 'own' },
      schema: {
        tags: TAGS,
        summary: 'Create a program',
        description: requires(
          'own',
          'An owner limited to some programs gets the new program added to them. `tiers` are optional and validated as on PATCH. The loyalty settings `currency` (default USD), `earnRateMilli` (default 0, no earning) and `expiry` (default: never) are optional too: a c-store chain that only takes manufacturer promotions needs only `slug` and `name`.',
        ),
        security: SECURITY.bearer,
        body: NewProgramBody,
        response: {
          201: ProgramView,
          ...errors({ 400: 'ValidationError naming the field', 401: 'Unauthorized', 403: 'Forbidden', 409: 'Conflict: slug taken' }),
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const program = await createProgramAs(contextOf(request, opts.db), { ...b, expiry: b.expiry as ExpiryPolicy | undefined });
      return reply.status(201).send(program);
    },
  );

  app.get(
    '/programs/:programId',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'A program’s configuration',
        description: requires('read'),
        security: SECURITY.bearer,
        params: ProgramParams,
        response: { 200: ProgramView, ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound (also another program’s id)' }) },
      },
    },
    async (request) => getProgram(contextOf(request, opts.db), request.params.programId),
  );

  app.patch(
    '/programs/:programId',
    {
      config: { capability: 'manage' },
      schema: {
        tags: TAGS,
        summary: 'Change earning rate, minimum spend, expiry policy, claim window, receipt templates, tiers',
        description: requires(
          'manage',
          'Only the fields sent change; `tiers: null` removes the tiers. Tiers are refused (400 ValidationError naming the field, e.g. `tiers.tiers[1].name`) unless the window is 1 to 3660 days and the tiers (1 to 20) have unique, non-blank names and unique whole `minPoints` of 0 or more; they are stored lowest first. Audited as `program.update` with before/after. POS calls and the guest app see the change within the configuration cache time (5 s).',
        ),
        security: SECURITY.bearer,
        params: ProgramParams,
        body: ProgramPatchBody,
        response: { 200: ProgramView, ...errors({ 400: 'ValidationError naming the field', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => {
      const b = request.body;
      const program = await updateProgram(contextOf(request, opts.db), request.params.programId, { ...b, expiry: b.expiry as ExpiryPolicy | undefined });
      opts.loyalty.invalidate();
      return program;
    },
  );
}
