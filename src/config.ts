import { dirname, join } from 'node:path';
import { type Static, type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { SQLITE_SYNCHRONOUS_MODES, type SqliteSynchronous } from './adapters/db/database.ts';
import { maskSecret } from './lib/secret-box.ts';
import { LIMIT_STORES, type LimitStoreSetting } from './adapters/limits/limit-store.ts';

/**
 * Every environment variable Tillpoint reads, in one TypeBox schema: its type, default and
 * meaning, and whether it is a secret (`tillpoint config` masks those). `loadConfig` validates the
 * environment against it once, at start; nothing else reads `process.env`. The README's
 * configuration table is generated from it (`tillpoint config --markdown`; a test keeps them equal).
 *
 * `defaultText` is what the table and `tillpoint config` show when the default is not a literal
 * (it follows another variable, or there is none).
 */
const DEFAULT_DATABASE_URL = 'sqlite:./data/tillpoint.db';
const port = (description: string, extra: object = {}) => Type.Integer({ minimum: 0, maximum: 65535, description, ...extra });
const url = (description: string, extra: object = {}) => Type.String({ pattern: '^https?://\\S+$', expected: 'an http(s) URL', description, ...extra });
const oneOf = <T extends string>(values: readonly T[], description: string, extra: object = {}) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description, ...extra },
  ) as unknown as TUnion<TLiteral<T>[]>;

