import type { Db } from '../../src/adapters/db/database.ts';
import type { CstoreDeps } from '../../src/app/cstore/deps.ts';
import { loadConfig } from '../../src/config.ts';
import { loadSecretKey } from '../../src/lib/secret-key.ts';
import { createCstore, cstoreConfigOf } from '../../src/server.ts';

/**
 * The services `buildApp` takes besides the loyalty ones, as the composition root builds them from
 * a configuration (default: every variable at its default, the development secret key); anything
 * in `cstore` wins.
 */
export function appServices(db: Db, env: Record<string, string> = {}, cstore: Partial<Omit<CstoreDeps, 'db'>> = {}) {
  const config = loadConfig({}, env);
  const key = loadSecretKey({ keyText: config.secretKey, production: false });
  return { cstore: createCstore(db, config, { config: cstoreConfigOf(config, key), ...cstore }), secrets: key.box };
}
