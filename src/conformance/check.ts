import type { SeedField, SeedNode } from './seed-json.ts';

/**
 * The pure half of the conformance kit: a JSON value (an answer the kit received, or a request a
 * POS sent) against a seed example, field by field; and an example filled in to a concrete JSON
 * text. No I/O here.
 *
 * What an example asks of a value:
 * - every field the example shows is there (`"key"?:` marks an optional one; a note such as "only
 *   returned back for rewards" makes it present exactly when its sibling says `REWARD`);
 * - with the example's JSON type, and an integer where the example writes an integer;
 * - one of the alternatives where the example lists them (`"REWARD or OFFER"`, `"CASH" or "CARD"`);
 * - a `$placeholder`, or a literal id (UUID) the examples repeat, is the same value wherever it
 *   appears again in one run (bound where first seen); text around a placeholder
 *   (`"Transaction ID: $loyaltyTransactionId"`) is kept as written;
 * - a literal UUID or ISO date-time is a UUID or an ISO date-time; other literal values are samples
 *   (only their type counts) unless the caller names the path as exact;
 * - array elements are each checked against the example element they match best (the NCR payments
 *   example mixes tenders and totals), and an answer's array is not empty where the example shows
 *   an element.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface FieldResult {
  path: string;
  expected: string;
  actual: string;
  ok: boolean;
}

export interface CheckOptions {
  /** placeholder or literal id → the value it stands for in this run; filled as values are first seen */
  bindings: Map<string, string>;
  /** paths (as reported, e.g. `$.code`) whose example value is required as written */
  exact?: ReadonlySet<string>;
  /** an array the example shows elements of must not be empty (answers) */
  requireElements?: boolean;
  /**
   * paths whose example value is a sample of the caller's own data (the till's store, its POS
   * transaction, its vendor name): any string will do, whatever the example writes
   */
  samples?: (path: string) => boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const PLACEHOLDER = /\$[A-Za-z]\w*/g;
const WHOLE_PLACEHOLDER = /^\$[A-Za-z]\w*$/;
const HAS_PLACEHOLDER = /\$[A-Za-z]\w*/;

export function kindOf(v: unknown): string {
  if (v === undefined) return 'absent';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** A short rendering of an actual value for the report. */
export function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (Array.isArray(v)) return `array(${v.length})`;
  if (v && typeof v === 'object') return 'object';
  const s = JSON.stringify(v);
  return s.length > 48 ? `${s.slice(0, 45)}…` : s;
}

/** What the example asks, in words, for the report. */
export function describe(node: SeedNode): string {
  switch (node.type) {
    case 'object':
      return 'object';
    case 'array':
      return 'array';
    case 'string':
      if (WHOLE_PLACEHOLDER.test(node.text)) return `string ${node.text}`;
      if (HAS_PLACEHOLDER.test(node.text)) return `string "${node.text}"`;
      if (UUID.test(node.text)) return 'string (uuid)';
      if (ISO_TIME.test(node.text)) return 'string (date-time)';
      return 'string';
    case 'number':
      return node.text.includes('.') ? 'number' : 'integer';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'placeholder':
      return `any (${node.name})`;
    case 'oneOf':
      return node.options.map((o) => (o.type === 'string' ? JSON.stringify(o.text) : describe(o))).join(' | ');
  }
}

