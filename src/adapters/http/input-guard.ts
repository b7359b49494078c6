import { MAX_JSON_DEPTH } from '../../domain/limits.ts';
import { AppError } from '../../errors.ts';
import { fieldPath } from './error-handler.ts';
import { CONTROL_CHARS } from './schemas/common.ts';

/**
 * Whether JSON text nests objects and arrays deeper than `max`, read without parsing (so a body of
 * a hundred thousand brackets costs one pass and no recursion anywhere).
 */
export function nestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

/**
 * The first string (value or key) holding a control character, as a field path
 * (`transactionDetails.order[0].name`), or null. Iterative; the parsed body is already known to
 * nest at most MAX_JSON_DEPTH levels.
 */
export function controlCharField(value: unknown, root = ''): string | null {
  const stack: { v: unknown; path: string }[] = [{ v: value, path: root }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (CONTROL_CHARS.test(v)) return path || root;
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ v: item, path: `${path}/${i}` }));
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if (CONTROL_CHARS.test(k)) return `${path}/${k.replace(CONTROL_CHARS, '?')}`;
        stack.push({ v: item, path: `${path}/${k}` });
      }
    }
  }
  return null;
}

/**
 * Whether JSON text may decode to a control character: one written raw (DEL and C1 may be; C0 may
 * not, JSON.parse refuses those) or escaped (`\u0000`, `\b`, `\f`). Cheaper than walking the parsed
 * body; a match (or a false alarm such as `\\b`) is then confirmed by `controlCharField`.
 */
export function mayHoldControlChars(text: string): boolean {
  return MAY_HOLD_CONTROL.test(text);
}
const MAY_HOLD_CONTROL = /\\u00[01][0-9a-fA-F]|\\u007[fF]|\\u00[89][0-9a-fA-F]|\\[bf]|[\u007f-\u009f]/;

/** The 400 for a control character found at `path` (`/a/0/b`, named `a[0].b`) of the body, path or query. */
export function controlCharError(where: 'body' | 'params' | 'querystring', path: string): AppError {
  const field = fieldPath(path) || where;
  return new AppError('ValidationError', `${field} must not contain control characters`, { field, in: where });
}
