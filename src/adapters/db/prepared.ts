import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.ts';

/**
 * SQL text of every prepared query → a statement name. The PostgreSQL pool (database.ts) sends these
 * as named statements, so the server parses and plans each once per connection; other SQL stays
 * unnamed. A finite set: prepared queries are module constants (or a few per shape).
 */
export const PREPARED_STATEMENTS = new Map<string, string>();

/** A placeholder for a parameter of a prepared query; see `prepare`. */
class Slot {
  constructor(readonly name: string) {}
}

type Compiled = { sql: string; slots: readonly unknown[] };

/**
 * A query built and compiled once per SQL dialect and then only bound: on the POS path building
 * and compiling Kysely queries costs more CPU than SQLite takes to run most of them.
 *
 * `build` receives placeholders for the parameters (`p.id`, …) and must use them only as bound
 * values (in `where`, `set`, `values`, `sql` templates), never to choose the query's shape; values
 * that change the SQL text (lists of varying length, null checks) belong in separate prepared
 * queries. The result rows are typed as the built query's.
 *
 * @example
 * const guestById = prepare((db, p: { id: string; programId: string }) =>
 *   db.selectFrom('guests').selectAll().where('id', '=', p.id).where('program_id', '=', p.programId));
 * const row = (await guestById.execute(db, { id, programId }))[0];
 */
export function prepare<P extends object, R>(build: (db: Kysely<Database>, p: P) => Compilable<R>): PreparedQuery<P, R> {
  return new PreparedQuery(build);
}

export class PreparedQuery<P extends object, R> {
  /** Compiled per dialect adapter (SQLite and PostgreSQL differ in placeholders and quoting). */
  private readonly compiled = new WeakMap<object, Compiled>();

  constructor(private readonly build: (db: Kysely<Database>, p: P) => Compilable<R>) {}

  private compile(db: Kysely<Database>): Compiled {
    const adapter = db.getExecutor().adapter;
    let c = this.compiled.get(adapter);
    if (!c) {
      const slots = new Proxy({}, { get: (_t, name) => new Slot(String(name)) }) as P;
      const q = this.build(db, slots).compile();
      c = { sql: q.sql, slots: q.parameters };
      this.compiled.set(adapter, c);
      if (!PREPARED_STATEMENTS.has(q.sql)) PREPARED_STATEMENTS.set(q.sql, `tp_${PREPARED_STATEMENTS.size + 1}`);
    }
    return c;
  }

  async run(db: Kysely<Database>, params: P): Promise<QueryResult<R>> {
    const { sql, slots } = this.compile(db);
    const values = slots.map((s) => (s instanceof Slot ? (params as Record<string, unknown>)[s.name] : s));
    return db.executeQuery<R>(CompiledQuery.raw(sql, values) as CompiledQuery<R>);
  }

  async execute(db: Kysely<Database>, params: P): Promise<R[]> {
    return (await this.run(db, params)).rows;
  }

  async first(db: Kysely<Database>, params: P): Promise<R | undefined> {
    return (await this.run(db, params)).rows[0];
  }
}

/** A prepared multi-row insert whose parameters are named `column_row`. */
export function prepareRows(
  table: 'redemptions' | 'points_ledger' | 'outbox_events',
  columns: readonly string[],
  n: number,
): PreparedQuery<Record<string, unknown>, unknown> {
  return prepare((db, p: Record<string, unknown>) =>
    db.insertInto(table).values(Array.from({ length: n }, (_, i) => Object.fromEntries(columns.map((c) => [c, p[`${c}_${i}`]])) as never)),
  );
}

export function flattenRows<R extends object>(columns: readonly (keyof R & string)[], rows: R[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  rows.forEach((r, i) => {
    for (const c of columns) out[`${c}_${i}`] = r[c];
  });
  return out;
}
