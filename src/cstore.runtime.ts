import type { Db } from './adapters/db/database.ts';
import { createRjrConnector, rjrSettingsFromEnv, type RjrConnector } from './adapters/manufacturers/rjr/rjr.connector.ts';
import { type CstoreConfig, loadCstoreConfig } from './app/cstore/cstore.config.ts';
import { Cstore } from './app/cstore/cstore.ts';
import { type CstoreDeps, type CstoreLogger, silentLogger } from './app/cstore/deps.ts';
import type { ManufacturerConnector } from './app/ports/manufacturer-connector.ts';

/**
 * Wiring of the c-store use cases: configuration, the RJR connector (one per base URL, so its
 * token cache is shared by every sync of the process) and one `Cstore` per database.
 */
export function rjrConnectorFactory(log: CstoreLogger = silentLogger, env: NodeJS.ProcessEnv = process.env): (baseUrl: string) => ManufacturerConnector {
  const settings = rjrSettingsFromEnv(env);
  const cache = new Map<string, RjrConnector>();
  const logger = { debug: () => {}, warn: (obj: object, msg: string) => log.warn(obj, msg) };
  return (baseUrl) => {
    let c = cache.get(baseUrl);
    if (!c) {
      c = createRjrConnector({ baseUrl, provider: settings.provider, timeoutMs: settings.timeoutMs, maxRetries: settings.maxRetries, logger });
      cache.set(baseUrl, c);
    }
    return c;
  };
}

const registry = new WeakMap<Db, Cstore>();

/** Builds the use cases for a database; anything in `overrides` (clock, connector, logger, config) wins. */
export function createCstore(db: Db, overrides: Partial<Omit<CstoreDeps, 'db'>> = {}): Cstore {
  const log = overrides.log ?? silentLogger;
  const config: CstoreConfig = overrides.config ?? loadCstoreConfig();
  return new Cstore({
    db,
    clock: overrides.clock ?? (() => new Date()),
    config,
    connectorFor: overrides.connectorFor ?? rjrConnectorFactory(log),
    log,
  });
}

/** The process's `Cstore` for a database, built with defaults on first use. */
export function cstoreFor(db: Db): Cstore {
  let c = registry.get(db);
  if (!c) {
    c = createCstore(db);
    registry.set(db, c);
  }
  return c;
}

/** Sets (or replaces) the `Cstore` the HTTP routes and jobs use for a database. */
export function configureCstore(db: Db, overrides: Partial<Omit<CstoreDeps, 'db'>> = {}): Cstore {
  const c = createCstore(db, overrides);
  registry.set(db, c);
  return c;
}
