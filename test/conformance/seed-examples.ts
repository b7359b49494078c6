import { expect } from 'vitest';

import { readFileSync } from 'node:fs';

/**
 * Every example request and answer of the two vendor source documents, read from byte-identical
 * copies of `../shared/seeds/` in `./seeds/`: `loyalty-api-v1-ncr.txt` and
 * `loyalty-api-v1-winrest.txt` (a page diff of the Loyalty API v1 endpoint reference against the
 * Winrest page). Each "Code Block" is parsed as the document writes it, tolerating what breaks its
 * JSON: `// comments`, trailing and missing commas, `"parentReferenceId"?:` for an optional field,
 * `"A" or "B"` alternatives (read as the one string "A or B"), a bare `$url`, and a parenthesised
 * remark after a value. `$name` placeholders and alternatives are filled in by `fill`.
 *
 * Some blocks of the Winrest diff interleave two versions word by word and cannot be parsed; for
 * those (`UNTANGLED`) the example is written out here by hand, and `seedWords` lets a test check
 * that every key and value of the hand copy does occur in the document.
 */
export const SEED_TEXT = {
  ncr: readFileSync(new URL('./seeds/loyalty-api-v1-ncr.txt', import.meta.url), 'utf8'),
  winrest: readFileSync(new URL('./seeds/loyalty-api-v1-winrest.txt', import.meta.url), 'utf8'),
};

/** The text of each "Code Block" of a document: from its opening brace to the first `}` line. */
export function codeBlocks(text: string): string[] {
  const blocks: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== 'Code Block') continue;
    let end = i + 1;
    while (end < lines.length && lines[end] !== '}') end++;
    blocks.push(lines.slice(i + 1, end + 1).join('\n'));
    i = end;
  }
  return blocks;
}

/** A seed example as parsed: the tests index into it as the documents lay it out. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SeedJson = Record<string, any>;

/** A code block as JSON, repairing only what the documents' authors left out or added by hand. */
export function parseSeedBlock(block: string): SeedJson {
  const repaired = block
    .replace(/\s\/\/[^\n]*$/gm, '')
    .replace(/"(\w+)"\?:/g, '"$1":')
    .replace(/"([^"\n]*)" or "([^"\n]*)"/g, '"$1 or $2"')
    .replace(/("[^"\n]*")\s*\([^)\n]*\)/g, '$1')
    .replace(/:\s*(\$\w+)\s*(,?)[ \t]*$/gm, ': "$1"$2')
    .replace(/("|\d|true|false|null|\}|\])(\s*\n\s*")/g, '$1,$2')
    .replace(/,(\s*[}\]])/g, '$1');
  return JSON.parse(repaired) as SeedJson;
}

const ncr = codeBlocks(SEED_TEXT.ncr).map(parseSeedBlock);
const winrest = codeBlocks(SEED_TEXT.winrest);
const winrestBlock = (i: number) => parseSeedBlock(winrest[i]!);

// ---- NCR: six blocks, all parseable ---------------------------------------------------------------

export const NCR_EXAMPLES = {
  identify: { request: ncr[0]!, response: ncr[1]! },
  pending: { request: ncr[2]!, response: ncr[3]! },
  claimed: { request: ncr[4]!, response: ncr[5]! },
};

// ---- Winrest and the endpoint reference ------------------------------------------------------------

/** Blocks 0-1: the endpoint reference's identify; block 9: the void request; block 10: its answer. */
const identifyRequest = winrestBlock(0);
const identifyReferenceAnswer = winrestBlock(1);
/** The body every Winrest transaction example shows (validate, update, unclaimed and void alike). */
const winrestSale = winrestBlock(9);

/** Hand-untangled examples of the blocks the page diff interleaves (see `seedWords`). */
export const UNTANGLED = {
  /** Winrest page, identify answer: the reference answer with "price": "300" on the reward line. */
  identifyAnswer: { ...identifyReferenceAnswer, order: [{ ...(identifyReferenceAnswer.order as object[])[0], price: '300' }] },
  saleAnswer: { points: 14464, pointsEarned: 50, pointsRedeemed: 750, loyaltyId: '4711fc2a-3a8f-414f-a9e7-44dd5231dca7', transactionId: '07e5c312-9e8e-4e67-8980-f42fc499a142' },
  updateAnswer: { points: 14464, pointsEarned: 50, pointsRedeemed: 750, loyaltyId: '$loyaltyUserId', transactionId: '$transactionId' },
  rulesError: {
    code: 'RulesError',
    details: {
      ruleEvaluation: [{ code: 'insufficient-point-balance', currentValue: 0, message: 'User does not have sufficient funds to redeem reward', ruleId: 'point-balance', targetValue: 250 }],
      isEngineError: true,
      errorConfig: { timeout: 0, method: 'put', data: '__REDACTED__', url: '$url' },
    },
    message: 'Rule evaluation failed',
  },
  unclaimedAnswer: {
    presentation: { footer: 'receipt footer', header: 'receipt header', marketing: 'receipt marketing promo', identifier: 'Transaction ID: $transactionId' },
    transactionId: '$transactionId',
  },
};

export const WINREST_EXAMPLES = {
  /** Endpoint reference: "price" field only returned back for rewards. */
  identifyReference: { request: identifyRequest, response: identifyReferenceAnswer },
  /** Winrest page: "the price of the reward will be returned if a reward with price is pre-selected". */
  identify: { request: identifyRequest, response: UNTANGLED.identifyAnswer },
  validate: { request: winrestSale, response: UNTANGLED.saleAnswer, error: UNTANGLED.rulesError },
  update: { request: winrestSale, response: UNTANGLED.updateAnswer },
  unclaimed: { request: winrestSale, response: UNTANGLED.unclaimedAnswer },
  void: { request: winrestSale, response: winrestBlock(10) },
};

/** Every key and every primitive value of an example, as text: each must occur in the document. */
export function seedWords(example: unknown): string[] {
  const words: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        words.push(k);
        walk(x);
      }
    }
    else words.push(String(v));
  };
  walk(example);
  return words;
}

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
