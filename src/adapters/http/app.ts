import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import sjson from 'secure-json-parse';
import type { AdminAuthService } from '../../app/admin-auth.service.ts';
import type { Cstore } from '../../app/cstore/cstore.ts';
import type { GuestOptions } from '../../app/guest/guest-options.ts';
import type { LoyaltyService } from '../../app/loyalty.service.ts';
import { AppError } from '../../errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import type { Db } from '../db/database.ts';
import type { Tracing } from '../telemetry/tracing.ts';
import { installErrorHandling } from './error-handler.ts';
import type { MetricsAccess } from './metrics-access.ts';
import type { Metrics } from './metrics.ts';
import type { LimiterFactory } from '../../app/ports/limiter.ts';
import { LoginGuard } from './routes/admin/login-guard.ts';
import { adminRoutes } from './routes/admin/index.ts';
import { agentRoutes } from './routes/agent.routes.ts';
import { opsRoutes } from './routes/ops.routes.ts';
import { guestRoutes } from './routes/guest.routes.ts';
import { guestWebRoutes } from './routes/guest-web.routes.ts';
import { posRoutes } from './routes/pos.routes.ts';
import { hardenRequestSchema, ErrorEnvelope, RulesErrorEnvelope } from './schemas/common.ts';
import { controlCharError, controlCharField, mayHoldControlChars, nestsDeeperThan } from './input-guard.ts';
import { MAX_JSON_DEPTH } from '../../domain/limits.ts';
import { receiptPageRoutes } from './routes/receipt-page.route.ts';
import { webRoutes } from './routes/web.routes.ts';
import { POS_SCHEMAS } from './schemas/pos.ts';

export interface AppOptions {
  db: Db;
  loyalty: LoyaltyService;
  adminAuth: AdminAuthService;
  /** the c-store use cases (admin c-store routes and the agent API) */
  cstore: Cstore;
  /** the secret-key box that seals webhook signing secrets */
  secrets: SecretBox;
  metrics: Metrics;
  version: string;
  /** pino options, or false for silence (tests). */
  logger: boolean | Record<string, unknown>;
  bodyLimit?: number;
  /** The guest API's sender, identity providers, clock …; default: the `log` sender and built-in limits (`serve` passes the configured ones). */
  guest?: GuestOptions;
  /** Who may read /metrics on this app (default: open, on this port). */
  metricsAccess?: MetricsAccess;
  /** the built back office (default web/dist); the guest pages are its guest/ folder */
  webRoot?: string;
  /** OpenTelemetry (src/adapters/telemetry/tracing.ts): its request instrumentation and log mixin, when on */
  tracing?: Pick<Tracing, 'fastifyPlugin' | 'logMixin'>;
  /** where brute-force limits are held (logins, codes); default: this process */
  limiters?: LimiterFactory;
}

