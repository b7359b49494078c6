import type { FastifyInstance } from 'fastify';
import { createDb, type Db } from './adapters/db/database.ts';
import { migrateToLatest } from './adapters/db/migrator.ts';
import { buildApp } from './adapters/http/app.ts';
import { type MetricsServer, startMetricsServer } from './adapters/http/metrics-access.ts';
import { Metrics } from './adapters/http/metrics.ts';
import { createRjrConnector, type RjrConnector } from './adapters/manufacturers/rjr/rjr.connector.ts';
import { smtpLoginCodeSender } from './adapters/email/smtp.sender.ts';
import { type Tracing, TRACING_OFF } from './adapters/telemetry/tracing-off.ts';
import { AdminAuthService } from './app/admin-auth.service.ts';
import type { CstoreConfig } from './app/cstore/cstore.config.ts';
import { Cstore } from './app/cstore/cstore.ts';
import { type CstoreDeps, type CstoreLogger, silentLogger } from './app/cstore/deps.ts';
import { startDeliveryLoop, type DeliveryDeps, WebhookDeliverer } from './app/events/delivery.ts';
import { type GuestOptions, guestOptionsFrom } from './app/guest/guest-options.ts';
import { type LoginCodeSender, logLoginCodeSender, webhookLoginCodeSender } from './app/guest/login-code-sender.ts';
import { LoyaltyService } from './app/loyalty.service.ts';
import type { ManufacturerConnector } from './app/ports/manufacturer-connector.ts';
import { type Config, loadConfig } from './config.ts';
import type { JobScheduler } from './jobs/scheduler.ts';
import { openLimitStore } from './adapters/limits/limit-store.ts';
import { cryptoRandomIndex } from './lib/ids.ts';
import { loadSecretKey, type SecretKey } from './lib/secret-key.ts';
import { VERSION } from './version.ts';
import { renderBatch } from './adapters/pricebook/batch-render.ts';
import { scanDataPlugins } from './adapters/scandata/file-store.ts';

/**
 * The composition root: the one place that builds Tillpoint's services from the validated
 * configuration and hands them on — to the HTTP route plugins as options, to the scheduled jobs
 * as their context. No module looks a service up by itself.
 */

/** What can replace part of the wiring (tests; `--demo`): anything given wins. */
export interface RuntimeOptions {
  /** pino options, or false for silence; default `{ level: LOG_LEVEL }` */
  logger?: boolean | Record<string, unknown>;
  /** an open database (the runtime then leaves it open on close) */
  db?: Db;
  /** c-store wiring: clock, manufacturer connectors, logger, config */
  cstore?: Partial<Omit<CstoreDeps, 'db'>>;
  /** the guest API's sender, identity providers, clock; default from the config */
  guest?: GuestOptions;
  /** webhook delivery: clock, fetch, retry settings */
  webhooks?: Partial<Omit<DeliveryDeps, 'db' | 'secrets'>>;
  /** OpenTelemetry; default from the config (off without `OTEL_EXPORTER_OTLP_ENDPOINT`) */
  tracing?: Tracing;
}

export interface Runtime {
  config: Config;
  db: Db;
  metrics: Metrics;
  secretKey: SecretKey;
  loyalty: LoyaltyService;
  cstore: Cstore;
  app: FastifyInstance;
  /** Starts background work: webhook delivery, and the scheduled jobs unless `TILLPOINT_SCHEDULER=off`. `serve` calls it; tests usually don't. */
  startWorkers(): Promise<{ scheduler: JobScheduler | null }>;
  /** Opens the separate metrics port when `TILLPOINT_METRICS_PORT` is set; answers its URL (null when unset). */
  listenMetrics(): Promise<string | null>;
  close(): Promise<void>;
}

/**
 * The RJR connector for a base URL, one per URL (so its token cache is shared by every sync of the
 * process), with Tillpoint's provider credentials and limits from the config.
 */
export function rjrConnectorFactory(rjr: Config['rjr'], log: CstoreLogger = silentLogger): (baseUrl: string) => ManufacturerConnector {
  const cache = new Map<string, RjrConnector>();
  const logger = { debug: () => {}, warn: (obj: object, msg: string) => log.warn(obj, msg) };
  return (baseUrl) => {
    let c = cache.get(baseUrl);
    if (!c) {
      c = createRjrConnector({ baseUrl, provider: rjr.provider, timeoutMs: rjr.timeoutMs, maxRetries: rjr.maxRetries, logger });
      cache.set(baseUrl, c);
    }
    return c;
  };
}

/** The guest login-code sender the config names (`TILLPOINT_GUEST_LOGIN_SENDER`); `close` for those that hold connections. */
export function loginCodeSenderOf(guest: Config['guest']): LoginCodeSender & { close?(): void } {
  if (guest.loginSender === 'smtp' && guest.smtp) return smtpLoginCodeSender({ url: guest.smtp.url, from: guest.smtp.from });
  if (guest.loginSender === 'webhook' && guest.loginWebhookUrl) {
    return webhookLoginCodeSender({ url: guest.loginWebhookUrl, ...(guest.loginWebhookSecret ? { secret: guest.loginWebhookSecret } : {}) });
  }
  return logLoginCodeSender();
}

/** The guest API's options from a config: its sender, identity provider and session lifetime. */
export function guestOptionsOf(config: Config, sender: LoginCodeSender = loginCodeSenderOf(config.guest)): GuestOptions {
  return guestOptionsFrom(config.guest, sender);
}

/** The c-store settings of a config, sealing with the secret key's box. */
export function cstoreConfigOf(config: Config, key: SecretKey = loadSecretKey({ keyText: config.secretKey, production: config.production })): CstoreConfig {
  return {
    secrets: key.box,
    secretKeyIsDevDefault: key.isDevDefault,
    rjrBaseUrl: config.rjr.baseUrl,
    defaultSyncTime: config.sync.defaultTime,
    syncConcurrency: config.sync.concurrency,
    scanDataDir: config.scanData.dir,
    scanDataHoldPercent: config.scanData.holdPercent,
  };
}

