import type { FastifyInstance } from 'fastify';
import { createDb, type Db } from './adapters/db/database.ts';
import { migrateToLatest } from './adapters/db/migrator.ts';
import { buildApp } from './adapters/http/app.ts';
import { Metrics } from './adapters/http/metrics.ts';
import { AdminAuthService } from './app/admin-auth.service.ts';
import { LoyaltyService } from './app/loyalty.service.ts';
import type { Config } from './config.ts';
import { cryptoRandomIndex } from './lib/ids.ts';
import { VERSION } from './version.ts';

export interface Runtime {
  db: Db;
  loyalty: LoyaltyService;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Wires database, use cases and HTTP together; migrates first. Does not listen. */
export async function createRuntime(config: Config, options: { logger?: boolean | Record<string, unknown>; db?: Db } = {}): Promise<Runtime> {
  const db = options.db ?? createDb(config.databaseUrl);
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
  return {
    db,
    loyalty,
    app,
    async close() {
      await app.close();
      if (!options.db) await db.close();
    },
  };
}
