import { type IntegerOptions, type StringOptions, type TInteger, type TSchema, type TString, Type } from '@sinclair/typebox';
import { MAX_AMOUNT_MINOR, MAX_INT32, MAX_POINTS } from '../../../domain/limits.ts';

/** `{ code, statusCode, message, details? }` — every error Tillpoint answers has this shape. */
export const ErrorEnvelope = Type.Object(
  {
    code: Type.String({ examples: ['ValidationError'] }),
    statusCode: Type.Integer(),
    message: Type.String(),
    details: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { $id: 'ErrorEnvelope', description: 'Error envelope', additionalProperties: true },
);

export const RuleFailureSchema = Type.Object({
  code: Type.String({ examples: ['insufficient-point-balance'] }),
  ruleId: Type.String({ examples: ['point-balance'] }),
  incentiveId: Type.String(),
  currentValue: Type.Optional(Type.Unknown()),
  targetValue: Type.Optional(Type.Unknown()),
  message: Type.String(),
});

export const RulesErrorEnvelope = Type.Object(
  {
    code: Type.Literal('RulesError'),
    statusCode: Type.Literal(400),
    message: Type.String(),
    details: Type.Object({
      isEngineError: Type.Boolean({ description: 'true: the rules engine refused the sale (every RulesError), as in the Loyalty API v1 seed' }),
      ruleEvaluation: Type.Array(RuleFailureSchema),
      errorConfig: Type.Optional(
        Type.Object(
          {
            timeout: Type.Integer({ description: 'always 0: the call had no timeout' }),
            method: Type.String({ examples: ['put'], description: 'the refused call, lower case' }),
            data: Type.String({ examples: ['__REDACTED__'], description: 'the body is never echoed' }),
            url: Type.String({ description: 'the refused call as the server saw it' }),
          },
          { description: 'The call the rules engine refused, as the seed describes it' },
        ),
      ),
    }),
  },
  { $id: 'RulesErrorEnvelope', description: 'One entry per failed rule' },
);

/** A 400 is either the RulesError envelope or another error of the catalogue. */
export function badRequest(description: string) {
  return Type.Union([Type.Ref(RulesErrorEnvelope), Type.Ref(ErrorEnvelope)], { description });
}

/** Error answers by status, each described for the OpenAPI document. */
export function errors(descriptions: Partial<Record<400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503, string>>): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const [status, description] of Object.entries(descriptions)) {
    out[Number(status)] = Type.Ref(ErrorEnvelope, { description });
  }
  return out;
}

/**
 * Control characters Tillpoint never stores: C0 except tab, line feed and carriage return, DEL and
 * C1. A NUL byte in particular is refused by PostgreSQL and kept as is by SQLite.
 */
const FREE_TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$';
// The same class, not negated (built from the pattern: a regex literal would hold the characters).
export const CONTROL_CHARS = new RegExp(FREE_TEXT_PATTERN.slice(1, -2).replace('[^', '['), 'u');
const ONE_LINE_PATTERN = '^[^\\u0000-\\u001F\\u007F-\\u009F]*$';
/** The patterns above, recognised by the error handler so it can say what is wrong in words. */
export const TEXT_PATTERNS = new Set([FREE_TEXT_PATTERN, ONE_LINE_PATTERN]);

/** A one-line text field (a name, an id, an e-mail): no control characters at all. */
export function Line(options: StringOptions = {}): TString {
  return Type.String({ maxLength: 200, ...options, pattern: options.pattern ?? ONE_LINE_PATTERN });
}

/** An integer a client sends, bounded like the 32-bit column it ends in unless told otherwise. */
export function Int(options: IntegerOptions = {}): TInteger {
  return Type.Integer({ minimum: -MAX_INT32 - 1, maximum: MAX_INT32, ...options });
}

/** Points a client sends: a cost, a balance threshold (0 … MAX_POINTS). */
export function Points(options: IntegerOptions = {}): TInteger {
  return Type.Integer({ minimum: 0, maximum: MAX_POINTS, ...options });
}

/** An amount in minor units a client sends (0 … MAX_AMOUNT_MINOR). */
export function AmountMinor(options: IntegerOptions = {}): TInteger {
  return Type.Integer({ minimum: 0, maximum: MAX_AMOUNT_MINOR, ...options });
}

/**
 * Hardens a request schema in place (app.ts applies it to every route and shared schema, so a new
 * route is covered too): every integer and number without a bound of its own gets the range of a
 * 32-bit column, and every free string (no pattern, format or constant) the free-text pattern, so
 * the OpenAPI document says what the server enforces. Only plain JSON-schema keywords are
 * followed; TypeBox's symbols are left alone.
 */
export function hardenRequestSchema(schema: unknown, seen = new Set<object>()): void {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
  seen.add(schema);
  const s = schema as Record<string, unknown>;
  if (s.type === 'integer' || s.type === 'number') {
    if (s.maximum === undefined && s.exclusiveMaximum === undefined) s.maximum = MAX_INT32;
    if (s.minimum === undefined && s.exclusiveMinimum === undefined) s.minimum = -MAX_INT32 - 1;
  }
  if (s.type === 'string' && s.pattern === undefined && s.format === undefined && s.const === undefined && s.enum === undefined) s.pattern = FREE_TEXT_PATTERN;
  for (const value of Object.values(s)) {
    if (Array.isArray(value)) for (const v of value) hardenRequestSchema(v, seen);
    else hardenRequestSchema(value, seen);
  }
}