/** Fastify's logger is pino when logging is on; its type does not say so. */
type LevelAware = FastifyBaseLogger & { isLevelEnabled(level: string): boolean };

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** Builds the HTTP application without listening, so tests can `inject` into it. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            ...(opts.logger === true ? {} : opts.logger),
            ...(opts.tracing?.logMixin ? { mixin: opts.tracing.logMixin } : {}),
            redact: { paths: ['req.headers["x-api-key"]', 'req.headers.authorization'], remove: true },
          },
    // One log line per request (onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit ?? 256 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Request spans wrap every hook and route, so the instrumentation comes before any of them.
  if (opts.tracing?.fastifyPlugin) await app.register(opts.tracing.fastifyPlugin);

  // JSON with prototype-poisoning protection; an empty body is allowed (void needs none) and left
  // to each route's schema to require.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    if (nestsDeeperThan(text))
      return done(new AppError('ValidationError', `body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`, { field: 'body' }), undefined);
    let parsed: unknown;
    try {
      parsed = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      return done(new AppError('ValidationError', 'body is not valid JSON', { field: 'body' }), undefined);
    }
    // Walk the body only when its text may hold a control character (rare): the POS path stays cheap.
    const path = mayHoldControlChars(text) ? controlCharField(parsed) : null;
    if (path !== null) return done(controlCharError('body', path), undefined);
    done(null, parsed);
  });

  // Every route's integers are bounded (a 32-bit column's range unless its schema says more), and no
  // text a client sends may hold control characters (PostgreSQL refuses a NUL byte, SQLite keeps
  // it): the JSON parser above checks bodies, this hook the path and query.
  app.addHook('onRoute', (route) => {
    for (const part of ['body', 'querystring', 'params', 'headers'] as const) hardenRequestSchema(route.schema?.[part]);
  });
  // The global per-request work is two synchronous hooks (callback style: no promise per hook, see
  // docs/architecture.md, "Per-request cost"). onRequest echoes the request id (set this early, every
  // answer carries it, errors and 404s too) and checks path and query for control characters before
  // any authentication hook looks a program or token up by them.
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    let where: 'params' | 'querystring' = 'params';
    let path = controlCharField(request.params);
    if (path === null) {
      where = 'querystring';
      path = controlCharField(request.query);
    }
    done(path === null ? undefined : controlCharError(where, path));
  });
  // onResponse: the latency histogram and one log line per request (built only when info is on).
  const logging = opts.logger !== false;
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    const ms = reply.elapsedTime;
    opts.metrics.observeRequest(request.method, route, reply.statusCode, ms);
    if (logging && (request.log as LevelAware).isLevelEnabled('info'))
      request.log.info({ method: request.method, route, statusCode: reply.statusCode, ms: Math.round(ms * 100) / 100 }, 'request completed');
    done();
  });

  installErrorHandling(app);

  app.addSchema(ErrorEnvelope);
  app.addSchema(RulesErrorEnvelope);
  for (const s of POS_SCHEMAS) {
    hardenRequestSchema(s);
    app.addSchema(s);
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tillpoint',
        version: opts.version,
        description:
          'Loyalty API v1 for POS and kiosk vendors (identify, validate, update, unclaimed, void) and the operations endpoints. Errors use `{ code, statusCode, message, details? }`; rule failures answer 400 `RulesError` with one `ruleEvaluation` entry per failed rule. Money in order lines is in major units ("5.00"), payments in minor units (500).',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'POS key, issued per program, vendor and environment' },
          bearer: { type: 'http', scheme: 'bearer', description: 'Admin session token from POST /admin/v1/auth/login' },
        },
      },
      tags: [
        { name: 'POS', description: 'Loyalty API v1, called by POS and kiosk vendors' },
        { name: 'Admin', description: 'Back-office API (bearer token; roles owner, program_manager, support, read_only)' },
        { name: 'Operations', description: 'Health, readiness, metrics' },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string | undefined) ?? `def-${i}` },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(opsRoutes, {
    db: opts.db,
    metrics: opts.metrics,
    version: opts.version,
    ...(opts.metricsAccess ? { metricsAccess: opts.metricsAccess } : {}),
  });
  await app.register(posRoutes, { loyalty: opts.loyalty, db: opts.db.kysely, cstore: opts.cstore, ...(opts.limiters ? { limiters: opts.limiters } : {}) });
  await app.register(guestRoutes, { ...opts, prefix: '/app/v1' });
  const guestRoot = opts.webRoot ? join(opts.webRoot, 'guest') : undefined;
  await app.register(receiptPageRoutes, { db: opts.db, ...(opts.guest?.clock ? { clock: opts.guest.clock } : {}), ...(guestRoot ? { guestRoot } : {}) });
  await app.register(adminRoutes, {
    prefix: '/admin/v1',
    db: opts.db,
    loyalty: opts.loyalty,
    auth: opts.adminAuth,
    cstore: opts.cstore,
    secrets: opts.secrets,
    ...(opts.limiters ? { loginGuard: new LoginGuard(undefined, opts.limiters) } : {}),
  });
  await app.register(agentRoutes, { prefix: '/agent/v1', db: opts.db, cstore: opts.cstore });
  await app.register(webRoutes, opts.webRoot ? { root: opts.webRoot } : {});
  await app.register(guestWebRoutes, guestRoot ? { root: guestRoot } : {});
  return app;
}
