import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Engine = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  engine: Engine;
  /** PostgreSQL schema this connection works in, when not the default search path. */
  schema?: string;
  /** Where it points, with any password masked: safe to log. */
  describe: string;
  close(): Promise<void>;
}

export interface DbOptions {
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** PostgreSQL schema to use (tests give each file its own). */
  schema?: string;
}

/** `sqlite:PATH`, `sqlite::memory:`, a bare file path, or `postgres://…`. */
export function parseDatabaseUrl(url: string): { engine: Engine; target: string } {
  if (/^postgres(ql)?:\/\//.test(url)) return { engine: 'postgres', target: url };
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (!path) throw new Error(`database "${url}" names no file; use sqlite:PATH or postgres://…`);
  return { engine: 'sqlite', target: path };
}

export function createDb(url: string, options: DbOptions = {}): Db {
  const { engine, target } = parseDatabaseUrl(url);
  if (engine === 'sqlite') {
    if (target !== ':memory:') mkdirSync(dirname(resolve(target)), { recursive: true });
    const sqlite = new SQLite(target);
    sqlite.pragma('journal_mode = WAL');
    // WAL + NORMAL: a committed sale survives a process crash; only an OS crash may lose the last ones.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { kysely, engine, describe: `sqlite:${target}`, close: () => kysely.destroy() };
  }
  // Integers we store fit int4; COUNT/SUM come back as int8 strings and are converted where read.
  const pool = new pg.Pool({
    connectionString: target,
    max: options.poolSize ?? 16,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, engine, schema: options.schema ?? schemaFromUrl(target), describe: target.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@'), close: () => kysely.destroy() };
}

/**
 * Kysely prepares every query afresh; preparing costs more than running most of ours. The same SQL
 * text (parameters are bound separately) reuses its prepared statement.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (source: string) => {
          let stmt = cache.get(source);
          if (!stmt) {
            stmt = target.prepare(source);
            if (cache.size > 2_000) cache.clear();
            cache.set(source, stmt);
          }
          return stmt;
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** `?options=-c search_path=foo` in a PostgreSQL URL names the schema. */
function schemaFromUrl(url: string): string | undefined {
  const options = new URL(url).searchParams.get('options');
  return options ? /search_path=([\w$]+)/.exec(options)?.[1] : undefined;
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db.kysely);
}
