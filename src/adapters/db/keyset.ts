import { type Expression, sql, type SqlBool } from 'kysely';
import type { Cursor } from '../../app/pagination.ts';

/**
 * Keyset condition "older than the cursor" on (`atColumn`, `idColumn`), both descending: stable
 * under concurrent inserts, unlike offsets. Every paged list orders by the same two columns.
 */
export function olderThan(cursor: Cursor, atColumn: string, idColumn: string): Expression<SqlBool> {
  return sql<SqlBool>`(${sql.ref(atColumn)} < ${cursor.at} or (${sql.ref(atColumn)} = ${cursor.at} and ${sql.ref(idColumn)} < ${cursor.id}))`;
}
