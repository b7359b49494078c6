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

/** JSON with object keys sorted, so equal bodies hash equally whatever order the POS wrote. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value as object).sort();
    return `{${keys
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
