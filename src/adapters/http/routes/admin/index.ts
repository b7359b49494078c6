import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { type AdminAuthService, type AdminPrincipal, type Capability, CAPABILITIES } from '../../../../app/admin-auth.service.ts';
import type { LoyaltyService } from '../../../../app/loyalty.service.ts';
import { AppError } from '../../../../errors.ts';
import type { Db } from '../../../db/database.ts';
import { errors } from '../../schemas/common.ts';
import { ADMIN_API_PLUGINS } from './admin-api.ts';
import { authorizeAdminRoute, LoginGuard } from './guard.ts';
import { cstoreAdminRoutes } from './cstore.routes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminPrincipal;
    /** the admin service's clock, read once when the request was authenticated */
    adminNow?: Date;
  }
}

/** What every admin route plugin receives. */
export interface AdminPluginOptions {
  db: Db;
  loyalty: LoyaltyService;
  auth: AdminAuthService;
  /** login brute-force protection; one per app by default */
  loginGuard?: LoginGuard;
}

/**
 * Admin route plugins, registered inside the authenticated /admin/v1 scope. Add yours here; use
 * `adminOf(request)`, `requireCapability` and `requireProgram` inside handlers.
 */
export const ADMIN_PLUGINS: FastifyPluginAsync<AdminPluginOptions>[] = [cstoreAdminRoutes, ...ADMIN_API_PLUGINS];

export const ADMIN_SECURITY = [{ bearer: [] }];

export function adminOf(request: FastifyRequest): AdminPrincipal {
  if (!request.admin) throw new AppError('Unauthorized');
  return request.admin;
}

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(\S{10,200})$/i.exec(header) : null;
  if (!m) throw new AppError('Unauthorized', 'Authorization: Bearer <token> header is missing');
  return m[1]!;
}

const Principal = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Type.String(),
  programIds: Type.Union([Type.Array(Type.String()), Type.Literal('*')]),
});

/** /admin/v1: log in for a bearer token, then every other route needs it. */
export async function adminRoutes(app: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
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

  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      request.admin = await opts.auth.authenticate(bearer(request));
      request.adminNow = opts.auth.now();
      authorizeAdminRoute(request);
    });
    scope.get(
      '/me',
      { schema: { tags: ['Admin'], summary: 'The logged-in user', security: ADMIN_SECURITY, response: { 200: Principal, ...errors({ 401: 'Unauthorized' }) } } },
      async (request) => adminOf(request),
    );
    scope.get(
      '/auth/me',
      {
        schema: {
          tags: ['Admin'],
          summary: 'The logged-in user and what their role may do',
          description: 'The back office hides what `capabilities` leave out; the API refuses it regardless (403).',
          security: ADMIN_SECURITY,
          response: { 200: Type.Composite([Principal, Type.Object({ capabilities: Type.Array(Type.Union(Object.keys(CAPABILITIES).map((c) => Type.Literal(c)))) })]), ...errors({ 401: 'Unauthorized' }) },
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
      { schema: { tags: ['Admin'], summary: 'Revoke this session token', security: ADMIN_SECURITY, response: { 204: Type.Null(), ...errors({ 401: 'Unauthorized' }) } } },
      async (request, reply) => {
        await opts.auth.logout(bearer(request));
        return reply.status(204).send();
      },
    );
    // `opts` carries this plugin's own `prefix`; passed on as is, every route would get /admin/v1 twice.
    const pluginOpts: AdminPluginOptions & { prefix?: string } = { ...opts };
    delete pluginOpts.prefix;
    for (const plugin of ADMIN_PLUGINS) await scope.register(plugin, pluginOpts);
  });
}