export const ENV_SCHEMA = Type.Object({
  NODE_ENV: Type.String({ default: 'development', description: '`production` makes missing secrets and development-only settings stop the start' }),
  PORT: port('TCP port of the API (flag `--port`)', { default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'interface to listen on (flag `--host`)' }),
  LOG_LEVEL: oneOf<string>(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'pino level; one JSON line per request with its request id', {
    default: 'info',
  }),
  TILLPOINT_DATABASE_URL: Type.String({
    pattern: '^(sqlite:|postgres(ql)?://)',
    expected: 'sqlite:PATH or postgres://…',
    default: DEFAULT_DATABASE_URL,
    description: '`sqlite:PATH` (embedded) or `postgres://user@host:5432/db` (flag `--database`)',
  }),
  TILLPOINT_SQLITE_SYNCHRONOUS: oneOf(
    SQLITE_SYNCHRONOUS_MODES,
    '`full`: every acknowledged write is on disk (survives a power loss); `normal`: faster, survives a process crash only',
    { default: 'full', caseless: true },
  ),
  TILLPOINT_PUBLIC_URL: Type.Optional(
    url('base of the claim URL printed on receipts (`/r/<receiptCode>`, [docs/guest-api.md](docs/guest-api.md#claiming-a-receipt))', {
      defaultText: 'http://HOST:PORT',
    }),
  ),
  TILLPOINT_OTP_TTL_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 300, description: 'lifetime of one-time guest codes' }),
  TILLPOINT_METRICS_TOKEN: Type.Optional(
    Type.String({
      pattern: '^[\\x21-\\x7e]{16,200}$',
      expected: '16 to 200 printable characters without spaces',
      secret: true,
      defaultText: 'unset (open)',
      description: '`/metrics` requires `Authorization: Bearer <token>`',
    }),
  ),
  TILLPOINT_METRICS_PORT: Type.Optional(port("serve `/metrics` on this port (0: any free one) instead of the API's", { defaultText: 'unset (API port)' })),
  TILLPOINT_METRICS_HOST: Type.Optional(Type.String({ minLength: 1, defaultText: 'HOST', description: 'interface of the metrics port' })),
  TILLPOINT_SECRET_KEY: Type.Optional(
    Type.String({
      minLength: 16,
      expected: '32 bytes (64 hex characters or base64) or a passphrase of at least 16 characters',
      secret: true,
      defaultText: 'development key (warned; required in production)',
      description: 'seals webhook secrets and manufacturer credentials at rest (AES-256-GCM)',
    }),
  ),
  TILLPOINT_ADMIN_PASSWORD: Type.Optional(
    Type.String({ minLength: 1, secret: true, defaultText: 'generated, printed once', description: 'password of `tillpoint admin create-user`' }),
  ),
  TILLPOINT_GUEST_LOGIN_SENDER: oneOf(
    ['log', 'webhook', 'smtp'] as const,
    'how guest login codes are delivered: `log` (development), `webhook` or `smtp` (e-mail) ([docs/guest-api.md](docs/guest-api.md))',
    { default: 'log', caseless: true },
  ),
  TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION: Type.Boolean({
    default: false,
    description: 'with `NODE_ENV=production` the `log` sender stops the start unless this is `true`',
  }),
  TILLPOINT_GUEST_LOGIN_WEBHOOK_URL: Type.Optional(url('where the `webhook` sender POSTs login codes')),
  TILLPOINT_GUEST_LOGIN_WEBHOOK_SECRET: Type.Optional(
    Type.String({ minLength: 1, secret: true, description: 'signs the login-code webhook (Standard Webhooks; `whsec_…` or any text)' }),
  ),
  TILLPOINT_SMTP_URL: Type.Optional(
    Type.String({
      pattern: '^smtps?://\\S+$',
      expected: 'smtp://user:pass@host:587 or smtps://…:465',
      secret: true,
      description: 'the SMTP server of the `smtp` sender (STARTTLS when offered; `smtps:` for TLS from the start)',
    }),
  ),
  TILLPOINT_SMTP_FROM: Type.Optional(
    Type.String({ minLength: 3, description: 'the From header of login-code e-mails, e.g. `"Burger Club" <no-reply@example.com>`' }),
  ),
  TILLPOINT_GUEST_JWT_ISSUER: Type.Optional(
    Type.String({ minLength: 1, description: "an external identity provider's required `iss` (with `TILLPOINT_GUEST_JWKS_URL`)" }),
  ),
  TILLPOINT_GUEST_JWKS_URL: Type.Optional(url("the provider's JSON Web Key Set")),
  TILLPOINT_GUEST_JWT_AUDIENCE: Type.Optional(Type.String({ minLength: 1, description: 'required `aud` of provider JWTs (comma-separated: any of)' })),
  TILLPOINT_GUEST_SESSION_TTL_SECONDS: Type.Integer({ minimum: 60, default: 30 * 86_400, description: 'lifetime of guest session tokens (default 30 days)' }),
  TILLPOINT_RJR_BASE_URL: url("the RJR Discount API; an enrollment's `baseUrl` overrides it", { default: 'http://127.0.0.1:4010' }),
  TILLPOINT_RJR_CLIENT_ID: Type.Optional(Type.String({ minLength: 1, description: "Tillpoint's RJR provider client id, for single-store enrollments" })),
  TILLPOINT_RJR_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1, secret: true, description: "Tillpoint's RJR provider client secret" })),
  TILLPOINT_RJR_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 10_000, description: 'per RJR request' }),
  TILLPOINT_RJR_MAX_RETRIES: Type.Integer({ minimum: 0, default: 3, description: 'retries of a failed RJR request' }),
  TILLPOINT_RJR_SIMULATOR_PORT: port("the `--demo` server's in-process RJR simulator (a free one when taken)", { default: 4010 }),
  TILLPOINT_DEMO_CSTORE: oneOf(
    ['all', 'chain', 'off'] as const,
    'what `--demo` seeds for the c-store side: `all` the `quickstop` chain, its in-process RJR simulator and a week of c-store sales; `chain` without the week of sales; `off` neither (the loyalty demo only; faster starts, e.g. in tests)',
    { default: 'all', caseless: true },
  ),
  TILLPOINT_SYNC_TIME: Type.String({
    pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
    expected: 'HH:MM',
    default: '03:00',
    description: 'store-local time of the daily promotion sync',
  }),
  TILLPOINT_SYNC_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 4, description: 'locations synced at once per process' }),
  TILLPOINT_SCANDATA_DIR: Type.Optional(
    Type.String({
      minLength: 1,
      defaultText: '`scandata/` beside the SQLite file, else `./data/scandata`',
      description: 'where generated scan-data files are kept; several processes (PostgreSQL) need one shared volume, mounted at the same path',
    }),
  ),
  TILLPOINT_SCANDATA_HOLD_PERCENT: Type.Integer({
    minimum: 0,
    maximum: 100,
    default: 50,
    description: 'a scan-data week with fewer transactions than this % of the trailing 4-week median is held for review (0: off)',
  }),
  TILLPOINT_SCHEDULER: oneOf(['on', 'off'] as const, '`off`: this process runs no scheduled job (daily sync, points expiry)', {
    default: 'on',
    caseless: true,
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(
    url('OpenTelemetry collector (spans go to `{endpoint}/v1/traces`): a span per request, query and outbound call', { defaultText: 'unset (tracing off)' }),
  ),
  OTEL_SERVICE_NAME: Type.String({ minLength: 1, default: 'tillpoint', description: 'the service name of the spans' }),
  TILLPOINT_LIMITS_STORE: oneOf(
    LIMIT_STORES,
    'where brute-force limits (logins, codes) are held: `auto` (Redis if `TILLPOINT_REDIS_URL`, else the shared PostgreSQL, else this process), `memory`, `postgres`, `redis`',
    { default: 'auto', caseless: true },
  ),
  TILLPOINT_REDIS_URL: Type.Optional(
    Type.String({
      pattern: '^rediss?://\\S+$',
      expected: 'a redis:// or rediss:// URL',
      secret: true,
      description: 'a Redis for the shared brute-force limits',
    }),
  ),
  TILLPOINT_PGBOSS_SCHEMA: Type.Optional(
    Type.String({
      pattern: '^[a-z_][a-z0-9_]{0,62}$',
      expected: 'a lower-case SQL identifier',
      defaultText: '`<db schema>_pgboss`, else `pgboss`',
      description: 'PostgreSQL only: the schema pg-boss keeps its queues in',
    }),
  ),
});

