import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, ERRORS, type ErrorCode } from '../../errors.ts';
import { classifyDbError } from '../db/db-errors.ts';
import { TEXT_PATTERNS } from './schemas/common.ts';

interface Envelope {
  code: string;
  statusCode: number;
  message: string;
  details?: Record<string, unknown>;
}

/** `/transactionDetails/order/0/price` → `transactionDetails.order[0].price` */
export function fieldPath(instancePath: string, missing?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (missing) parts.push(missing);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function envelope(code: ErrorCode, message?: string, details?: Record<string, unknown>): Envelope {
  return { code, statusCode: ERRORS[code].status, message: message ?? ERRORS[code].message, ...(details ? { details } : {}) };
}

/** Maps everything thrown to the documented envelope, in one place. Bad input is never a 500. */
export function toEnvelope(err: FastifyError | AppError | Error): Envelope {
  if (err instanceof AppError) return { code: err.code, statusCode: err.statusCode, message: err.message, ...(err.details ? { details: err.details } : {}) };
  const fe = err as FastifyError;
  if (fe.validation && fe.validation.length > 0) {
    const v = fe.validation[0]!;
    const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
    // Strict bodies (the guest API's) name the property that is not allowed.
    const extra = (v.params as { additionalProperty?: string } | undefined)?.additionalProperty;
    const where = fe.validationContext ?? 'body';
    const field = fieldPath(v.instancePath, missing ?? extra) || where;
    const pattern = (v.params as { pattern?: string } | undefined)?.pattern;
    const message = missing
      ? `${field} is required`
      : extra
        ? `${field} is not an allowed property`
        : pattern !== undefined && TEXT_PATTERNS.has(pattern)
          ? `${field} must not contain control characters`
          : `${field} ${v.message ?? 'is not valid'}`;
    return envelope('ValidationError', message, { field, in: where });
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return envelope('PayloadTooLarge');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return envelope('UnsupportedMediaType');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return envelope('ValidationError', 'body is required', { field: 'body' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return envelope('ValidationError', 'body is not valid JSON', { field: 'body' });
  }
  switch (classifyDbError(err)) {
    case 'points-limit':
      return envelope('PointsLimitExceeded');
    case 'conflict':
      return envelope('Conflict', 'The request conflicts with data already stored');
    case 'invalid-value':
      return envelope('ValidationError', 'A value in the request cannot be stored', { field: 'body' });
  }
  if (err instanceof SyntaxError || fe.statusCode === 400) return envelope('ValidationError', 'body is not valid JSON', { field: 'body' });
  if (fe.statusCode === 413) return envelope('PayloadTooLarge');
  if (fe.statusCode === 415) return envelope('UnsupportedMediaType');
  if (fe.statusCode === 429) return envelope('RateLimited');
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return { code: 'BadRequest', statusCode: fe.statusCode, message: fe.message };
  return envelope('InternalError');
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const body = toEnvelope(err);
    if (body.code === 'RulesError' && body.details) {
      // As the Loyalty API v1 seed's envelope: the refused call, its body redacted.
      body.details = {
        ...body.details,
        errorConfig: { timeout: 0, method: request.method.toLowerCase(), data: '__REDACTED__', url: `${request.protocol}://${request.host}${request.url}` },
      };
    }
    if (body.statusCode >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: body.code, statusCode: body.statusCode }, body.message);
    // 429s say when to come back (src/app/throttle.ts puts the wait in details).
    if (typeof body.details?.retryAfterSeconds === 'number') void reply.header('retry-after', String(body.details.retryAfterSeconds));
    void reply.status(body.statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(envelope('NotFound', `No route ${request.method} ${request.url.split('?')[0]}`));
  });
}
