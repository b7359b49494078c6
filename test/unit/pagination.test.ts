import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, toPage } from '../../src/app/pagination.ts';

describe('one cursor codec for every paged list', () => {
  it('reads back the position it wrote', () => {
    const cursor = encodeCursor('2026-11-25T10:00:00.000Z', 'b3d1c7a0-0000-4000-8000-000000000001');
    expect(decodeCursor(cursor)).toEqual({ at: '2026-11-25T10:00:00.000Z', id: 'b3d1c7a0-0000-4000-8000-000000000001' });
  });

  it('still reads the at|id cursors the guest app handed out before', () => {
    const old = Buffer.from('2026-11-25T10:00:00.000Z|b3d1c7a0-0000-4000-8000-000000000001').toString('base64url');
    expect(decodeCursor(old)).toEqual({ at: '2026-11-25T10:00:00.000Z', id: 'b3d1c7a0-0000-4000-8000-000000000001' });
  });

  it('no cursor is the first page; anything else is a ValidationError naming the field', () => {
    expect(decodeCursor(undefined)).toBeNull();
    expect(decodeCursor(null)).toBeNull();
    expect(decodeCursor('')).toBeNull();
    expect(() => decodeCursor('not-a-cursor')).toThrow(
      expect.objectContaining({ code: 'ValidationError', details: expect.objectContaining({ field: 'cursor' }) }),
    );
  });

  it('a page of limit + 1 rows has a cursor to its last item', () => {
    const rows = [3, 2, 1].map((n) => ({ at: `2026-01-0${n}T00:00:00.000Z`, id: `id-${n}` }));
    const page = toPage(
      rows,
      2,
      (r) => [r.at, r.id],
      (r) => r.id,
    );
    expect(page.items).toEqual(['id-3', 'id-2']);
    expect(decodeCursor(page.nextCursor)).toEqual({ at: '2026-01-02T00:00:00.000Z', id: 'id-2' });
    expect(
      toPage(
        rows.slice(0, 2),
        2,
        (r) => [r.at, r.id],
        (r) => r.id,
      ).nextCursor,
    ).toBeNull();
  });
});
