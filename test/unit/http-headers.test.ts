import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { bearer, bearerToken, localTime } from '../../src/adapters/http/headers.ts';

const withHeaders = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;

describe('the headers every route reads the same way', () => {
  it('a bearer token is the text after "Bearer", any case, else none', () => {
    expect(bearerToken('Bearer tpa_abcdefghij')).toBe('tpa_abcdefghij');
    expect(bearerToken('bearer   tpa_abcdefghij')).toBe('tpa_abcdefghij');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
  it('a route without a plausible bearer token answers 401', () => {
    expect(bearer(withHeaders({ authorization: 'Bearer tpg_0123456789' }))).toBe('tpg_0123456789');
    for (const authorization of ['Bearer short', `Bearer ${'x'.repeat(4097)}`, 'Token tpg_0123456789']) {
      expect(() => bearer(withHeaders({ authorization }))).toThrow(expect.objectContaining({ code: 'Unauthorized' }));
    }
    expect(bearer(withHeaders({ authorization: `Bearer ${'x'.repeat(4096)}` }))).toHaveLength(4096);
  });
  it('x-user-datetime is the store-local wall clock; a malformed one is a 400 naming the header', () => {
    expect(localTime(withHeaders({}))).toBeNull();
    expect(localTime(withHeaders({ 'x-user-datetime': '2026-11-25T13:45:00' }))).toMatchObject({ date: '2026-11-25', time: '13:45' });
    expect(() => localTime(withHeaders({ 'x-user-datetime': 'tomorrow' }))).toThrow(expect.objectContaining({ code: 'ValidationError' }));
  });
});
