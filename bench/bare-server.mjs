/* global process */
import Fastify from 'fastify';

/**
 * The pos-flow bench's floor: a bare Fastify server (no logger, hooks, plugins) with one trivial
 * route shaped like /healthz, run by the same Node on the same machine as Tillpoint's server.
 * Plain JavaScript, as Tillpoint's server runs compiled (dist/). Prints `serving on <url>` like `tillpoint serve`.
 */
const app = Fastify({ logger: false });
app.get('/bare', async () => ({ status: 'ok', version: 'bare' }));
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`serving on ${url}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
