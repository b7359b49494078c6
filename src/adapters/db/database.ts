import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import {
  type DatabaseIntrospector,
  type DatabaseMetadataOptions,
  Kysely,
  type LogEvent,
  PostgresDialect,
  SqliteDialect,
  sql,
  type TableMetadata,
} from 'kysely';
import type pg from 'pg';
import { PREPARED_STATEMENTS } from './prepared.ts';
import type { Database } from './schema.ts';

const require = createRequire(import.meta.url);

export type Engine = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  engine: Engine;
  /** PostgreSQL schema this connection works in, when not the default search path. */
  schema?: string;
  /** Where it points, with any password masked: safe to log. */
  describe: string;
  /** PostgreSQL's connection pool, for the few adapters that speak pg themselves (shared limits) */
  pgPool?: pg.Pool;
  close(): Promise<void>;
}

/**
 * SQLite's `synchronous` in WAL mode. `full` (the default): a write is on disk when it is
 * acknowledged, so an acknowledged claim survives a power loss or an OS crash. `normal`: faster,
 * survives a crash of the process (kill -9) but an OS crash or power loss may lose the last
 * acknowledged transactions (`TILLPOINT_SQLITE_SYNCHRONOUS=normal`).
 */
export type SqliteSynchronous = 'full' | 'normal';
export const SQLITE_SYNCHRONOUS_MODES: readonly SqliteSynchronous[] = ['full', 'normal'];

export interface DbOptions {
  /** SQLite durability, default `full` (see SqliteSynchronous). */
  sqliteSynchronous?: SqliteSynchronous;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** PostgreSQL schema to use (tests give each file its own). */
  schema?: string;
  /** Kysely's query log: each query with its duration (tracing makes a span of it) */
  log?: (event: LogEvent) => void;
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
    // WAL + FULL: every commit is fsynced before it is acknowledged; NORMAL only on request.
    const synchronous = options.sqliteSynchronous ?? 'full';
    if (!SQLITE_SYNCHRONOUS_MODES.includes(synchronous)) throw new Error(`SQLite synchronous "${String(synchronous)}" is neither full nor normal`);
    if (target !== ':memory:') mkdirSync(dirname(resolve(target)), { recursive: true });
    const sqlite = new SQLite(target);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${synchronous.toUpperCase()}`);
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    const checkpointer = target === ':memory:' ? null : startCheckpointer(sqlite, target);
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }), ...(options.log ? { log: options.log } : {}) });
    return {
      kysely,
      engine,
      describe: `sqlite:${target}`,
      close: async () => {
        await checkpointer?.stop();
        await kysely.destroy();
      },
    };
  }
  // pg is loaded here, on the first PostgreSQL connection: a process on SQLite never pays for it.
  const pgLib = require('pg') as typeof pg;
  const pool = new pgLib.Pool({
    connectionString: target,
    types: { getTypeParser: typeParserOf(pgLib) as typeof pg.types.getTypeParser },
    max: options.poolSize ?? 16,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  pool.on('connect', namePreparedStatements);
  const kysely = new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }), ...(options.log ? { log: options.log } : {}) });
  return {
    kysely,
    engine,
    pgPool: pool,
    schema: options.schema ?? schemaFromUrl(target),
    describe: target.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@'),
    close: () => kysely.destroy(),
  };
}

/**
 * WAL checkpoints off the event loop. SQLite checkpoints in the connection that commits, after
 * every ~1,000 WAL pages: it copies the pages into the database file and fsyncs twice — a stall of
 * several milliseconds on the one thread that serves every request, several times a second under
 * load (the POS path's p99). A worker thread with its own connection checkpoints instead
 * (PASSIVE: never blocks the writer); the main connection keeps a far larger automatic threshold
 * as a safety net (the WAL only restarts once a checkpoint caught up, which under steady writes
 * happens at that threshold). A failed worker restores SQLite's default.
 */
function startCheckpointer(main: SQLite.Database, path: string): { stop(): Promise<void> } {
  const DEFAULT_AUTOCHECKPOINT = 1_000;
  main.pragma('wal_autocheckpoint = 10000');
  const worker = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { module: require.resolve('better-sqlite3'), path: resolve(path), intervalMs: 25 } });
  worker.unref();
  let stopped = false;
  const restoreDefault = () => {
    if (!stopped && main.open) main.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
  };
  worker.on('error', restoreDefault);
  worker.on('exit', restoreDefault);
  return {
    async stop() {
      stopped = true;
      await worker.terminate();
    },
  };
}

const CHECKPOINT_WORKER = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const tick = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy or locked: try again next tick
  }
  setTimeout(tick, workerData.intervalMs);
};
tick();
`;

/**
 * The connection as Kysely's SQLite dialect uses it (`prepare` and `close`, nothing else), with a
 * statement cache: Kysely prepares every query afresh, and preparing costs more than running most
 * of ours, so the same SQL text (parameters are bound separately) reuses its prepared statement.
 * A plain object rather than a Proxy of the connection: a Proxy's property reads take V8's slow
 * path, and Kysely reads `prepare` once per statement.
 */
function withStatementCache(sqlite: SQLite.Database): Pick<SQLite.Database, 'prepare' | 'close'> {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare: ((source: string) => {
      let stmt = cache.get(source);
      if (!stmt) {
        stmt = sqlite.prepare(source);
        if (cache.size > 2_000) cache.clear();
        cache.set(source, stmt);
      }
      return stmt;
    }) as SQLite.Database['prepare'],
    close: () => sqlite.close(),
  };
}

