import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_LOOKUP_LIMITS } from '../../src/app/throttle.ts';
import { demoKey } from '../../src/demo/seed.ts';
import { openTestDb, runsOn, type TestDb } from '../support/engines.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';

const REDIS_URL = process.env.TILLPOINT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Two server processes behind one load balancer, on one PostgreSQL: a guesser who spreads wrong
 * 6-digit codes over both is locked out after the store's miss budget, not after twice it.
 */
describe.runIf(runsOn('postgres')).each([
  ['postgres', {}],
  ['redis', { TILLPOINT_REDIS_URL: REDIS_URL }],
] as const)('two processes share the code look-up lockout (limits in %s)', (_kind, env) => {
  let db: TestDb;
  let servers: ServerProcess[] = [];
  beforeAll(async () => {
    db = await openTestDb('postgres');
    await db.close();
    // one after the other: the first seeds the demo program, the second finds it
    servers.push(await startServer(db.url, { TILLPOINT_SCHEDULER: 'off', TILLPOINT_DEMO_CSTORE: 'off', ...env }));
    servers.push(await startServer(db.url, { TILLPOINT_SCHEDULER: 'off', TILLPOINT_DEMO_CSTORE: 'off', ...env }));
  }, 90_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
    await db?.drop().catch(() => undefined);
  });

  it('locks the store on either process once the misses of both reach the budget', async () => {
    // the limits are keyed by the store's id in this database: runs sharing a Redis never meet
    const storeId = '9999';
    const identify = (server: ServerProcess) =>
      fetch(`${server.url}/loyalty/identify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': demoKey('partner') },
        body: JSON.stringify({ identifier: '000000', posVendor: { posType: 'Partner', storeId, terminal: '1', transactionId: `t-${randomInt(1e9)}` } }),
      });
    const budget = CODE_LOOKUP_LIMITS.store.maxMisses;
    const statuses: number[] = [];
    for (let i = 0; i < budget; i++) statuses.push((await identify(servers[i % 2]!)).status);
    // every guess was looked up and missed; in memory each process would allow `budget` of its own
    expect(new Set(statuses)).toEqual(new Set([404]));
    for (const server of servers) {
      const res = await identify(server);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});
