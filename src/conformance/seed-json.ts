/**
 * A reader for the JSON that the vendor documents write, which is not JSON: it has `//` comments,
 * trailing commas, missing commas between members, `"key"?:` for an optional field, `"A" or "B"`
 * (and `"A or B"` inside one string) for alternatives, a bare `$url` for a value of unstated type,
 * and a note in parentheses after a value (`"price": "0" (price field only returned back for rewards)`).
 * Each of these is kept as data, so a check can say what the document meant, not what a strict
 * JSON parser could salvage.
 */

export type SeedNode =
  | { type: 'object'; fields: SeedField[] }
  | { type: 'array'; items: SeedNode[] }
  | { type: 'string'; text: string }
  /** `text` keeps the document's spelling (`5.00`), `value` is the number it means. */
  | { type: 'number'; text: string; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  /** A bare word such as `$url`: a value the document names but does not type. */
  | { type: 'placeholder'; name: string }
  /** `"A" or "B"` between values, or `"A or B"` inside a string of two like words. */
  | { type: 'oneOf'; options: SeedNode[] };

export interface SeedField {
  key: string;
  value: SeedNode;
  /** `"key"?:` in the document */
  optional: boolean;
  /** the `(…)` note after the value or the `// …` comment after the member */
  note?: string;
  /**
   * Present only when a sibling field has this value, read from a note such as "(price field only
   * returned back for rewards)": the sibling whose alternatives include `REWARD`.
   */
  onlyWhen?: { key: string; equals: string };
}

/** What the reader had to be lenient about, with the line it was on, for the extraction test. */
export interface Leniency {
  kind: 'comment' | 'trailing-comma' | 'missing-comma' | 'optional-marker' | 'alternatives' | 'alternatives-in-string' | 'bare-word' | 'note';
  line: number;
  text: string;
}

export class SeedSyntaxError extends Error {}

type Token =
  | { t: 'punct'; v: '{' | '}' | '[' | ']' | ':' | ',' | '?'; line: number }
  | { t: 'string'; v: string; line: number }
  | { t: 'number'; v: string; line: number }
  | { t: 'word'; v: string; line: number }
  | { t: 'comment'; v: string; line: number }
  | { t: 'note'; v: string; line: number };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out.push({ t: 'comment', v: text.slice(i + 2, stop).trim(), line });
      i = stop;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        if (text[j] === '\n') throw new SeedSyntaxError(`line ${line}: a string runs past the end of its line`);
        s += text[j];
        j++;
      }
      if (j >= text.length) throw new SeedSyntaxError(`line ${line}: unterminated string`);
      out.push({ t: 'string', v: s, line });
      i = j + 1;
    } else if ('{}[]:,?'.includes(c)) {
      out.push({ t: 'punct', v: c as '{', line });
      i++;
    } else if (c === '(') {
      const end = text.indexOf(')', i);
      if (end < 0) throw new SeedSyntaxError(`line ${line}: unclosed "("`);
      out.push({ t: 'note', v: text.slice(i + 1, end).trim(), line });
      i = end + 1;
    } else {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (m) {
        out.push({ t: 'number', v: m[0], line });
        i += m[0].length;
        continue;
      }
      const w = /^[A-Za-z$_][\w$]*/.exec(text.slice(i));
      if (!w) throw new SeedSyntaxError(`line ${line}: unexpected "${c}"`);
      out.push({ t: 'word', v: w[0], line });
      i += w[0].length;
    }
  }
  return out;
}

/** `"REWARD or OFFER"`, `"$digitCode or $loyaltyId"`: two like words; "sanity id of reward or offer" is prose. */
const STRING_ALTERNATIVES = /^(\$\w+|[A-Z][A-Z_]*) or (\$\w+|[A-Z][A-Z_]*)$/;

function sameKind(a: string, b: string): boolean {
  return a.startsWith('$') === b.startsWith('$');
}

