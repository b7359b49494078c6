import { LRUCache } from 'lru-cache';

/**
 * A small time-bounded cache for configuration read on every POS call (API keys, stores,
 * programs, incentives). Entries live `ttlMs`; with several processes on one PostgreSQL
 * database a change is seen everywhere within that time. A TTL of 0 caches nothing (tests).
 *
 * A thin seam over lru-cache: past `maxEntries` the least recently used entry goes. Values are
 * boxed because lru-cache holds no null, and "no such row" is worth caching too.
 */
export class TtlCache<K extends NonNullable<unknown>, V> {
  private readonly entries: LRUCache<K, { value: V }> | null;

  constructor(ttlMs: number, maxEntries = 10_000, now: () => number = Date.now) {
    // lru-cache reads ttl 0 as "never expires"; here it means "never cached".
    this.entries = ttlMs > 0 ? new LRUCache<K, { value: V }>({ max: maxEntries, ttl: ttlMs, ttlResolution: 0, perf: { now } }) : null;
  }

  async getOrLoad(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.entries?.get(key);
    if (hit) return hit.value;
    const value = await load();
    this.entries?.set(key, { value });
    return value;
  }

  /** The cached value, boxed (so that a cached null is told from a miss), without loading. */
  peek(key: K): { value: V } | undefined {
    return this.entries?.get(key);
  }

  /** Stores a value loaded some other way (e.g. the same row under a second key). */
  set(key: K, value: V): void {
    this.entries?.set(key, { value });
  }

  delete(key: K): void {
    this.entries?.delete(key);
  }

  clear(): void {
    this.entries?.clear();
  }
}
