import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedLimiters } from '../../src/adapters/limits/shared-limiters.ts';
import type { LimiterFactory } from '../../src/app/ports/limiter.ts';
import { CodeLookupGuard, memoryLimiters } from '../../src/app/throttle.ts';
import { AppError } from '../../src/errors.ts';
import { openTestDb, type TestDb } from '../support/engines.ts';

const REDIS_URL = process.env.TILLPOINT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const LIMITS = { limit: 3, windowMs: 60_000, maxMisses: 2, missWindowMs: 60_000, lockoutMs: 300_000 };

interface Store {
  /** a limiter factory as one server process has it; two calls = two processes sharing the store */
  process(): LimiterFactory;
  shared: boolean;
  close(): Promise<void>;
}

const STORES: Record<string, () => Promise<Store>> = {
  memory: async () => ({ process: () => memoryLimiters(), shared: false, close: async () => {} }),
  postgres: async () => {
    const db: TestDb = await openTestDb('postgres');
    return { process: () => sharedLimiters({ kind: 'postgres', pool: db.pgPool! }), shared: true, close: () => db.drop() };
  },
  redis: async () => {
    const clients: Redis[] = [];
    return {
      process: () => {
        const client = new Redis(REDIS_URL, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
        clients.push(client);
        return sharedLimiters({ kind: 'redis', client });
      },
      shared: true,
      close: async () => {
        await Promise.all(clients.map((c) => c.quit()));
      },
    };
  },
};

describe.each(Object.keys(STORES))('limits held in %s', (kind) => {
  let store: Store;
  // every run uses its own keys, so runs sharing a Redis or a database never meet
  const run = randomBytes(4).toString('hex');
  beforeAll(async () => {
    store = await STORES[kind]!();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('answers 429 with a retry-after once a key is over its rate, and not for another key', async () => {
    const l = store.process()(`rate-${run}`, LIMITS);
    for (let i = 0; i < 3; i++) await l.attempt('store:a');
    const err = await l.attempt('store:a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'RateLimited' });
    expect((err as AppError).details?.retryAfterSeconds).toBeGreaterThan(0);
    await l.attempt('store:b');
  });

  it('locks a key out at the maxMisses-th miss, until reset', async () => {
    const l = store.process()(`miss-${run}`, LIMITS);
    await l.miss('email:ana');
    await l.assertNotLocked('email:ana');
    await l.miss('email:ana');
    await expect(l.assertNotLocked('email:ana', 'login attempts')).rejects.toThrow(/locked out/);
    await expect(l.attempt('email:ana')).rejects.toMatchObject({ code: 'RateLimited' });
    await l.assertNotLocked('email:ben');
    await l.reset('email:ana');
    await l.attempt('email:ana');
  });

  it('locks identify code look-ups per store without locking the key’s other stores', async () => {
    const guard = new CodeLookupGuard(store.process(), { store: { ...LIMITS }, key: { ...LIMITS, limit: 100, maxMisses: 10 } });
    const keyId = `key-${run}`;
    await guard.beforeLookup(keyId, `a-${run}`);
    await guard.miss(keyId, `a-${run}`);
    await guard.miss(keyId, `a-${run}`);
    await expect(guard.beforeLookup(keyId, `a-${run}`)).rejects.toThrow(AppError);
    await guard.beforeLookup(keyId, `b-${run}`);
  });

  it(
    kind === 'memory' ? 'gives each process a budget of its own (why several processes share a store)' : 'counts the misses of every process together',
    async () => {
      const one = store.process()(`together-${run}`, LIMITS);
      const two = store.process()(`together-${run}`, LIMITS);
      await one.miss('store:x');
      await two.miss('store:x');
      // one miss in each process: neither alone reached two; shared, together they lock the key in both
      if (store.shared) {
        await expect(one.attempt('store:x')).rejects.toMatchObject({ code: 'RateLimited' });
        await expect(two.attempt('store:x')).rejects.toMatchObject({ code: 'RateLimited' });
      } else {
        await one.attempt('store:x');
        await two.attempt('store:x');
      }
    },
  );
});
