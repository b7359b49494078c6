import { SecretBox } from '../../lib/secret-box.ts';

/** Deployment settings of the c-store integration, from the environment. */
export interface CstoreConfig {
  secrets: SecretBox;
  /** true when no TILLPOINT_SECRET_KEY was given and a development key is in use */
  secretKeyIsDevDefault: boolean;
  /** the RJR Discount API base URL (an enrollment may override it, e.g. to point at the simulator) */
  rjrBaseUrl: string;
  /** store-local HH:MM of the daily sync when a location sets none */
  defaultSyncTime: string;
  /** locations synced at the same time by one process */
  syncConcurrency: number;
}

export const DEFAULT_SYNC_TIME = '03:00';
export const DEFAULT_RJR_BASE_URL = 'http://127.0.0.1:4010';
const DEV_KEY_PASSPHRASE = 'tillpoint-development-secret-key-do-not-use-in-production';
export const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

let warned = false;

export function loadCstoreConfig(env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): CstoreConfig {
  const keyText = env.TILLPOINT_SECRET_KEY;
  if (!keyText && env.NODE_ENV === 'production') throw new Error('TILLPOINT_SECRET_KEY is required in production (32 bytes as 64 hex characters, or a long passphrase)');
  if (!keyText && !warned && !env.VITEST) {
    warned = true;
    warn('tillpoint: TILLPOINT_SECRET_KEY is not set; manufacturer credentials are sealed with a development key. Set it before storing real credentials.');
  }
  const syncTime = env.TILLPOINT_SYNC_TIME ?? DEFAULT_SYNC_TIME;
  if (!HH_MM.test(syncTime)) throw new Error(`TILLPOINT_SYNC_TIME "${syncTime}" is not HH:MM`);
  const concurrency = Number(env.TILLPOINT_SYNC_CONCURRENCY ?? 4);
  return {
    secrets: SecretBox.fromKeyText(keyText ?? DEV_KEY_PASSPHRASE),
    secretKeyIsDevDefault: !keyText,
    rjrBaseUrl: (env.TILLPOINT_RJR_BASE_URL ?? DEFAULT_RJR_BASE_URL).replace(/\/+$/, ''),
    defaultSyncTime: syncTime,
    syncConcurrency: Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 4,
  };
}
