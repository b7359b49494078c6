import type { Redis } from 'ioredis';
import type pg from 'pg';
import {
  type IRateLimiterOptions,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterStoreAbstract,
} from 'rate-limiter-flexible';
import type { Limiter, LimiterFactory, ThrottleLimits } from '../../app/ports/limiter.ts';
import { rateLimited } from '../../app/throttle.ts';

/** Where limits live when several processes serve: the PostgreSQL they share, or a Redis. */
export type SharedLimitStore = { kind: 'postgres'; pool: pg.Pool } | { kind: 'redis'; client: Redis };

/** The table migration 0013 creates; rate-limiter-flexible's own layout (key, points, expire). */
export const RATE_LIMIT_TABLE = 'rate_limits';

/**
 * Limiters every server process shares, with rate-limiter-flexible: a fixed-window attempt
 * counter per key, and a miss counter that blocks the key for the lockout once it reaches
 * `maxMisses`. A look-up the store cannot answer (PostgreSQL or Redis down) falls back to this
 * process's memory for that call instead of failing the request or letting it through unlimited.
 */
export function sharedLimiters(store: SharedLimitStore): LimiterFactory {
  return (name, limits) => new SharedLimiter(name, limits, store);
}

class SharedLimiter implements Limiter {
  private readonly attempts: RateLimiterStoreAbstract;
  private readonly misses: RateLimiterStoreAbstract;

  constructor(
    name: string,
    private readonly limits: ThrottleLimits,
    store: SharedLimitStore,
  ) {
    this.attempts = limiter(store, { keyPrefix: `${name}:a`, points: limits.limit, duration: seconds(limits.windowMs) });
    this.misses = limiter(store, {
      keyPrefix: `${name}:m`,
      // the maxMisses-th miss goes over `points` and blocks the key for the lockout
      points: Math.max(0, Math.min(limits.maxMisses - 1, 2 ** 31 - 1)),
      duration: seconds(limits.missWindowMs),
      blockDuration: limits.lockoutMs > 0 ? seconds(limits.lockoutMs) : 0,
    });
  }

  async attempt(key: string, what = 'requests'): Promise<void> {
    await this.assertNotLocked(key, what);
    try {
      await this.attempts.consume(key);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      throw rateLimited(`Too many ${what}; at most ${this.limits.limit} per ${Math.round(this.limits.windowMs / 1000)} s`, res.msBeforeNext, scopeOf(key));
    }
  }

  async assertNotLocked(key: string, what = 'requests'): Promise<void> {
    if (this.limits.lockoutMs <= 0) return;
    const res = await this.misses.get(key);
    if (res && res.consumedPoints > this.misses.points) throw rateLimited(`Too many failed ${what}; locked out for a while`, res.msBeforeNext, scopeOf(key));
  }

  async miss(key: string): Promise<void> {
    if (this.limits.lockoutMs <= 0) return;
    try {
      await this.misses.consume(key);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      // over the miss budget: the key is now blocked, which the next look-up reports
    }
  }

  async reset(key: string): Promise<void> {
    await Promise.all([this.attempts.delete(key), this.misses.delete(key)]);
  }
}

function limiter(store: SharedLimitStore, opts: IRateLimiterOptions): RateLimiterStoreAbstract {
  const insuranceLimiter = new RateLimiterMemory(opts);
  if (store.kind === 'redis') return new RateLimiterRedis({ ...opts, storeClient: store.client, insuranceLimiter });
  return new RateLimiterPostgres({ ...opts, storeClient: store.pool, storeType: 'pool', tableName: RATE_LIMIT_TABLE, tableCreated: true, insuranceLimiter });
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
const scopeOf = (key: string) => key.split(':')[0] ?? key;
