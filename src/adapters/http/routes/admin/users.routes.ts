import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { createAdminUser, disableAdminUser, listAdminUsers } from '../../../../app/admin/users.ts';
import { errors } from '../../schemas/common.ts';
import { AdminUserView, Id, NewAdminUserBody } from '../../schemas/admin.ts';
import { SECURITY } from '../../headers.ts';
import { type AdminPluginOptions, contextOf, requires } from './shared.ts';

const TAGS = ['Admin: users'];

/** Back-office users (owners only): list, create with a role and programs, disable. */
export async function usersRoutes(fastify: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/users',
    {
      config: { capability: 'own' },
      schema: {
        tags: TAGS,
        summary: 'Back-office users (an owner of some programs sees users of those programs only)',
        description: requires('own'),
        security: SECURITY.bearer,
        response: { 200: Type.Array(AdminUserView), ...errors({ 401: 'Unauthorized', 403: 'Forbidden' }) },
      },
    },
    async (request) => listAdminUsers(contextOf(request, opts.db)),
  );

  app.post(
    '/users',
    {
      config: { capability: 'own' },
      schema: {
        tags: TAGS,
        summary: 'Create a back-office user with a role and programs',
        description: requires(
          'own',
          'Owners can grant only programs they have; "*" only an owner of every program. Passwords: 10+ characters, stored as scrypt.',
        ),
        security: SECURITY.bearer,
        body: NewAdminUserBody,
        response: {
          201: AdminUserView,
          ...errors({
            400: 'ValidationError naming the field',
            401: 'Unauthorized',
            403: 'Forbidden',
            404: 'NotFound: a program in programIds',
            409: 'Conflict: e-mail taken',
          }),
        },
      },
    },
    async (request, reply) => reply.status(201).send(await createAdminUser(contextOf(request, opts.db), request.body)),
  );

  app.post(
    '/users/:userId/disable',
    {
      config: { capability: 'own' },
      schema: {
        tags: TAGS,
        summary: 'Disable a user; their sessions end at once',
        description: requires('own', 'You cannot disable yourself.'),
        security: SECURITY.bearer,
        params: Type.Object({ userId: Id }),
        response: { 200: AdminUserView, ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict: yourself' }) },
      },
    },
    async (request) => disableAdminUser(contextOf(request, opts.db), request.params.userId),
  );
}
