import { describe, expect, it } from 'vitest';
import { parseInt8 } from '../../src/adapters/db/database.ts';
import { classifyDbError } from '../../src/adapters/db/db-errors.ts';
import { controlCharField, mayHoldControlChars, nestsDeeperThan } from '../../src/adapters/http/input-guard.ts';
import { canonicalJson } from '../../src/lib/ids.ts';

describe('input guard', () => {
  it('measures nesting without parsing; brackets inside strings do not count', () => {
    expect(nestsDeeperThan('{"a":[1,{"b":[]}]}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":[1,{"b":[]}]}', 3)).toBe(true);
    expect(nestsDeeperThan(`{"a":"${'['.repeat(100)}"}`, 2)).toBe(false);
    expect(nestsDeeperThan(`{"a":"\\"${'{'.repeat(100)}"}`, 2)).toBe(false);
    expect(nestsDeeperThan('['.repeat(100_000) + ']'.repeat(100_000))).toBe(true);
  });

  it('finds a control character in any string or key, escaped or raw, and names where', () => {
    const cases: [string, string | null][] = [
      ['{"name":"Main Street"}', null],
      ['{"reason":"two\\nlines\\tand\\r"}', null],
      ['{"name":"a\\u0000b"}', '/name'],
      ['{"order":[{"name":"x"},{"name":"\\u001B"}]}', '/order/1/name'],
      ['{"a":{"b":"\\b"}}', '/a/b'],
      ['{"a":"\u0085"}', '/a'],
      ['{"a":"\u007f"}', '/a'],
      ['{"x\\u0000":1}', '/x?'],
      ['{"path":"C:\\\\bin"}', null],
    ];
    for (const [text, path] of cases) {
      if (path !== null) expect(mayHoldControlChars(text), text).toBe(true);
      expect(mayHoldControlChars(text) ? controlCharField(JSON.parse(text)) : null, text).toBe(path);
    }
  });

  it('keeps canonicalJson from recursing without end', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(RangeError);
    expect(canonicalJson({ b: [1, { d: 2, c: 3 }], a: null })).toBe('{"a":null,"b":[1,{"c":3,"d":2}]}');
  });

  it('reads int8 as a number within the safe range and refuses to round one beyond it', () => {
    expect(parseInt8('999999999999')).toBe(999_999_999_999);
    expect(parseInt8('-9007199254740991')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(() => parseInt8('9007199254740993')).toThrow(RangeError);
  });

  it('tells database errors caused by input from the others, alike on both engines', () => {
    expect(classifyDbError({ code: '22P05', severity: 'ERROR', message: 'unsupported Unicode escape sequence' })).toBe('invalid-value');
    expect(classifyDbError({ code: '22003', severity: 'ERROR', message: 'integer out of range' })).toBe('invalid-value');
    expect(classifyDbError({ code: '23505', severity: 'ERROR', message: 'duplicate key' })).toBe('conflict');
    expect(classifyDbError({ code: '23514', severity: 'ERROR', constraint: 'guests_balance_max' })).toBe('points-limit');
    expect(classifyDbError({ code: 'SQLITE_CONSTRAINT_TRIGGER', message: 'guests_balance_max' })).toBe('points-limit');
    expect(classifyDbError({ code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE constraint failed' })).toBe('conflict');
    expect(classifyDbError({ code: 'SQLITE_TOOBIG', message: 'string or blob too big' })).toBe('invalid-value');
    expect(classifyDbError({ code: '57P01', severity: 'FATAL' })).toBe(null);
    expect(classifyDbError({ code: 'SQLITE_BUSY' })).toBe(null);
    expect(classifyDbError(new Error('boom'))).toBe(null);
  });
});
