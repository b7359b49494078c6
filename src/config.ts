/** Configuration from flags and environment; flags win. */
export interface Config {
  databaseUrl: string;
  host: string;
  port: number;
  logLevel: string;
  publicUrl: string | null;
  otpTtlSeconds: number;
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/tillpoint.db';

export function loadConfig(flags: Partial<{ database: string; host: string; port: string | number }> = {}, env = process.env): Config {
  const port = Number(flags.port ?? env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port "${flags.port ?? env.PORT}" is not a TCP port`);
  return {
    databaseUrl: flags.database ?? env.TILLPOINT_DATABASE_URL ?? DEFAULT_DATABASE_URL,
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    port,
    logLevel: env.LOG_LEVEL ?? 'info',
    publicUrl: env.TILLPOINT_PUBLIC_URL ?? null,
    otpTtlSeconds: Number(env.TILLPOINT_OTP_TTL_SECONDS ?? 300),
  };
}
