import { AppError } from '../errors.ts';
import type { Limiter, LimiterFactory, ThrottleLimits } from './ports/limiter.ts';

export type { Limiter, LimiterFactory, ThrottleLimits } from './ports/limiter.ts';

interface Counter {
  /** start of the current fixed window */
  start: number;
  current: number;
  previous: number;
}

interface KeyState {
  attempts: Counter;
  misses: Counter;
  lockedUntil: number;
}

/** A 429 envelope; the error handler turns `details.retryAfterSeconds` into a `retry-after` header. */
export function rateLimited(message: string, retryAfterMs: number, scope: string): AppError {
  return new AppError('RateLimited', message, { scope, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
}

/**
 * In-process brute-force protection (the `Limiter` of a single process): a sliding-window rate
 * limit per key and a lockout after repeated misses, on an injected clock. With several processes
 * behind a load balancer the limits must be shared instead (`adapters/limits`): each process would
 * otherwise give an attacker its own budget.
 *
 * @example
 * const t = new Throttle({ limit: 30, windowMs: 60_000, maxMisses: 10, missWindowMs: 600_000, lockoutMs: 900_000 });
 * await t.attempt('store:9999');            // throws 429 RateLimited once over 30 look-ups a minute
 * if (!found) await t.miss('store:9999');   // the 10th miss in 10 minutes locks the key for 15 minutes
 */
export class Throttle implements Limiter {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    readonly limits: ThrottleLimits,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  async attempt(key: string, what = 'requests'): Promise<void> {
    const t = this.now();
    const s = this.state(key, t);
    if (s.lockedUntil > t) throw rateLimited(`Too many failed ${what}; locked out for a while`, s.lockedUntil - t, key.split(':')[0] ?? key);
    const rate = sliding(s.attempts, t, this.limits.windowMs);
    if (rate >= this.limits.limit) {
      throw rateLimited(
        `Too many ${what}; at most ${this.limits.limit} per ${Math.round(this.limits.windowMs / 1000)} s`,
        this.limits.windowMs - ((t - s.attempts.start) % this.limits.windowMs),
        key.split(':')[0] ?? key,
      );
    }
    s.attempts.current++;
  }

  async assertNotLocked(key: string, what = 'requests'): Promise<void> {
    const t = this.now();
    const s = this.keys.get(key);
    if (s && s.lockedUntil > t) throw rateLimited(`Too many failed ${what}; locked out for a while`, s.lockedUntil - t, key.split(':')[0] ?? key);
  }

  async miss(key: string): Promise<void> {
    const t = this.now();
    const s = this.state(key, t);
    const misses = sliding(s.misses, t, this.limits.missWindowMs);
    s.misses.current++;
    if (misses + 1 >= this.limits.maxMisses) {
      s.lockedUntil = t + this.limits.lockoutMs;
      s.misses = { start: t, current: 0, previous: 0 };
    }
  }

  async reset(key: string): Promise<void> {
    this.keys.delete(key);
  }

  private state(key: string, t: number): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      // Bounded memory: under a flood of distinct keys, drop the oldest (insertion order).
      if (this.keys.size >= this.maxKeys) {
        for (const k of this.keys.keys()) {
          if (this.keys.size < this.maxKeys * 0.9) break;
          this.keys.delete(k);
        }
      }
      s = { attempts: { start: t, current: 0, previous: 0 }, misses: { start: t, current: 0, previous: 0 }, lockedUntil: 0 };
      this.keys.set(key, s);
    }
    return s;
  }
}

/** Limiters held in this process, on `now` (a single server, and tests). */
export function memoryLimiters(now: () => number = Date.now): LimiterFactory {
  return (_name, limits) => new Throttle(limits, now);
}

/**
 * Sliding-window counter: the current fixed window plus the previous one weighted by how much of
 * it still overlaps the sliding window. O(1) memory per key, close enough for abuse limits.
 */
function sliding(c: Counter, t: number, windowMs: number): number {
  const elapsedWindows = Math.floor((t - c.start) / windowMs);
  if (elapsedWindows >= 1) {
    c.previous = elapsedWindows === 1 ? c.current : 0;
    c.current = 0;
    c.start += elapsedWindows * windowMs;
  }
  const overlap = 1 - (t - c.start) / windowMs;
  return c.current + c.previous * overlap;
}

/** Defaults for one-time code look-ups in identify. */
export const CODE_LOOKUP_LIMITS = {
  /** per store: a busy store identifies a few guests a minute */
  store: { limit: 60, windowMs: 60_000, maxMisses: 10, missWindowMs: 10 * 60_000, lockoutMs: 15 * 60_000 },
  /**
   * per API key: one key serves every store of a vendor, so the rate must carry a whole brand at
   * lunch (100 code identifies a second); the miss lockout stops a key used to guess codes across
   * many store ids, and is high enough that a few stores mistyping codes do not lock the brand out
   */
  key: { limit: 6000, windowMs: 60_000, maxMisses: 300, missWindowMs: 10 * 60_000, lockoutMs: 15 * 60_000 },
} as const satisfies Record<string, ThrottleLimits>;

/**
 * Guards identify's 6-digit code look-ups per store and per API key: a rate limit on look-ups and
 * a lockout after repeated IdentifierNotFound misses.
 */
export class CodeLookupGuard {
  private readonly byStore: Limiter;
  private readonly byKey: Limiter;

  constructor(limiters: LimiterFactory = memoryLimiters(), limits: { store: ThrottleLimits; key: ThrottleLimits } = CODE_LOOKUP_LIMITS) {
    this.byStore = limiters('code-lookup-store', limits.store);
    this.byKey = limiters('code-lookup-key', limits.key);
  }

  /** Before a look-up: throws 429 RateLimited when the store or key is over its rate or locked out. */
  async beforeLookup(keyId: string, storeId: string): Promise<void> {
    await this.byKey.assertNotLocked(`key:${keyId}`, 'code look-ups');
    await this.byStore.attempt(`store:${storeId}`, 'code look-ups');
    await this.byKey.attempt(`key:${keyId}`, 'code look-ups');
  }

  /** After a look-up that matched no active code. */
  async miss(keyId: string, storeId: string): Promise<void> {
    await Promise.all([this.byStore.miss(`store:${storeId}`), this.byKey.miss(`key:${keyId}`)]);
  }
}
