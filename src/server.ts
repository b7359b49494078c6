import type { FastifyInstance } from 'fastify';
import { createDb, type Db } from './adapters/db/database.ts';
import { migrateToLatest } from './adapters/db/migrator.ts';
import { buildApp } from './adapters/http/app.ts';
import { type MetricsServer, startMetricsServer } from './adapters/http/metrics-access.ts';
import { Metrics } from './adapters/http/metrics.ts';
import { AdminAuthService } from './app/admin-auth.service.ts';
import { startDeliveryLoop, WebhookDeliverer } from './app/events/delivery.ts';
import { webhookSecretBox } from './app/events/signing.ts';
import { LoyaltyService } from './app/loyalty.service.ts';
import { openLimitStore } from './adapters/limits/limit-store.ts';
import type { Config } from './config.ts';
import { cryptoRandomIndex } from './lib/ids.ts';
import { VERSION } from './version.ts';

export interface Runtime {
  db: Db;
  metrics: Metrics;
  loyalty: LoyaltyService;
  app: FastifyInstance;
  /** Starts background work (webhook delivery); `serve` calls it, tests usually don't. */
  startWorkers(): void;
  /** Opens the separate metrics port when `TILLPOINT_METRICS_PORT` is set; answers its URL (null when unset). */
  listenMetrics(): Promise<string | null>;
  close(): Promise<void>;
}

/** Wires database, use cases and HTTP together; migrates first. Does not listen. */
export async function createRuntime(config: Config, options: { logger?: boolean | Record<string, unknown>; db?: Db } = {}): Promise<Runtime> {
  const db = options.db ?? createDb(config.databaseUrl, { sqliteSynchronous: config.sqliteSynchronous });
  await migrateToLatest(db);
  const metrics = new Metrics();
  const limits = openLimitStore({ store: config.limitsStore, redisUrl: config.redisUrl }, db);
  const loyalty = new LoyaltyService({
    db,
    randomIndex: cryptoRandomIndex,
    otpTtlSeconds: config.otpTtlSeconds,
    publicUrl: config.publicUrl ?? `http://${config.host}:${config.port}`,
    observer: metrics.observer(),
    limiters: limits.limiters,
  });
  const adminAuth = new AdminAuthService(db.kysely);
  const app = await buildApp({
    db,
    loyalty,
    adminAuth,
    metrics,
    version: VERSION,
    logger: options.logger ?? { level: config.logLevel },
    metricsAccess: { token: config.metricsToken, onMainPort: config.metricsPort === null },
    limiters: limits.limiters,
  });
  app.log.debug({ limits: limits.kind }, 'brute-force limits held in %s', limits.kind);
  const workers: { stop(): Promise<void> }[] = [];
  let metricsServer: MetricsServer | null = null;
  return {
    db,
    metrics,
    loyalty,
    app,
    startWorkers() {
      const deliverer = new WebhookDeliverer({ db: db.kysely, secrets: webhookSecretBox() });
      workers.push(startDeliveryLoop(deliverer, { onError: (e) => app.log.error({ err: e }, 'webhook delivery round failed') }));
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
      if (!options.db) await db.close();
    },
  };
}
