import { SQLITE_SYNCHRONOUS_MODES, type SqliteSynchronous } from './adapters/db/database.ts';
import { LIMIT_STORES, type LimitStoreSetting } from './adapters/limits/limit-store.ts';

/** Configuration from flags and environment; flags win. */
export interface Config {
  databaseUrl: string;
  host: string;
  port: number;
  logLevel: string;
  publicUrl: string | null;
  otpTtlSeconds: number;
  /** SQLite durability (`TILLPOINT_SQLITE_SYNCHRONOUS`): `full` by default, `normal` trades power-loss safety for speed */
  sqliteSynchronous: SqliteSynchronous;
  /** `TILLPOINT_METRICS_TOKEN`: /metrics requires `Authorization: Bearer <token>`; null: open */
  metricsToken: string | null;
  /** `TILLPOINT_METRICS_PORT`: /metrics is served on this port (0: any free one) and not on the API's; null: on the API's port */
  metricsPort: number | null;
  /** `TILLPOINT_METRICS_HOST`: the interface of the metrics port (default HOST) */
  metricsHost: string;
  /** `TILLPOINT_LIMITS_STORE`: where brute-force limits live (auto: Redis if configured, else PostgreSQL, else memory) */
  limitsStore: LimitStoreSetting;
  /** `TILLPOINT_REDIS_URL`: a Redis for the shared limits */
  redisUrl: string | null;
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/tillpoint.db';

export function loadConfig(flags: Partial<{ database: string; host: string; port: string | number }> = {}, env = process.env): Config {
  const port = Number(flags.port ?? env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port "${flags.port ?? env.PORT}" is not a TCP port`);
  const metricsToken = env.TILLPOINT_METRICS_TOKEN ?? null;
  if (metricsToken !== null && !/^[\x21-\x7e]{16,200}$/.test(metricsToken)) throw new Error('TILLPOINT_METRICS_TOKEN must be 16 to 200 printable characters without spaces');
  let metricsPort: number | null = null;
  if (env.TILLPOINT_METRICS_PORT !== undefined) {
    metricsPort = Number(env.TILLPOINT_METRICS_PORT);
    if (env.TILLPOINT_METRICS_PORT.trim() === '' || !Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) throw new Error(`TILLPOINT_METRICS_PORT "${env.TILLPOINT_METRICS_PORT}" is not a TCP port`);
    if (metricsPort !== 0 && metricsPort === port) throw new Error(`TILLPOINT_METRICS_PORT ${metricsPort} is the API's port; leave it unset to serve /metrics there`);
  }
  const host = flags.host ?? env.HOST ?? '127.0.0.1';
  return {
    databaseUrl: flags.database ?? env.TILLPOINT_DATABASE_URL ?? DEFAULT_DATABASE_URL,
    host,
    port,
    logLevel: env.LOG_LEVEL ?? 'info',
    publicUrl: env.TILLPOINT_PUBLIC_URL ?? null,
    otpTtlSeconds: Number(env.TILLPOINT_OTP_TTL_SECONDS ?? 300),
    sqliteSynchronous: sqliteSynchronousFrom(env.TILLPOINT_SQLITE_SYNCHRONOUS),
    metricsToken,
    metricsPort,
    metricsHost: env.TILLPOINT_METRICS_HOST ?? host,
    limitsStore: limitsStoreFrom(env.TILLPOINT_LIMITS_STORE),
    redisUrl: redisUrlFrom(env.TILLPOINT_REDIS_URL),
  };
}

/** `TILLPOINT_SQLITE_SYNCHRONOUS`: `full` (default) or `normal`, any case; anything else stops the start. */
export function sqliteSynchronousFrom(text: string | undefined): SqliteSynchronous {
  const mode = (text ?? 'full').trim().toLowerCase();
  if (!(SQLITE_SYNCHRONOUS_MODES as readonly string[]).includes(mode)) {
    throw new Error(`TILLPOINT_SQLITE_SYNCHRONOUS "${text}" is neither full (durable: the default) nor normal (faster; an OS crash or power loss may lose the last acknowledged writes)`);
  }
  return mode as SqliteSynchronous;
}

function limitsStoreFrom(text: string | undefined): LimitStoreSetting {
  const value = (text ?? 'auto').trim().toLowerCase();
  if (!(LIMIT_STORES as readonly string[]).includes(value)) throw new Error(`TILLPOINT_LIMITS_STORE "${text}" is none of ${LIMIT_STORES.join(', ')}`);
  return value as LimitStoreSetting;
}

function redisUrlFrom(text: string | undefined): string | null {
  if (text === undefined || text.trim() === '') return null;
  if (!/^rediss?:\/\//.test(text)) throw new Error('TILLPOINT_REDIS_URL must be a redis:// or rediss:// URL');
  return text;
}