function isBindable(text: string): boolean {
  return WHOLE_PLACEHOLDER.test(text) || UUID.test(text);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Ctx extends CheckOptions {
  out: FieldResult[];
  /** inside an array element other than the first: placeholders are typed, not bound */
  loose: boolean;
}

function push(ctx: Ctx, path: string, expected: string, actual: unknown, ok: boolean) {
  ctx.out.push({ path, expected, actual: show(actual), ok });
}

function checkString(node: { text: string }, actual: unknown, path: string, ctx: Ctx): void {
  const expected = describe({ type: 'string', text: node.text });
  if (typeof actual !== 'string') return push(ctx, path, expected, actual, false);
  if (ctx.exact?.has(path)) return push(ctx, path, JSON.stringify(node.text), actual, actual === node.text);
  if (isBindable(node.text)) {
    const bound = ctx.bindings.get(node.text);
    if (bound !== undefined && !ctx.loose) return push(ctx, path, `${expected} = ${JSON.stringify(bound)}`, actual, actual === bound);
    if (!ctx.loose && bound === undefined) ctx.bindings.set(node.text, actual);
    const formatOk = UUID.test(node.text) ? UUID.test(actual) : true;
    return push(ctx, path, expected, actual, formatOk);
  }
  const tokens = node.text.match(PLACEHOLDER);
  if (tokens) {
    const pattern = node.text
      .split(PLACEHOLDER)
      .map(escapeRegExp)
      .reduce((acc, part, i) => {
        if (i === 0) return part;
        const name = tokens[i - 1]!;
        const bound = ctx.loose ? undefined : ctx.bindings.get(name);
        return acc + (bound === undefined ? '.+' : escapeRegExp(bound)) + part;
      }, '');
    return push(ctx, path, expected, actual, new RegExp(`^${pattern}$`).test(actual));
  }
  if (ISO_TIME.test(node.text)) return push(ctx, path, expected, actual, ISO_TIME.test(actual));
  return push(ctx, path, expected, actual, true);
}

function checkNode(node: SeedNode, actual: unknown, path: string, ctx: Ctx): void {
  if (ctx.samples?.(path)) return push(ctx, path, 'string (your own value)', actual, typeof actual === 'string');
  switch (node.type) {
    case 'object': {
      if (kindOf(actual) !== 'object') return push(ctx, path, 'object', actual, false);
      push(ctx, path, 'object', actual, true);
      const obj = actual as Record<string, unknown>;
      for (const field of node.fields) checkField(field, obj, `${path}.${field.key}`, ctx);
      return;
    }
    case 'array': {
      if (!Array.isArray(actual)) return push(ctx, path, 'array', actual, false);
      const example = node.items;
      if (example.length && !actual.length && ctx.requireElements)
        return push(ctx, path, `array of ${example.length === 1 ? 'an element' : 'elements'} as the example shows`, actual, false);
      push(ctx, path, 'array', actual, true);
      for (const [i, item] of actual.entries()) {
        const best = bestMatch(example, item, ctx);
        if (best) checkNode(best, item, `${path}[${i}]`, { ...ctx, loose: ctx.loose || i > 0 });
      }
      return;
    }
    case 'string':
      return checkString(node, actual, path, ctx);
    case 'number': {
      const integer = !node.text.includes('.');
      return push(
        ctx,
        path,
        describe(node),
        actual,
        typeof actual === 'number' && (!integer || Number.isInteger(actual)) && (!ctx.exact?.has(path) || actual === node.value),
      );
    }
    case 'boolean':
      return push(ctx, path, 'boolean', actual, typeof actual === 'boolean');
    case 'null':
      return push(ctx, path, 'null', actual, actual === null);
    case 'placeholder':
      return push(ctx, path, describe(node), actual, actual !== undefined);
    case 'oneOf': {
      const strings = node.options.every((o) => o.type === 'string');
      if (strings && node.options.every((o) => o.type === 'string' && WHOLE_PLACEHOLDER.test(o.text))) {
        return push(ctx, path, describe(node), actual, typeof actual === 'string');
      }
      if (strings)
        return push(
          ctx,
          path,
          describe(node),
          actual,
          node.options.some((o) => o.type === 'string' && o.text === actual),
        );
      const tries = node.options.map((o) => {
        const sub: Ctx = { ...ctx, bindings: new Map(ctx.bindings), out: [] };
        checkNode(o, actual, path, sub);
        return sub;
      });
      const pass = tries.find((t) => t.out.every((r) => r.ok));
      return void ctx.out.push(...(pass ?? tries[0]!).out);
    }
  }
}

function conditionHolds(field: SeedField, obj: Record<string, unknown>): boolean {
  if (!field.onlyWhen) return true;
  const v = obj[field.onlyWhen.key];
  return typeof v === 'string' && v.toUpperCase() === field.onlyWhen.equals;
}

function checkField(field: SeedField, obj: Record<string, unknown>, path: string, ctx: Ctx): void {
  const present = Object.prototype.hasOwnProperty.call(obj, field.key);
  if (field.onlyWhen) {
    const wanted = conditionHolds(field, obj);
    const rule = `${field.onlyWhen.key} ${field.onlyWhen.equals}`;
    if (!present) return push(ctx, path, wanted ? `${describe(field.value)} (when ${rule})` : `absent (only when ${rule})`, undefined, !wanted);
    if (!wanted) return push(ctx, path, `absent (only when ${rule})`, obj[field.key], false);
  }
  if (!present) {
    if (field.optional) return push(ctx, path, `${describe(field.value)}, optional`, undefined, true);
    return push(ctx, path, describe(field.value), undefined, false);
  }
  checkNode(field.value, obj[field.key], path, ctx);
}

/** The example element an actual element fails least against (the first on a tie). */
function bestMatch(items: SeedNode[], actual: unknown, ctx: Ctx): SeedNode | undefined {
  if (items.length <= 1) return items[0];
  let best: SeedNode | undefined;
  let fewest = Infinity;
  for (const item of items) {
    const sub: Ctx = { ...ctx, bindings: new Map(ctx.bindings), out: [], loose: true };
    checkNode(item, actual, '$', sub);
    const failures = sub.out.filter((r) => !r.ok).length;
    if (failures < fewest) {
      fewest = failures;
      best = item;
    }
  }
  return best;
}

/** Field-by-field results of `actual` against `example` (the first row is the value itself). */
export function checkAgainst(example: SeedNode, actual: unknown, options: CheckOptions): FieldResult[] {
  const ctx: Ctx = { ...options, out: [], loose: false };
  checkNode(example, actual, '$', ctx);
  return ctx.out;
}

// ---- filling an example in ----------------------------------------------------------------------

export interface FillOptions {
  /** `$name` → its value (a whole-string placeholder takes the value's JSON type) */
  values: Map<string, Json>;
  /** a value for a path whatever the example writes there (sample literals such as `"9999"`) */
  at?: (path: string, key: string) => Json | undefined;
  /** which alternative to send (default: the first) */
  choose?: (path: string, options: SeedNode[]) => SeedNode | undefined;
  /** drop `"key"?:` fields (default: send them, as the example does) */
  omitOptional?: boolean;
}

export class MissingValueError extends Error {
  constructor(
    readonly placeholder: string,
    readonly path: string,
  ) {
    super(`no value for ${placeholder} (at ${path})`);
  }
}

/**
 * The example as JSON text, placeholders filled in. Numbers keep the document's spelling (`5.00`),
 * so the request is the example byte for byte apart from the filled values.
 */
export function fillExample(node: SeedNode, options: FillOptions, path = '$'): string {
  switch (node.type) {
    case 'object': {
      const parts: string[] = [];
      for (const f of node.fields) {
        if (f.optional && options.omitOptional) continue;
        const sub = `${path}.${f.key}`;
        const forced = options.at?.(sub, f.key);
        parts.push(`${JSON.stringify(f.key)}:${forced === undefined ? fillExample(f.value, options, sub) : JSON.stringify(forced)}`);
      }
      return `{${parts.join(',')}}`;
    }
    case 'array':
      return `[${node.items.map((item, i) => fillExample(item, options, `${path}[${i}]`)).join(',')}]`;
    case 'string': {
      if (WHOLE_PLACEHOLDER.test(node.text)) {
        const v = options.values.get(node.text);
        if (v === undefined) throw new MissingValueError(node.text, path);
        return JSON.stringify(v);
      }
      const text = node.text.replace(PLACEHOLDER, (name) => {
        const v = options.values.get(name);
        if (v === undefined) throw new MissingValueError(name, path);
        return String(v);
      });
      return JSON.stringify(text);
    }
    case 'number':
      return node.text;
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    case 'placeholder': {
      const v = options.values.get(node.name);
      if (v === undefined) throw new MissingValueError(node.name, path);
      return JSON.stringify(v);
    }
    case 'oneOf': {
      const picked = options.choose?.(path, node.options) ?? node.options[0]!;
      return fillExample(picked, options, path);
    }
  }
}
