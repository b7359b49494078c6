import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/adapters/http/app.ts';
import { Metrics } from '../../src/adapters/http/metrics.ts';
import { AdminAuthService } from '../../src/app/admin-auth.service.ts';
import { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { demoAdminPassword, seedDemo } from '../../src/demo/seed.ts';
import { openTestDb, type TestDb } from '../support/engines.ts';
import { FARHAN, PARTNER_KEY, posVendor, seededRandom } from '../support/fixtures.ts';
import { appServices } from '../support/services.ts';

describe('structured logs', () => {
  let db: TestDb;
  const lines: string[] = [];
  beforeAll(async () => {
    db = await openTestDb('sqlite');
  });
  afterAll(() => db.drop());

  it('write one JSON line per request with its request id, and never a key, token or password', async () => {
    await seedDemo(db.kysely);
    const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(...String(chunk).split('\n').filter(Boolean)), done()) });
    const app = await buildApp({
      ...appServices(db),
      db,
      loyalty: new LoyaltyService({ db, randomIndex: seededRandom(), publicUrl: 'http://t' }),
      adminAuth: new AdminAuthService(db.kysely),
      metrics: new Metrics(),
      version: 'test',
      logger: { level: 'info', stream },
    });
    await app.inject({
      method: 'POST',
      url: '/loyalty/identify',
      headers: { 'x-api-key': PARTNER_KEY, 'x-request-id': 'req-42' },
      payload: { identifier: FARHAN, posVendor: posVendor('L-1') },
    });
    await app.inject({
      method: 'POST',
      url: '/loyalty/identify',
      headers: { 'x-api-key': 'tpk_wrong_secret_key' },
      payload: { identifier: FARHAN, posVendor: posVendor('L-2') },
    });
    const login = await app.inject({ method: 'POST', url: '/admin/v1/auth/login', payload: { email: 'admin@tillpoint.demo', password: demoAdminPassword() } });
    const token = login.json().token as string;
    await app.inject({ url: '/admin/v1/me', headers: { authorization: `Bearer ${token}` } });
    await app.close();

    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const completed = parsed.filter((l) => l.msg === 'request completed');
    expect(completed.length).toBeGreaterThanOrEqual(4);
    expect(completed[0]).toMatchObject({ reqId: 'req-42', route: '/loyalty/identify', statusCode: 200 });
    const all = lines.join('\n');
    expect(all).not.toContain(PARTNER_KEY);
    expect(all).not.toContain('tpk_wrong_secret_key');
    expect(all).not.toContain(token);
    expect(all).not.toContain(demoAdminPassword());
  });
});