/** Parses one example; throws SeedSyntaxError naming the line when even a lenient reading fails. */
export function parseSeedJson(text: string): { value: SeedNode; leniencies: Leniency[] } {
  const tokens = tokenize(text);
  const leniencies: Leniency[] = [];
  let pos = 0;

  const peek = (): Token | undefined => {
    while (tokens[pos]?.t === 'comment') {
      const c = tokens[pos]!;
      leniencies.push({ kind: 'comment', line: c.line, text: c.v });
      pos++;
    }
    return tokens[pos];
  };
  const lineOf = () => tokens[Math.min(pos, tokens.length - 1)]?.line ?? 0;
  const fail = (what: string): never => {
    throw new SeedSyntaxError(`line ${lineOf()}: ${what}`);
  };
  const isPunct = (tok: Token | undefined, v: string) => tok?.t === 'punct' && tok.v === v;
  const expectPunct = (v: string) => {
    const tok = peek();
    if (!isPunct(tok, v)) fail(`expected "${v}", found ${tok ? `"${tok.v}"` : 'the end'}`);
    pos++;
  };

  const primary = (): SeedNode => {
    const tok = peek() ?? fail('expected a value, found the end');
    if (isPunct(tok, '{')) return object();
    if (isPunct(tok, '[')) return array();
    pos++;
    if (tok.t === 'string') {
      const m = STRING_ALTERNATIVES.exec(tok.v);
      if (m && sameKind(m[1]!, m[2]!)) {
        leniencies.push({ kind: 'alternatives-in-string', line: tok.line, text: tok.v });
        return {
          type: 'oneOf',
          options: [
            { type: 'string', text: m[1]! },
            { type: 'string', text: m[2]! },
          ],
        };
      }
      return { type: 'string', text: tok.v };
    }
    if (tok.t === 'number') return { type: 'number', text: tok.v, value: Number(tok.v) };
    if (tok.t === 'word') {
      if (tok.v === 'true' || tok.v === 'false') return { type: 'boolean', value: tok.v === 'true' };
      if (tok.v === 'null') return { type: 'null' };
      leniencies.push({ kind: 'bare-word', line: tok.line, text: tok.v });
      return { type: 'placeholder', name: tok.v };
    }
    return fail(`unexpected "${tok.v}"`);
  };

  const value = (): SeedNode => {
    const first = primary();
    const options = [first];
    for (let tok = peek(); tok?.t === 'word' && tok.v === 'or'; tok = peek()) {
      pos++;
      leniencies.push({ kind: 'alternatives', line: tok.line, text: 'or' });
      options.push(primary());
    }
    return options.length === 1 ? first : { type: 'oneOf', options };
  };

  const array = (): SeedNode => {
    expectPunct('[');
    const items: SeedNode[] = [];
    for (;;) {
      const tok = peek();
      if (isPunct(tok, ']')) break;
      items.push(value());
      const next = peek();
      if (isPunct(next, ',')) {
        pos++;
        if (isPunct(peek(), ']')) leniencies.push({ kind: 'trailing-comma', line: next!.line, text: ',' });
      } else if (!isPunct(next, ']')) fail('expected "," or "]"');
    }
    pos++;
    return { type: 'array', items };
  };

  const object = (): SeedNode => {
    expectPunct('{');
    const fields: SeedField[] = [];
    for (;;) {
      const tok = peek();
      if (isPunct(tok, '}')) break;
      if (tok?.t !== 'string') fail(`expected a key, found ${tok ? `"${tok.v}"` : 'the end'}`);
      pos++;
      const field: SeedField = { key: tok!.v, value: { type: 'null' }, optional: false };
      if (isPunct(peek(), '?')) {
        leniencies.push({ kind: 'optional-marker', line: tok!.line, text: `"${tok!.v}"?:` });
        field.optional = true;
        pos++;
      }
      expectPunct(':');
      field.value = value();
      const note = tokens[pos];
      if (note?.t === 'note') {
        leniencies.push({ kind: 'note', line: note.line, text: note.v });
        field.note = note.v;
        pos++;
      }
      const next = peek();
      if (isPunct(next, ',')) {
        pos++;
        const after = tokens[pos];
        if (after?.t === 'comment' && after.line === next!.line) {
          field.note = field.note ? `${field.note}; ${after.v}` : after.v;
        }
        if (isPunct(peek(), '}')) leniencies.push({ kind: 'trailing-comma', line: next!.line, text: ',' });
      } else if (next?.t === 'string') {
        leniencies.push({ kind: 'missing-comma', line: next.line, text: `before "${next.v}"` });
      } else if (!isPunct(next, '}')) fail(`expected "," or "}" after "${field.key}"`);
      fields.push(field);
    }
    pos++;
    for (const f of fields) {
      const only = f.note ? /only returned back for (\w+?)s?\b/i.exec(f.note) : null;
      if (!only) continue;
      const word = only[1]!.toUpperCase();
      const sibling = fields.find((s) => s !== f && s.value.type === 'oneOf' && s.value.options.some((o) => o.type === 'string' && o.text === word));
      if (sibling) f.onlyWhen = { key: sibling.key, equals: word };
    }
    return { type: 'object', fields };
  };

  const result = value();
  const rest = peek();
  if (rest) fail(`unexpected "${rest.v}" after the example`);
  return { value: result, leniencies };
}

/** The field of an object node by key. */
export function fieldOf(node: SeedNode, key: string): SeedField | undefined {
  return node.type === 'object' ? node.fields.find((f) => f.key === key) : undefined;
}

/**
 * The example as plain JSON, the way a reader copies it: alternatives as the document's
 * `"A or B"`, a bare `$url` as the string `"$url"`, optional and noted fields kept.
 */
export function toPlainJson(node: SeedNode): unknown {
  switch (node.type) {
    case 'object':
      return Object.fromEntries(node.fields.map((f) => [f.key, toPlainJson(f.value)]));
    case 'array':
      return node.items.map(toPlainJson);
    case 'string':
      return node.text;
    case 'number':
      return node.value;
    case 'boolean':
      return node.value;
    case 'null':
      return null;
    case 'placeholder':
      return node.name;
    case 'oneOf':
      return node.options.map((o) => String(toPlainJson(o))).join(' or ');
  }
}
