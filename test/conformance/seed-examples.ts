import { expect } from 'vitest';
import { type SeedExample, seedExamples } from '../../src/conformance/seed-examples.ts';
import { toPlainJson } from '../../src/conformance/seed-json.ts';

/**
 * The examples the conformance tests replay, as plain JSON: the conformance kit's reading of the
 * two vendor documents (`src/conformance/seed-examples.ts`, from its byte-identical copies of
 * `../shared/seeds/`), with no reader or copy of the documents of its own. The kit keeps what the
 * documents write that is not JSON as data; `toPlainJson` turns it back into what a reader would
 * copy: `"A" or "B"` as the one string `"A or B"`, a bare `$url` as the string `"$url"`, a
 * parenthesised remark dropped. `$name` placeholders and alternatives are filled in by `fill`.
 */

/** A seed example as plain JSON: the tests index into it as the documents lay it out. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SeedJson = Record<string, any>;

const plain = (example: SeedExample): SeedJson => toPlainJson(example.node) as SeedJson;

const ncr = seedExamples('ncr');
const winrest = seedExamples('winrest');

// ---- NCR: six blocks, all parseable ---------------------------------------------------------------

export const NCR_EXAMPLES = {
  identify: { request: plain(ncr.identify.request), response: plain(ncr.identify.answer) },
  pending: { request: plain(ncr.pending.request), response: plain(ncr.pending.answer) },
  claimed: { request: plain(ncr.claimed.request), response: plain(ncr.claimed.answer) },
};

// ---- Winrest and the endpoint reference ------------------------------------------------------------

/**
 * The request of every Winrest transaction example (validate, update, unclaimed and void alike) is
 * the one sale body the reference writes; the answers of validate, update and unclaimed and the
 * RulesError come from the merged part of the file, untangled by the kit.
 */
export const WINREST_EXAMPLES = {
  /** Endpoint reference: "price" field only returned back for rewards. */
  identifyReference: { request: plain(winrest.identify.request), response: plain(winrest.identify.answer) },
  /** Winrest page: "the price of the reward will be returned if a reward with price is pre-selected". */
  identify: { request: plain(winrest.identifyWinrest.request), response: plain(winrest.identifyWinrest.answer) },
  validate: { request: plain(winrest.validate.request), response: plain(winrest.validate.answer), error: plain(winrest.rulesError.answer) },
  update: { request: plain(winrest.update.request), response: plain(winrest.update.answer) },
  unclaimed: { request: plain(winrest.unclaimed.request), response: plain(winrest.unclaimed.answer) },
  void: { request: plain(winrest.void.request), response: plain(winrest.void.answer) },
};

// ---- helpers -------------------------------------------------------------------------------------

/**
 * Deep copy of an example with placeholders filled: a string equal to a key of `values` becomes its
 * value (any type); `$name` tokens inside longer strings are replaced by the text of their value.
 */
export function fill<T>(example: T, values: Record<string, unknown>): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (Object.prototype.hasOwnProperty.call(values, v)) return values[v];
      return v.replace(/\$[A-Za-z]+/g, (token) => (Object.prototype.hasOwnProperty.call(values, token) ? String(values[token]) : token));
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(example) as T;
}

/**
 * The answer has every field of the example answer, recursively, with the same JSON type (an
 * integer where the example has one); arrays are compared element by element against the
 * example's first element. `loose` lists paths whose type may differ, each with why.
 */
export function expectShape(actual: unknown, example: unknown, path = '$', loose: Record<string, string> = {}): void {
  if (path in loose) return;
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  expect(kind(actual), `${path} is ${kind(example)} in the example`).toBe(kind(example));
  if (Array.isArray(example)) {
    const list = actual as unknown[];
    if (example.length > 0) for (const [i, item] of list.entries()) expectShape(item, example[0], `${path}[${i}]`, loose);
    return;
  }
  if (example && typeof example === 'object') {
    for (const [key, value] of Object.entries(example)) {
      if (`${path}.${key}` in loose) continue;
      expect(actual, `${path} lacks "${key}"`).toHaveProperty([key]);
      expectShape((actual as Record<string, unknown>)[key], value, `${path}.${key}`, loose);
    }
    return;
  }
  if (typeof example === 'number' && Number.isInteger(example)) expect(Number.isInteger(actual), `${path} is an integer in the example`).toBe(true);
}

export const RECEIPT_CODE = /^[0-9A-HJ-NP-Z]{16}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
