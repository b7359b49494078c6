import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDb, type Db, type Engine } from '../../src/adapters/db/database.ts';
import { migrateToLatest } from '../../src/adapters/db/migrator.ts';

/**
 * Every database test runs on SQLite and on PostgreSQL. PostgreSQL is at TILLPOINT_TEST_PG_URL
 * (default postgres://postgres@127.0.0.1:5432/test); each test database gets a throwaway schema.
 * There is no silent skip: if PostgreSQL is down, the PostgreSQL half fails.
 */
export const ENGINES: Engine[] = (process.env.TILLPOINT_TEST_ENGINES?.split(',') as Engine[] | undefined) ?? ['sqlite', 'postgres'];
/**
 * Whether this run includes `engine`: suites that only exist on one engine (several processes on one
 * PostgreSQL, SQLite's refusal of --workers) run in the pass that tests that engine — `npm test` runs
 * PostgreSQL today and SQLite a year ahead — and are reported as skipped in the other.
 */
export const runsOn = (engine: Engine): boolean => ENGINES.includes(engine);
export const PG_URL = process.env.TILLPOINT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDb extends Db {
  /** a URL another process can open to reach the same data (PostgreSQL: with the schema in `options`) */
  url: string;
  drop(): Promise<void>;
}

export async function openTestDb(engine: Engine, options: { poolSize?: number } = {}): Promise<TestDb> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tillpoint-test-'));
    const url = `sqlite:${join(dir, 'test.db')}`;
    const db = createDb(url);
    await migrateToLatest(db);
    return {
      ...db,
      url,
      drop: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = createDb(PG_URL, { schema, poolSize: options.poolSize ?? 20 });
  await migrateToLatest(db);
  const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    ...db,
    url,
    drop: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      // a server process started on this database keeps its job queues beside it (pg-boss)
      await c.query(`drop schema if exists ${schema}_pgboss cascade`);
      await c.end();
    },
  };
}