export type Env = Static<typeof ENV_SCHEMA>;
export type EnvName = keyof Env & string;
type Source = Record<string, string | undefined>;

/** The validated configuration of a process. */
export interface Config {
  nodeEnv: string;
  production: boolean;
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
  /** `TILLPOINT_SECRET_KEY`, for the secret-key loader (`src/lib/secret-key.ts`); null: the development key */
  secretKey: string | null;
  adminPassword: string | null;
  guest: {
    loginSender: 'log' | 'webhook' | 'smtp';
    loginWebhookUrl: string | null;
    loginWebhookSecret: string | null;
    smtp: { url: string; from: string } | null;
    /** an external identity provider for every program, or null */
    idp: { issuer: string; jwksUrl: string; audience: string[] } | null;
    sessionTtlSeconds: number;
  };
  rjr: {
    baseUrl: string;
    provider: { clientId: string; clientSecret: string } | null;
    timeoutMs: number;
    maxRetries: number;
    simulatorPort: number;
  };
  /** `TILLPOINT_DEMO_CSTORE`: what `serve --demo` seeds for the c-store side */
  demoCstore: 'all' | 'chain' | 'off';
  sync: { defaultTime: string; concurrency: number };
  /** scan-data submissions: the files' directory and the hold rule's threshold */
  scanData: { dir: string; holdPercent: number };
  scheduler: { enabled: boolean; pgBossSchema: string | null };
  /** OpenTelemetry: off (null endpoint) unless a collector is configured */
  tracing: { endpoint: string | null; serviceName: string };
  /** `TILLPOINT_LIMITS_STORE`: where brute-force limits live (auto: Redis if configured, else PostgreSQL, else memory) */
  limitsStore: LimitStoreSetting;
  /** `TILLPOINT_REDIS_URL`: a Redis for the shared limits */
  redisUrl: string | null;
}

