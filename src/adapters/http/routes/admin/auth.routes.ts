import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type Capability, CAPABILITIES } from '../../../../app/admin-auth.service.ts';
import { AppError } from '../../../../errors.ts';
import { bearer, SECURITY } from '../../headers.ts';
import { errors } from '../../schemas/common.ts';
import { LoginGuard } from './login-guard.ts';
import { type AdminPluginOptions, adminOf } from './shared.ts';

const Principal = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  programIds: Type.Union([Type.Array(Type.String()), Type.Literal('*')]),
});

/** POST /auth/login: e-mail and password for a bearer token; the one admin route without one. */
export async function loginRoutes(app: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const loginGuard = opts.loginGuard ?? new LoginGuard();
  app.post<{ Body: { email: string; password: string } }>(
    '/auth/login',
    {
      schema: {
        tags: ['Admin'],
        summary: 'Log in with e-mail and password; answers a bearer token that expires',
        body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 200 }), password: Type.String({ minLength: 1, maxLength: 200 }) }),
        description: 'Five wrong passwords for one e-mail from one address within 15 minutes lock that pair out for 15 minutes (429 with retry-after).',
        response: {
          200: Type.Object({ token: Type.String(), expiresAt: Type.String(), user: Principal }),
          ...errors({ 400: 'ValidationError', 401: 'Wrong e-mail or password', 429: 'RateLimited: too many failed attempts' }),
        },
      },
    },
    async (request) => {
      const { email, password } = request.body;
      await loginGuard.before(email, request.ip);
      try {
        const session = await opts.auth.login(email, password);
        await loginGuard.succeeded(email, request.ip);
        return session;
      } catch (e) {
        if (e instanceof AppError && e.code === 'Unauthorized') await loginGuard.failed(email, request.ip);
        throw e;
      }
    },
  );
}

/** The session of the logged-in user: who they are, what their role may do, and logging out. */
export async function sessionRoutes(scope: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  scope.get(
    '/me',
    { schema: { tags: ['Admin'], summary: 'The logged-in user', security: SECURITY.bearer, response: { 200: Principal, ...errors({ 401: 'Unauthorized' }) } } },
    async (request) => adminOf(request),
  );
  scope.get(
    '/auth/me',
    {
      schema: {
        tags: ['Admin'],
        summary: 'The logged-in user and what their role may do',
        description: 'The back office hides what `capabilities` leave out; the API refuses it regardless (403).',
        security: SECURITY.bearer,
        response: {
          200: Type.Composite([Principal, Type.Object({ capabilities: Type.Array(Type.Union(Object.keys(CAPABILITIES).map((c) => Type.Literal(c)))) })]),
          ...errors({ 401: 'Unauthorized' }),
        },
      },
    },
    async (request) => {
      const admin = adminOf(request);
      const capabilities = (Object.keys(CAPABILITIES) as Capability[]).filter((c) => (CAPABILITIES[c] as readonly string[]).includes(admin.role));
      return { ...admin, capabilities };
    },
  );
  scope.post(
    '/auth/logout',
    {
      schema: {
        tags: ['Admin'],
        summary: 'Revoke this session token',
        security: SECURITY.bearer,
        response: { 204: Type.Null(), ...errors({ 401: 'Unauthorized' }) },
      },
    },
    async (request, reply) => {
      await opts.auth.logout(bearer(request));
      return reply.status(204).send();
    },
  );
}
