import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { bearer } from '../../headers.ts';
import { ADMIN_API_PLUGINS } from './admin-api.ts';
import { loginRoutes, sessionRoutes } from './auth.routes.ts';
import { CSTORE_ADMIN_PLUGINS } from './cstore/index.ts';
import { type AdminPluginOptions, authorizeAdminBody, authorizeAdminRoute } from './shared.ts';

export type { AdminPluginOptions } from './shared.ts';

/**
 * Admin route plugins, registered inside the authenticated /admin/v1 scope. Add yours here: one
 * file per resource, importing only `./shared.ts` (options, `adminOf`, `requires`, `contextOf`)
 * and declaring each route's capability in its config.
 */
export const ADMIN_PLUGINS: FastifyPluginAsync<AdminPluginOptions>[] = [sessionRoutes, ...CSTORE_ADMIN_PLUGINS, ...ADMIN_API_PLUGINS];

/** /admin/v1: log in for a bearer token, then every other route needs it. */
export async function adminRoutes(app: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  // `opts` carries this plugin's own `prefix`; passed on as is, every route would get /admin/v1 twice.
  const pluginOpts: AdminPluginOptions & { prefix?: string } = { ...opts };
  delete pluginOpts.prefix;
  await app.register(loginRoutes, pluginOpts);
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      request.admin = await opts.auth.authenticate(bearer(request));
      request.adminNow = opts.auth.now();
      authorizeAdminRoute(request);
    });
    scope.addHook('preHandler', async (request) => authorizeAdminBody(request));
    for (const plugin of ADMIN_PLUGINS) await scope.register(plugin, pluginOpts);
  });
}
