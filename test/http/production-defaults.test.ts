import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/adapters/http/app.ts';
import { Metrics } from '../../src/adapters/http/metrics.ts';
import { AdminAuthService } from '../../src/app/admin-auth.service.ts';
import { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { loadConfig } from '../../src/config.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { guestOptionsOf } from '../../src/server.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { seededRandom } from '../support/fixtures.ts';
import { startServer } from '../support/server-process.ts';
import { appServices } from '../support/services.ts';

/** The guest options `serve` builds from an environment (validated at start). */
const guestOptionsFromEnv = (env: Record<string, string>) => guestOptionsOf(loadConfig({}, env));

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const PRODUCTION = { NODE_ENV: 'production', TILLPOINT_SECRET_KEY: 'b'.repeat(64) };

describe('the log login-code sender in production', () => {
  it('refuses to start with NODE_ENV=production unless TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION=true', () => {
    expect(() => guestOptionsFromEnv({ NODE_ENV: 'production' })).toThrow(/TILLPOINT_GUEST_LOGIN_SENDER.*refused in production/);
    expect(() => guestOptionsFromEnv({ NODE_ENV: 'production', TILLPOINT_GUEST_LOGIN_SENDER: 'log' })).toThrow(/refused in production/);
    expect(() => guestOptionsFromEnv({ NODE_ENV: 'production', TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION: 'yes' })).toThrow(
      /TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION "yes"/,
    );
    expect(guestOptionsFromEnv({ NODE_ENV: 'production', TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION: 'true' }).sender?.id).toBe('log');
    expect(
      guestOptionsFromEnv({
        NODE_ENV: 'production',
        TILLPOINT_GUEST_LOGIN_SENDER: 'webhook',
        TILLPOINT_GUEST_LOGIN_WEBHOOK_URL: 'https://mailer.example.test/codes',
      }).sender?.id,
    ).toBe('webhook');
    expect(
      guestOptionsFromEnv({
        NODE_ENV: 'production',
        TILLPOINT_GUEST_LOGIN_SENDER: 'smtp',
        TILLPOINT_SMTP_URL: 'smtp://mail.example.test:587',
        TILLPOINT_SMTP_FROM: 'no-reply@example.test',
      }).sender?.id,
    ).toBe('smtp');
    expect(() => guestOptionsFromEnv({ TILLPOINT_GUEST_LOGIN_SENDER: 'smtp' })).toThrow(/needs TILLPOINT_SMTP_URL and TILLPOINT_SMTP_FROM/);
    expect(guestOptionsFromEnv({}).sender?.id).toBe('log');
    expect(guestOptionsFromEnv({ NODE_ENV: 'development' }).sender?.id).toBe('log');
  });
});

describe('metrics settings', () => {
  it('validates TILLPOINT_METRICS_TOKEN and TILLPOINT_METRICS_PORT', () => {
    expect(loadConfig({}, {})).toMatchObject({ metricsToken: null, metricsPort: null, metricsHost: '127.0.0.1' });
    expect(loadConfig({}, { TILLPOINT_METRICS_TOKEN: METRICS_TOKEN, TILLPOINT_METRICS_PORT: '9464', TILLPOINT_METRICS_HOST: '0.0.0.0' })).toMatchObject({
      metricsToken: METRICS_TOKEN,
      metricsPort: 9464,
      metricsHost: '0.0.0.0',
    });
    expect(() => loadConfig({}, { TILLPOINT_METRICS_TOKEN: 'short' })).toThrow(/TILLPOINT_METRICS_TOKEN/);
    expect(() => loadConfig({}, { TILLPOINT_METRICS_TOKEN: 'has spaces in it, sixteen+' })).toThrow(/TILLPOINT_METRICS_TOKEN/);
    for (const bad of ['', 'abc', '70000', '-1', '1.5']) expect(() => loadConfig({}, { TILLPOINT_METRICS_PORT: bad })).toThrow(/TILLPOINT_METRICS_PORT/);
    expect(() => loadConfig({ port: 3000 }, { TILLPOINT_METRICS_PORT: '3000' })).toThrow(/the API's port/);
  });
});

describe.each(ENGINES)('/metrics protection on %s', (engine) => {
  let db: TestDb;
  let open: FastifyInstance;
  let guarded: FastifyInstance;
  let elsewhere: FastifyInstance;

  beforeAll(async () => {
    db = await openTestDb(engine);
    await seedDemo(db.kysely);
    const build = (metricsAccess?: { token: string | null; onMainPort: boolean }) =>
      buildApp({
        ...appServices(db),
        db,
        loyalty: new LoyaltyService({ db, randomIndex: seededRandom(), publicUrl: 'http://tillpoint.test' }),
        adminAuth: new AdminAuthService(db.kysely),
        metrics: new Metrics(),
        version: 'test',
        logger: false,
        ...(metricsAccess ? { metricsAccess } : {}),
      });
    [open, guarded, elsewhere] = await Promise.all([build(), build({ token: METRICS_TOKEN, onMainPort: true }), build({ token: null, onMainPort: false })]);
  });
  afterAll(async () => {
    await Promise.all([open, guarded, elsewhere].map((a) => a.close()));
    await db.drop();
  });

  it('is open by default', async () => {
    const res = await open.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('tillpoint_http_request_duration_seconds');
  });

  it('asks for the bearer token when TILLPOINT_METRICS_TOKEN is set (401 in the error envelope), and leaves health checks open', async () => {
    const missing = await guarded.inject('/metrics');
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="tillpoint-metrics"');
    expect(missing.json()).toMatchObject({ code: 'Unauthorized', statusCode: 401 });
    expect((await guarded.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).statusCode).toBe(401);
    expect((await guarded.inject({ url: '/metrics', headers: { authorization: METRICS_TOKEN } })).statusCode).toBe(401);
    const ok = await guarded.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('tillpoint_claims_total');
    expect((await guarded.inject('/healthz')).statusCode).toBe(200);
    expect((await guarded.inject('/readyz')).statusCode).toBe(200);
  });

  it('is not on the API port when it has a port of its own', async () => {
    expect((await elsewhere.inject('/metrics')).statusCode).toBe(404);
  });
});

describe.each(ENGINES)('tillpoint serve with NODE_ENV=production on %s', (engine) => {
  let db: TestDb | null = null;
  beforeAll(async () => {
    if (engine === 'postgres') {
      db = await openTestDb('postgres');
      await db.close();
    }
  });
  afterAll(async () => {
    if (db) await db.drop().catch(() => undefined);
  });

  it('refuses to start with the log login-code sender, and starts when it is explicitly allowed, with metrics on their own port behind a token', async () => {
    await expect(startServer(db?.url, PRODUCTION)).rejects.toThrow(/refused in production/);

    const server = await startServer(db?.url, {
      ...PRODUCTION,
      TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION: 'true',
      TILLPOINT_METRICS_PORT: '0',
      TILLPOINT_METRICS_TOKEN: METRICS_TOKEN,
    });
    try {
      const metricsUrl = /Prometheus metrics\s+(http:\/\/\S+\/metrics) \(bearer token\)/.exec(server.output())?.[1];
      expect(metricsUrl, server.output()).toBeDefined();
      expect(metricsUrl).not.toContain(server.url);
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const refused = await fetch(metricsUrl!);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="tillpoint-metrics"');
      const scraped = await fetch(metricsUrl!, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('tillpoint_http_request_duration_seconds');
      expect((await fetch(metricsUrl!.replace('/metrics', '/docs'))).status).toBe(404);
    } finally {
      await server.stop();
    }
  }, 90_000);
});
