import { createHash, randomInt } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/**
 * Row ids are UUIDv7: time-ordered and monotonic within a process, so rows written in the same
 * millisecond (an audit trail under a frozen test clock, a burst of events) still sort in the order
 * they were written when a list orders by (timestamp, id).
 */
export const newId = (): string => uuidv7();

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const cryptoRandomIndex = (n: number): number => randomInt(n);

/** Nesting canonicalJson follows; a body reaching it was parsed with at most 32 levels (app.ts). */
const CANONICAL_MAX_DEPTH = 64;

/** JSON with object keys sorted, so equal bodies hash equally whatever order the POS wrote. */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > CANONICAL_MAX_DEPTH) throw new RangeError(`canonicalJson: value nests deeper than ${CANONICAL_MAX_DEPTH} levels`);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value as object).sort();
    return `{${keys
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k], depth + 1)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