/**
 * The c-store use cases over a database; anything in `overrides` (clock, connector, logger,
 * config) wins. The CLI's `sync rjr` and tests build theirs with it; `createRuntime` builds the
 * server's.
 *
 * @example
 * const cstore = createCstore(db, loadConfig({}, {}), { clock: () => now });
 */
export function createCstore(db: Db, config: Config = loadConfig({}, {}), overrides: Partial<Omit<CstoreDeps, 'db'>> = {}): Cstore {
  const log = overrides.log ?? silentLogger;
  return new Cstore({
    db,
    clock: overrides.clock ?? (() => new Date()),
    config: overrides.config ?? cstoreConfigOf(config),
    connectorFor: overrides.connectorFor ?? rjrConnectorFactory(config.rjr, log),
    log,
    renderBatch: overrides.renderBatch ?? renderBatch,
    scanData: overrides.scanData ?? scanDataPlugins(overrides.config?.scanDataDir ?? config.scanData.dir),
  });
}

/**
 * Wires database, use cases, jobs and HTTP together; migrates first. Does not listen. What only some
 * configurations use is imported when configured (OpenTelemetry with a collector, the shared limit
 * stores, pg-boss on PostgreSQL; pg and nodemailer load on first use), so a plain start stays cheap.
 */
export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const tracing =
    options.tracing ??
    (config.tracing.endpoint
      ? (await import('./adapters/telemetry/tracing.ts')).startTracing({
          endpoint: config.tracing.endpoint,
          serviceName: config.tracing.serviceName,
          version: VERSION,
        })
      : TRACING_OFF);
  const db = options.db ?? createDb(config.databaseUrl, { sqliteSynchronous: config.sqliteSynchronous, ...(tracing.onQuery ? { log: tracing.onQuery } : {}) });
  await migrateToLatest(db);
  const metrics = new Metrics();
  const warnings: string[] = [];
  const secretKey = loadSecretKey({ keyText: config.secretKey, production: config.production, warn: (m) => warnings.push(m) });
  const limits = await openLimitStore({ store: config.limitsStore, redisUrl: config.redisUrl }, db);
  const loyalty = new LoyaltyService({
    db,
    randomIndex: cryptoRandomIndex,
    otpTtlSeconds: config.otpTtlSeconds,
    publicUrl: config.publicUrl ?? `http://${config.host}:${config.port}`,
    observer: metrics.observer(),
    limiters: limits.limiters,
  });
  const adminAuth = new AdminAuthService(db.kysely);
  // The c-store use cases log through the app's logger, which exists once the app is built.
  let cstoreLogger: CstoreLogger = silentLogger;
  const cstoreLog: CstoreLogger = options.cstore?.log ?? {
    debug: (o, m) => cstoreLogger.debug(o, m),
    info: (o, m) => cstoreLogger.info(o, m),
    warn: (o, m) => cstoreLogger.warn(o, m),
    error: (o, m) => cstoreLogger.error(o, m),
  };
  const cstore = createCstore(db, config, { config: cstoreConfigOf(config, secretKey), ...options.cstore, log: cstoreLog });
  let sender: ReturnType<typeof loginCodeSenderOf> | null = null;
  const guest = options.guest ?? guestOptionsOf(config, (sender = loginCodeSenderOf(config.guest)));
  const app = await buildApp({
    db,
    loyalty,
    adminAuth,
    cstore,
    secrets: secretKey.box,
    metrics,
    version: VERSION,
    logger: options.logger ?? { level: config.logLevel },
    guest,
    tracing,
    metricsAccess: { token: config.metricsToken, onMainPort: config.metricsPort === null },
    limiters: limits.limiters,
  });
  cstoreLogger = app.log.child({ module: 'cstore' });
  for (const w of warnings) app.log.warn(w);
  app.log.debug({ limits: limits.kind }, 'brute-force limits held in %s', limits.kind);
  const workers: { stop(): Promise<void> }[] = [];
  let metricsServer: MetricsServer | null = null;
  return {
    config,
    db,
    metrics,
    secretKey,
    loyalty,
    cstore,
    app,
    async startWorkers() {
      const deliverer = new WebhookDeliverer({ ...options.webhooks, db: db.kysely, secrets: secretKey.box });
      workers.push(startDeliveryLoop(deliverer, { onError: (e) => app.log.error({ err: e }, 'webhook delivery round failed') }));
      if (!config.scheduler.enabled) return { scheduler: null };
      const { pgBossSchema, startScheduler } = await import('./jobs/scheduler.ts');
      const scheduler = await startScheduler({
        db,
        databaseUrl: config.databaseUrl,
        cstore,
        log: app.log.child({ module: 'jobs' }),
        observer: metrics.jobObserver(),
        pgBoss: { schema: pgBossSchema(db, config.scheduler.pgBossSchema) },
      });
      workers.push(scheduler);
      app.log.info({ scheduler: scheduler.kind }, 'scheduled jobs started');
      return { scheduler };
    },
    async listenMetrics() {
      if (config.metricsPort === null) return null;
      metricsServer ??= await startMetricsServer(metrics, { host: config.metricsHost, port: config.metricsPort, token: config.metricsToken });
      return metricsServer.url;
    },
    async close() {
      await metricsServer?.close();
      await Promise.all(workers.map((w) => w.stop()));
      await app.close();
      await limits.close();
      sender?.close?.();
      if (!options.db) await db.close();
      if (!options.tracing) await tracing.shutdown();
    },
  };
}
