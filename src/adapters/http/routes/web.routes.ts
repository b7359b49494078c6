import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../../errors.ts';

/** Where `npm run web:build` (and `npm ci`'s prepare, and `npm start`) put the back office. */
export const WEB_DIST = fileURLToPath(new URL('../../../../web/dist/', import.meta.url));

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tillpoint back office</title></head>
<body><h1>The back office is not built yet</h1><p>Run <code>npm run web:build</code> (or <code>npm start</code>, which builds it when missing) and reload this page.
The admin API itself is at <a href="/docs">/docs</a>.</p></body></html>`;

/**
 * The back office (web/, a React single-page app) at /admin: files of the built bundle, and
 * index.html for every other path so client-side routes survive a reload. The admin API lives
 * at /admin/v1 and keeps its own 404s: this route never answers under it.
 */
export async function webRoutes(app: FastifyInstance, opts: { root?: string } = {}): Promise<void> {
  const root = opts.root ?? WEB_DIST;
  await app.register(fastifyStatic, { root, serve: false, index: false });

  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/admin/'));

  const spa = async (path: string, reply: FastifyReply) => {
    if (!existsSync(join(root, 'index.html'))) return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    const file = normalize(path).replace(/^([/\\])+/, '');
    const full = join(root, file);
    if (file && !file.startsWith('..') && full.startsWith(root.endsWith(sep) ? root : root + sep) && existsSync(full) && statSync(full).isFile()) {
      // Hashed file names under assets/ never change; everything else is revalidated.
      return reply.sendFile(file, { maxAge: file.startsWith('assets/') ? '365d' : 0, immutable: file.startsWith('assets/'), cacheControl: true });
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  };

  app.get('/admin', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/admin/'));
  app.get<{ Params: { '*': string } }>('/admin/*', { schema: { hide: true } }, async (request, reply) => {
    const rest = request.params['*'];
    if (rest === 'v1' || rest.startsWith('v1/')) throw new AppError('NotFound', `No route ${request.method} ${request.url.split('?')[0]}`);
    return spa(rest, reply);
  });
}