/**
 * The queries of prepared.ts go to PostgreSQL as named statements: parsed and planned once per
 * connection instead of on every call (on the POS path that was a large share of the database's
 * CPU). They select explicit columns, so a column added by a later migration does not invalidate
 * them. Everything else is sent as before.
 */
function namePreparedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    const name = typeof text === 'string' && callback === undefined ? PREPARED_STATEMENTS.get(text) : undefined;
    if (name !== undefined) return query({ name, text, values });
    return callback === undefined ? query(text, values) : query(text, values, callback);
  };
}

const INT8_OID = 20;

/**
 * Money and points columns are bigint (migration 0010) and COUNT is int8: pg hands int8 over as
 * text by default. Tillpoint's limits (domain/limits.ts) keep every stored value a safe integer, so
 * int8 is read as a number; one past 2^53 is an error, never a silently rounded balance. (SUM of
 * bigint is numeric and stays text, converted where read.)
 */
function typeParserOf(pgLib: typeof pg) {
  return (oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) => {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    return format === undefined ? pgLib.types.getTypeParser(oid) : pgLib.types.getTypeParser(oid, format as 'text');
  };
}

export function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 ${value} is beyond the safe-integer range`);
  return n;
}

/** `?options=-c search_path=foo` in a PostgreSQL URL names the schema. */
function schemaFromUrl(url: string): string | undefined {
  const options = new URL(url).searchParams.get('options');
  return options ? /search_path=([\w$]+)/.exec(options)?.[1] : undefined;
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db.kysely);
}

/**
 * PostgreSQL with an introspector that looks only at the connection's own schema. Kysely's looks
 * through every schema of the database (the migrator asks it whether its bookkeeping tables
 * exist), and fails with "schema … does not exist" when another schema is dropped meanwhile — as
 * test files and throwaway tenants do. The migrator is its only user.
 */
class SchemaScopedPostgresDialect extends PostgresDialect {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature of Dialect.createIntrospector
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    const base = super.createIntrospector(db);
    const getTables = async (): Promise<TableMetadata[]> => {
      const { rows } = await sql<{
        schema: string;
        table: string;
        type: string;
        column: string | null;
        data_type: string | null;
        nullable: string | null;
        has_default: boolean | null;
      }>`
        select t.table_schema as schema, t.table_name as table, t.table_type as type, c.column_name as column,
               c.udt_name as data_type, c.is_nullable as nullable, c.column_default is not null as has_default
        from information_schema.tables t
        left join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name
        where t.table_schema = current_schema()
        order by t.table_name, c.ordinal_position`.execute(db);
      const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>();
      for (const r of rows) {
        let t = tables.get(r.table);
        if (!t) tables.set(r.table, (t = { name: r.table, schema: r.schema, isView: r.type === 'VIEW', columns: [] }));
        if (r.column !== null) {
          t.columns.push({
            name: r.column,
            dataType: r.data_type ?? '',
            isNullable: r.nullable === 'YES',
            hasDefaultValue: r.has_default === true,
            isAutoIncrementing: false,
          });
        }
      }
      return [...tables.values()];
    };
    return {
      getSchemas: () => base.getSchemas(),
      getTables,
      getMetadata: async (_options?: DatabaseMetadataOptions) => ({ tables: await getTables() }),
    };
  }
}