/** What the command line may set instead of the environment (flags win). */
export type ConfigFlags = Partial<{ database: string; host: string; port: string | number }>;
const FLAG_VARS = { database: 'TILLPOINT_DATABASE_URL', host: 'HOST', port: 'PORT' } as const satisfies Record<keyof ConfigFlags, EnvName>;

/** A variable that does not validate; the message names it, the value and what it must be. */
export class ConfigError extends Error {}

function propertySchema(name: EnvName): TSchema & Record<string, unknown> {
  return ENV_SCHEMA.properties[name] as TSchema & Record<string, unknown>;
}

function expectation(schema: Record<string, unknown>): string {
  if (typeof schema.expected === 'string') return schema.expected;
  if (Array.isArray(schema.anyOf)) return `one of ${(schema.anyOf as { const: string }[]).map((s) => s.const).join(', ')}`;
  if (schema.type === 'integer')
    return `a whole number${schema.minimum !== undefined ? ` from ${String(schema.minimum)}` : ''}${schema.maximum !== undefined ? ` to ${String(schema.maximum)}` : ''}`;
  if (schema.type === 'boolean') return 'true or false';
  return 'not empty';
}

/** Text to a typed value: integers and booleans strictly (`1.5`, `1e3`, `yes` are errors), enums without regard to case. */
function convert(schema: Record<string, unknown>, text: string): unknown {
  const t = text.trim();
  if (schema.type === 'integer') return /^-?\d+$/.test(t) ? Number(t) : text;
  if (schema.type === 'boolean') return /^(true|false)$/i.test(t) ? t.toLowerCase() === 'true' : text;
  if (schema.caseless) return t.toLowerCase();
  return text;
}

/** Validates the environment against ENV_SCHEMA; each variable's value or default, and where it came from. */
export function readEnv(env: Source, flags: ConfigFlags = {}): { values: Env; sources: Record<EnvName, 'flag' | 'env' | 'default'> } {
  const values: Record<string, unknown> = {};
  const sources = {} as Record<EnvName, 'flag' | 'env' | 'default'>;
  const errors: string[] = [];
  const fromFlags: Partial<Record<EnvName, string>> = {};
  for (const [flag, name] of Object.entries(FLAG_VARS) as [keyof ConfigFlags, EnvName][]) if (flags[flag] !== undefined) fromFlags[name] = String(flags[flag]);
  for (const name of Object.keys(ENV_SCHEMA.properties) as EnvName[]) {
    const schema = propertySchema(name);
    const raw = fromFlags[name] ?? env[name];
    const label = fromFlags[name] !== undefined ? `${name} (--${Object.entries(FLAG_VARS).find(([, v]) => v === name)![0]})` : name;
    if (raw === undefined) {
      sources[name] = 'default';
      if (schema.default !== undefined) values[name] = schema.default;
      continue;
    }
    sources[name] = fromFlags[name] !== undefined ? 'flag' : 'env';
    if (raw.trim() === '') {
      errors.push(`${label} is empty; unset it for the default, or set ${expectation(schema)}`);
      continue;
    }
    const value = convert(schema, raw);
    if (!Value.Check(schema, value)) errors.push(`${label} "${raw}" is not valid: must be ${expectation(schema)}`);
    else values[name] = value;
  }
  if (errors.length) throw new ConfigError(errors.join('; '));
  return { values: values as Env, sources };
}

/**
 * The configuration of a process from flags and an environment (flags win); throws a
 * `ConfigError` naming every variable that does not validate. The process's environment by default
 * (this is the one module that reads it); tests pass an env object.
 *
 * @example
 * loadConfig({ port: 0 }, { TILLPOINT_SYNC_TIME: '04:30' }).sync.defaultTime // → '04:30'
 */
