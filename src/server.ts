import type { FastifyInstance } from 'fastify';
import { createDb, type Db } from './adapters/db/database.ts';
import { migrateToLatest } from './adapters/db/migrator.ts';
import { buildApp } from './adapters/http/app.ts';
import { Metrics } from './adapters/http/metrics.ts';
import { AdminAuthService } from './app/admin-auth.service.ts';
import { startDeliveryLoop, WebhookDeliverer } from './app/events/delivery.ts';
import { webhookSecretBox } from './app/events/signing.ts';
import { LoyaltyService } from './app/loyalty.service.ts';
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
  close(): Promise<void>;
}

/** Wires database, use cases and HTTP together; migrates first. Does not listen. */
export async function createRuntime(config: Config, options: { logger?: boolean | Record<string, unknown>; db?: Db } = {}): Promise<Runtime> {
  const db = options.db ?? createDb(config.databaseUrl, { sqliteSynchronous: config.sqliteSynchronous });
  await migrateToLatest(db);
  const metrics = new Metrics();
  const loyalty = new LoyaltyService({
    db,
    randomIndex: cryptoRandomIndex,
    otpTtlSeconds: config.otpTtlSeconds,
    publicUrl: config.publicUrl ?? `http://${config.host}:${config.port}`,
    observer: metrics.observer(),
  });
  const adminAuth = new AdminAuthService(db.kysely);
  const app = await buildApp({ db, loyalty, adminAuth, metrics, version: VERSION, logger: options.logger ?? { level: config.logLevel } });
  const workers: { stop(): Promise<void> }[] = [];
  return {
    db,
    metrics,
    loyalty,
    app,
    startWorkers() {
      const deliverer = new WebhookDeliverer({ db: db.kysely, secrets: webhookSecretBox() });
      workers.push(startDeliveryLoop(deliverer, { onError: (e) => app.log.error({ err: e }, 'webhook delivery round failed') }));
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await app.close();
      if (!options.db) await db.close();
    },
  };
}
