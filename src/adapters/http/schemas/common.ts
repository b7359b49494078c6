import { type TSchema, Type } from '@sinclair/typebox';

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
