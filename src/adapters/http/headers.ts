import type { FastifyRequest } from 'fastify';
import { type LocalTime, parseLocalDateTime } from '../../domain/time.ts';
import { AppError, invalidField } from '../../errors.ts';

/**
 * What routes read from request headers beyond their schemas, and the OpenAPI security
 * requirement of each scheme `app.ts` declares — one definition for the POS, guest, admin and
 * agent routes alike.
 */

/**
 * The OpenAPI `security` of a route, per scheme: `bearer` (`Authorization: Bearer`: admin
 * session, guest session and POS agent tokens — one scheme, several issuers) or `apiKey`
 * (`x-api-key`: POS keys).
 *
 * @example
 * app.get('/me', { schema: { security: SECURITY.bearer, … } }, handler);
 */
export const SECURITY: { readonly bearer: { bearer: string[] }[]; readonly apiKey: { apiKey: string[] }[] } = {
  bearer: [{ bearer: [] }],
  apiKey: [{ apiKey: [] }],
};

/** The token of an `Authorization: Bearer <token>` header value; null when there is none. */
export function bearerToken(authorization: string | string[] | undefined): string | null {
  const m = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return m ? m[1]! : null;
}

/**
 * The request's bearer token, else 401. From 10 to 4096 characters: an external identity
 * provider's JWT is the longest token a caller sends; Tillpoint's own are far shorter and are
 * checked by their issuer.
 */
export function bearer(request: FastifyRequest): string {
  const token = bearerToken(request.headers.authorization);
  if (token === null || token.length < 10 || token.length > 4096) throw new AppError('Unauthorized', 'Authorization: Bearer <token> header is missing');
  return token;
}

/**
 * The store-local wall-clock time a caller may send as `x-user-datetime`
 * (`2026-11-25T13:45:00`); null when absent, a ValidationError naming the header when malformed.
 */
export function localTime(request: FastifyRequest): LocalTime | null {
  const header = request.headers['x-user-datetime'];
  if (header === undefined) return null;
  const parsed = typeof header === 'string' ? parseLocalDateTime(header) : null;
  if (!parsed) throw invalidField('x-user-datetime', 'must be the store-local ISO date-time, e.g. 2026-11-25T13:45:00');
  return parsed;
}
