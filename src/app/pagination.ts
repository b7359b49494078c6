import { AppError } from '../errors.ts';

/** A page of a list, newest first; pass `nextCursor` back as `cursor` for the next page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
}

/** A keyset position: the (timestamp, id) of the last item of the previous page. */
export interface Cursor {
  at: string;
  id: string;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw new AppError('ValidationError', `limit must be a whole number from 1 to ${MAX_PAGE}`, { field: 'limit' });
  return limit;
}

/** The one cursor codec of every paged list (admin and guest app): opaque base64url text. */
export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

/**
 * A cursor this API returned → its position; null for none. Also reads the `at|id` form the guest
 * app handed out before the codecs were one, so a page open across an upgrade still continues.
 */
export function decodeCursor(text: string | null | undefined): Cursor | null {
  if (text === undefined || text === null || text === '') return null;
  const raw = Buffer.from(text, 'base64url').toString('utf8');
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') return { at: parsed[0], id: parsed[1] };
  } catch {
    const [at, id, extra] = raw.split('|');
    if (at && id && extra === undefined && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(at)) return { at, id };
  }
  throw new AppError('ValidationError', 'cursor is not a cursor this API returned', { field: 'cursor' });
}

/** Rows fetched with `limit + 1` → the page and the cursor of its last row when there is more. */
export function toPage<R, T>(rows: R[], limit: number, key: (r: R) => [string, string], view: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items: items.map(view), nextCursor: more && last ? encodeCursor(...key(last)) : null };
}
