/** How many attempts a key may make, and when repeated misses lock it out. */
export interface ThrottleLimits {
  /** attempts allowed per window (sliding) */
  limit: number;
  windowMs: number;
  /** misses within `missWindowMs` that lock the key out */
  maxMisses: number;
  missWindowMs: number;
  lockoutMs: number;
}

/**
 * Brute-force protection for one kind of attempt (code look-ups per store, guest logins per
 * e-mail, …): a rate limit per key and a lockout after repeated misses. Every method throws 429
 * `RateLimited` (with `details.retryAfterSeconds`) where it refuses. Held in this process
 * (`Throttle`) or, when several processes serve, in a store they share (PostgreSQL or Redis).
 *
 * @example
 * const logins = limiters('guest-login', { limit: 30, windowMs: 60_000, maxMisses: 10, missWindowMs: 600_000, lockoutMs: 900_000 });
 * await logins.attempt(`email:${email}`, 'login attempts');
 * if (!ok) await logins.miss(`email:${email}`);
 */
export interface Limiter {
  /** Counts one attempt; throws 429 when the key is locked out or over its rate. */
  attempt(key: string, what?: string): Promise<void>;
  /** Throws 429 if the key is locked out, without counting an attempt. */
  assertNotLocked(key: string, what?: string): Promise<void>;
  /** Records a miss; the `maxMisses`-th miss inside the window locks the key out. */
  miss(key: string): Promise<void>;
  /** Forgets a key's attempts and misses (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

/** Makes the limiter of one kind of attempt; `name` keeps the kinds apart in a shared store. */
export type LimiterFactory = (name: string, limits: ThrottleLimits) => Limiter;