export function loadConfig(flags: ConfigFlags = {}, env: Source = process.env): Config {
  const { values: e } = readEnv(env, flags);
  const production = e.NODE_ENV === 'production';
  if (e.TILLPOINT_METRICS_PORT !== undefined && e.TILLPOINT_METRICS_PORT !== 0 && e.TILLPOINT_METRICS_PORT === e.PORT) {
    throw new ConfigError(`TILLPOINT_METRICS_PORT ${e.TILLPOINT_METRICS_PORT} is the API's port; leave it unset to serve /metrics there`);
  }
  if (e.TILLPOINT_GUEST_LOGIN_SENDER === 'webhook' && !e.TILLPOINT_GUEST_LOGIN_WEBHOOK_URL) {
    throw new ConfigError('TILLPOINT_GUEST_LOGIN_SENDER=webhook needs TILLPOINT_GUEST_LOGIN_WEBHOOK_URL (http or https)');
  }
  if (e.TILLPOINT_GUEST_LOGIN_SENDER === 'smtp' && !(e.TILLPOINT_SMTP_URL && e.TILLPOINT_SMTP_FROM)) {
    throw new ConfigError('TILLPOINT_GUEST_LOGIN_SENDER=smtp needs TILLPOINT_SMTP_URL and TILLPOINT_SMTP_FROM');
  }
  if (e.TILLPOINT_GUEST_LOGIN_SENDER === 'log' && production && !e.TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION) {
    throw new ConfigError(
      'TILLPOINT_GUEST_LOGIN_SENDER is log (the default), which writes guest login codes to the log: refused in production. Set TILLPOINT_GUEST_LOGIN_SENDER=smtp (with TILLPOINT_SMTP_URL and TILLPOINT_SMTP_FROM) or webhook (with TILLPOINT_GUEST_LOGIN_WEBHOOK_URL), or TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION=true if that is really meant',
    );
  }
  if (Boolean(e.TILLPOINT_GUEST_JWT_ISSUER) !== Boolean(e.TILLPOINT_GUEST_JWKS_URL))
    throw new ConfigError('TILLPOINT_GUEST_JWT_ISSUER and TILLPOINT_GUEST_JWKS_URL go together');
  const audience = (e.TILLPOINT_GUEST_JWT_AUDIENCE ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  return {
    nodeEnv: e.NODE_ENV,
    production,
    databaseUrl: e.TILLPOINT_DATABASE_URL,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    publicUrl: e.TILLPOINT_PUBLIC_URL ?? null,
    otpTtlSeconds: e.TILLPOINT_OTP_TTL_SECONDS,
    sqliteSynchronous: e.TILLPOINT_SQLITE_SYNCHRONOUS,
    metricsToken: e.TILLPOINT_METRICS_TOKEN ?? null,
    metricsPort: e.TILLPOINT_METRICS_PORT ?? null,
    metricsHost: e.TILLPOINT_METRICS_HOST ?? e.HOST,
    secretKey: e.TILLPOINT_SECRET_KEY ?? null,
    adminPassword: e.TILLPOINT_ADMIN_PASSWORD ?? null,
    guest: {
      loginSender: e.TILLPOINT_GUEST_LOGIN_SENDER,
      loginWebhookUrl: e.TILLPOINT_GUEST_LOGIN_WEBHOOK_URL ?? null,
      loginWebhookSecret: e.TILLPOINT_GUEST_LOGIN_WEBHOOK_SECRET ?? null,
      smtp: e.TILLPOINT_SMTP_URL && e.TILLPOINT_SMTP_FROM ? { url: e.TILLPOINT_SMTP_URL, from: e.TILLPOINT_SMTP_FROM } : null,
      idp:
        e.TILLPOINT_GUEST_JWT_ISSUER && e.TILLPOINT_GUEST_JWKS_URL
          ? { issuer: e.TILLPOINT_GUEST_JWT_ISSUER, jwksUrl: e.TILLPOINT_GUEST_JWKS_URL, audience }
          : null,
      sessionTtlSeconds: e.TILLPOINT_GUEST_SESSION_TTL_SECONDS,
    },
    rjr: {
      baseUrl: e.TILLPOINT_RJR_BASE_URL.replace(/\/+$/, ''),
      provider:
        e.TILLPOINT_RJR_CLIENT_ID && e.TILLPOINT_RJR_CLIENT_SECRET
          ? { clientId: e.TILLPOINT_RJR_CLIENT_ID, clientSecret: e.TILLPOINT_RJR_CLIENT_SECRET }
          : null,
      timeoutMs: e.TILLPOINT_RJR_TIMEOUT_MS,
      maxRetries: e.TILLPOINT_RJR_MAX_RETRIES,
      simulatorPort: e.TILLPOINT_RJR_SIMULATOR_PORT,
    },
    demoCstore: e.TILLPOINT_DEMO_CSTORE,
    sync: { defaultTime: e.TILLPOINT_SYNC_TIME, concurrency: e.TILLPOINT_SYNC_CONCURRENCY },
    scanData: { dir: e.TILLPOINT_SCANDATA_DIR ?? defaultScanDataDir(e.TILLPOINT_DATABASE_URL), holdPercent: e.TILLPOINT_SCANDATA_HOLD_PERCENT },
    scheduler: { enabled: e.TILLPOINT_SCHEDULER === 'on', pgBossSchema: e.TILLPOINT_PGBOSS_SCHEMA ?? null },
    tracing: { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT ?? null, serviceName: e.OTEL_SERVICE_NAME },
    limitsStore: e.TILLPOINT_LIMITS_STORE,
    redisUrl: e.TILLPOINT_REDIS_URL ?? null,
  };
}

/** `scandata/` beside an SQLite file; `./data/scandata` for PostgreSQL (or `:memory:`). */
export function defaultScanDataDir(databaseUrl: string): string {
  const file = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : '';
  return file && file !== ':memory:' ? join(dirname(file), 'scandata') : join('data', 'scandata');
}

/** `TILLPOINT_SQLITE_SYNCHRONOUS`: `full` (default) or `normal`, any case; anything else stops the start. */
export function sqliteSynchronousFrom(text: string | undefined): SqliteSynchronous {
  return readEnv(text === undefined ? {} : { TILLPOINT_SQLITE_SYNCHRONOUS: text }).values.TILLPOINT_SQLITE_SYNCHRONOUS;
}

export interface ConfigEntry {
  name: EnvName;
  /** the effective value as text, secrets masked; null when unset without a default */
  value: string | null;
  source: 'flag' | 'env' | 'default';
  secret: boolean;
  description: string;
  /** what an unset variable means when its default is not a literal (e.g. `HOST`) */
  defaultText: string | null;
}

/** The effective configuration, one entry per variable, secrets masked: what `tillpoint config` prints. */
export function describeConfig(flags: ConfigFlags = {}, env: Source = process.env): ConfigEntry[] {
  loadConfig(flags, env); // the same checks as a start
  const { values, sources } = readEnv(env, flags);
  return (Object.keys(ENV_SCHEMA.properties) as EnvName[]).map((name) => {
    const schema = propertySchema(name);
    const v = values[name] as unknown;
    const secret = schema.secret === true;
    const text = v === undefined ? null : String(v);
    const defaultText = typeof schema.defaultText === 'string' ? schema.defaultText : null;
    return {
      name,
      value: text !== null && secret ? maskSecret(text) : text,
      source: sources[name],
      secret,
      description: String(schema.description),
      defaultText,
    };
  });
}

/** The README's configuration table, from the schema (`tillpoint config --markdown`). */
export function configMarkdownTable(): string {
  const rows = (Object.keys(ENV_SCHEMA.properties) as EnvName[]).map((name) => {
    const schema = propertySchema(name);
    const def = typeof schema.defaultText === 'string' ? schema.defaultText : schema.default !== undefined ? `\`${String(schema.default)}\`` : 'unset';
    const kind = schema.secret ? ' (secret)' : '';
    return `| \`${name}\` | ${def} | ${String(schema.description)}${kind} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n') + '\n';
}
