import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../../errors.ts';
import { WEB_DIST } from './web.routes.ts';

/** Where the build puts the guest pages (web/guest.html + web/src/guest, `vite.guest.config.ts`). */
export const GUEST_WEB_DIST = join(WEB_DIST, 'guest');
const ENTRY = 'guest.html';

/** The guest pages talk to the guest API only; images are the QR codes they draw (data: URLs). */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Not available yet</title></head>
<body><h1>This page is not available yet</h1><p>The guest pages are not built on this server. Please try again later.</p>
<p><small>Operators: run <code>npm run web:build</code> (or <code>npm start</code>, which builds them when missing).</small></p></body></html>`;

export const guestAppBuilt = (root: string): boolean => existsSync(join(root, ENTRY));

/** Sends the guest pages' HTML; the browser app routes by path (/r/…, /g/…). */
export function sendGuestApp(reply: FastifyReply, status = 200): FastifyReply {
  return (
    reply
      .status(status)
      .header('cache-control', 'no-store')
      // receipt codes are in the URL: do not hand them to other sites
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', CSP)
      .sendFile(ENTRY, { cacheControl: false })
  );
}

/**
 * The guest app for brands without one of their own, at `/g/{program}/…` (the program's slug, as
 * in the guest API's `/app/v1/{program}`), and the guest bundle's files at `/guest/…`. The receipt
 * page at `/r/{receiptCode}` is the same bundle (receipt-page.route.ts).
 */
export async function guestWebRoutes(app: FastifyInstance, opts: { root?: string } = {}): Promise<void> {
  const root = opts.root ?? GUEST_WEB_DIST;
  await app.register(fastifyStatic, { root, serve: false, index: false });

  const page = async (reply: FastifyReply) => {
    if (!guestAppBuilt(root)) return reply.status(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    return sendGuestApp(reply);
  };
  app.get<{ Params: { program: string } }>('/g/:program', { schema: { hide: true } }, async (request, reply) =>
    reply.redirect(`/g/${encodeURIComponent(request.params.program)}/`),
  );
  app.get('/g/:program/*', { schema: { hide: true } }, async (_request, reply) => page(reply));

  app.get<{ Params: { '*': string } }>('/guest/*', { schema: { hide: true } }, async (request, reply) => {
    const file = normalize(request.params['*']).replace(/^([/\\])+/, '');
    const full = join(root, file);
    if (file.startsWith('assets/') && full.startsWith(root.endsWith(sep) ? root : root + sep) && existsSync(full) && statSync(full).isFile()) {
      // Hashed file names under assets/ never change.
      return reply.sendFile(file, { maxAge: '365d', immutable: true, cacheControl: true });
    }
    throw new AppError('NotFound', `No file ${request.url.split('?')[0]}`);
  });
}
