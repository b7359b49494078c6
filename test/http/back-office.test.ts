import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/adapters/http/app.ts';
import { Metrics } from '../../src/adapters/http/metrics.ts';
import { AdminAuthService } from '../../src/app/admin-auth.service.ts';
import { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { apiTypes, SCHEMA_FILE } from '../../scripts/web-api.ts';
import { demoOwner, userWithRole } from '../support/admin.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { seededRandom } from '../support/fixtures.ts';
import { appServices } from '../support/services.ts';

describe.each(ENGINES)('the back office at /admin on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let webRoot: string;
  beforeAll(async () => {
    // A stand-in bundle: these tests are about serving, not about what vite builds.
    webRoot = mkdtempSync(join(tmpdir(), 'tillpoint-web-'));
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(webRoot, 'assets', 'app-abc123.js'), 'console.log(1)');
    db = await openTestDb(engine);
    await seedDemo(db.kysely);
    app = await buildApp({
      ...appServices(db),
      db,
      loyalty: new LoyaltyService({ db, randomIndex: seededRandom(), publicUrl: 'http://tillpoint.test' }),
      adminAuth: new AdminAuthService(db.kysely),
      metrics: new Metrics(),
      version: 'test',
      logger: false,
      webRoot,
    });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it('redirects / and /admin to the app', async () => {
    for (const url of ['/', '/admin']) {
      const res = await app.inject(url);
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/admin/');
    }
  });

  it('serves the bundle, hashed assets for a year, and index.html for client routes', async () => {
    const index = await app.inject('/admin/');
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toContain('text/html');
    expect(index.headers['cache-control']).toBe('no-cache');
    const asset = await app.inject('/admin/assets/app-abc123.js');
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toContain('immutable');
    const deep = await app.inject('/admin/register-updates/0c570e00-0000-4000-8000-000000000101');
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('<div id="root">');
    expect((await app.inject('/admin/../package.json')).body).not.toContain('"name"');
  });

  it('leaves the admin API its own 404s', async () => {
    const res = await app.inject('/admin/v1/no-such-thing');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NotFound' });
    expect((await app.inject('/admin/v1/programs')).statusCode).toBe(401);
  });

  it('tells each user what their role may do', async () => {
    const owner = await demoOwner(app);
    expect((await owner.call('GET', '/auth/me')).body).toMatchObject({ role: 'owner', capabilities: ['read', 'support', 'manage', 'own'] });
    const reader = await userWithRole(app, db, 'read_only', '*');
    expect((await reader.call('GET', '/auth/me')).body).toMatchObject({ role: 'read_only', capabilities: ['read'] });
    expect((await app.inject('/admin/v1/auth/me')).statusCode).toBe(401);
  });
});

describe('the back office API types', () => {
  it('match the server’s OpenAPI document (run `npm run web:api` after changing a route schema)', async () => {
    const db = await openTestDb('sqlite');
    try {
      const app = await buildApp({
        ...appServices(db),
        db,
        loyalty: new LoyaltyService({ db, randomIndex: seededRandom(), publicUrl: 'http://tillpoint.test' }),
        adminAuth: new AdminAuthService(db.kysely),
        metrics: new Metrics(),
        version: 'test',
        logger: false,
      });
      const document = (await app.inject('/openapi.json')).json() as Record<string, unknown>;
      await app.close();
      expect(await apiTypes(document)).toBe(readFileSync(SCHEMA_FILE, 'utf8'));
    } finally {
      await db.drop();
    }
  });
});
