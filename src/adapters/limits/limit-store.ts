import type { LimiterFactory } from '../../app/ports/limiter.ts';
import { memoryLimiters } from '../../app/throttle.ts';
import type { Db } from '../db/database.ts';

export const LIMIT_STORES = ['auto', 'memory', 'postgres', 'redis'] as const;
export type LimitStoreSetting = (typeof LIMIT_STORES)[number];

export interface LimitStore {
  limiters: LimiterFactory;
  /** where the limits are held, for the start-up log (no credentials) */
  kind: 'memory' | 'postgres' | 'redis';
  close(): Promise<void>;
}

/**
 * Where the brute-force limits live (`TILLPOINT_LIMITS_STORE`, default `auto`): Redis when
 * `TILLPOINT_REDIS_URL` is set, else the PostgreSQL the processes share, else (SQLite: one
 * process) this process's memory. The shared stores' libraries (rate-limiter-flexible, ioredis) are
 * loaded only when one is chosen.
 */
export async function openLimitStore(setting: { store: LimitStoreSetting; redisUrl: string | null }, db: Db): Promise<LimitStore> {
  const kind = setting.store === 'auto' ? (setting.redisUrl ? 'redis' : db.engine === 'postgres' ? 'postgres' : 'memory') : setting.store;
  if (kind === 'memory') return { kind, limiters: memoryLimiters(), close: async () => {} };
  if (kind === 'postgres') {
    if (!db.pgPool) throw new Error('TILLPOINT_LIMITS_STORE=postgres needs a PostgreSQL database (TILLPOINT_DATABASE_URL=postgres://…)');
    const { sharedLimiters } = await import('./shared-limiters.ts');
    return { kind, limiters: sharedLimiters({ kind: 'postgres', pool: db.pgPool }), close: async () => {} };
  }
  if (!setting.redisUrl) throw new Error('TILLPOINT_LIMITS_STORE=redis needs TILLPOINT_REDIS_URL (e.g. redis://127.0.0.1:6379)');
  // No offline queue: while Redis is away, a look-up fails at once and the in-memory insurance answers.
  const [{ Redis }, { sharedLimiters }] = await Promise.all([import('ioredis'), import('./shared-limiters.ts')]);
  const client = new Redis(setting.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
  client.on('error', () => {}); // reconnects by itself; each failed look-up falls back to memory
  return {
    kind,
    limiters: sharedLimiters({ kind: 'redis', client }),
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
