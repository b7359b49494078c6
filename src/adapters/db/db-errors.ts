/**
 * What a database error says about the request that caused it, the same on both engines: a value
 * the column cannot hold (PostgreSQL's class 22, SQLite's TOOBIG/MISMATCH), a row that collides
 * with or depends on another, a balance beyond MAX_POINTS (the guests_balance_max check or
 * trigger, migration 0010). Anything else is not the client's doing.
 */
export type DbErrorKind = 'invalid-value' | 'conflict' | 'points-limit';

export const BALANCE_LIMIT_CONSTRAINT = 'guests_balance_max';

export function classifyDbError(err: unknown): DbErrorKind | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (e.constraint === BALANCE_LIMIT_CONSTRAINT || (code.startsWith('SQLITE_CONSTRAINT') && message.includes(BALANCE_LIMIT_CONSTRAINT))) return 'points-limit';
  if (/^SQLITE_/.test(code)) {
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'conflict';
    if (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_TOOBIG' || code === 'SQLITE_MISMATCH' || code === 'SQLITE_RANGE') return 'invalid-value';
    return null;
  }
  // PostgreSQL SQLSTATEs: five characters, set only on errors the server sent.
  if (!/^[0-9A-Z]{5}$/.test(code) || !('severity' in e)) return null;
  if (code.startsWith('22')) return 'invalid-value';
  if (code === '23505' || code === '23503') return 'conflict';
  if (code.startsWith('23')) return 'invalid-value';
  return null;
}

/** A unique-key collision (either engine): the caller answers 409 naming the field. */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
