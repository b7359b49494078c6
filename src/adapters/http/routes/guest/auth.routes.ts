import type { FastifyInstance } from 'fastify';
import { errors } from '../../schemas/common.ts';
import { AuthStartBody, AuthStartResponse, AuthVerifyBody, AuthVerifyResponse, ProgramParams, type ProgramParamsT } from '../../schemas/guest.ts';
import { AUTH_ERRORS, guestOf, type GuestRouteContext, NO_CONTENT, SECURITY, TAGS } from './context.ts';

/** Sign-in without a token: e-mail → one-time login code → bearer token. */
export async function signInRoutes(app: FastifyInstance, { auth, guests }: GuestRouteContext): Promise<void> {
  app.post<{ Params: ProgramParamsT; Body: { email: string } }>(
    '/:program/auth/start',
    {
      schema: {
        tags: TAGS,
        summary: 'Sign up or sign in: send a one-time login code to the e-mail',
        description:
          'Answers the same whether or not a guest has this e-mail. The 6-digit code lives 10 minutes and replaces any earlier one; at most 5 codes per e-mail per 15 minutes (429 RateLimited with retry-after).',
        params: ProgramParams,
        body: AuthStartBody,
        response: {
          202: AuthStartResponse,
          ...errors({
            400: 'ValidationError naming the field',
            404: 'NotFound: no such program',
            429: 'RateLimited: too many codes for this e-mail, or it is locked out',
            503: 'ServiceUnavailable: the code could not be sent',
          }),
        },
      },
    },
    async (request, reply) => {
      const program = await auth.program(request.params.program);
      const sent = await auth.start(program, request.body.email, request.log);
      return reply.status(202).send({ sent: true, ...sent });
    },
  );

  app.post<{ Params: ProgramParamsT; Body: { email: string; code: string; name?: string } }>(
    '/:program/auth/verify',
    {
      schema: {
        tags: TAGS,
        summary: 'Exchange e-mail + login code for a bearer token (creates the guest on first sign-in)',
        description:
          'A code takes 5 wrong entries, then it is burnt; 5 misses in 15 minutes lock the e-mail out for 15 minutes (429). The token is opaque (tpg_…), stored hashed, and expires (30 days by default).',
        params: ProgramParams,
        body: AuthVerifyBody,
        response: {
          200: AuthVerifyResponse,
          ...errors({
            400: 'ValidationError naming the field',
            401: 'LoginCodeInvalid: wrong, expired or used up',
            404: 'NotFound: no such program',
            429: 'RateLimited: locked out after repeated misses',
          }),
        },
      },
    },
    async (request) => {
      const program = await auth.program(request.params.program);
      const { token, expiresAt, guestId, signedUp } = await auth.verify(program, request.body.email, request.body.code, request.body.name ?? null);
      const guest = await guests.profile({ programId: program.id, programSlug: program.slug, guestId, via: 'session', tokenHash: null });
      return { token, tokenType: 'Bearer' as const, expiresAt, signedUp, guest };
    },
  );
}

/** Sign-out, with a token. */
export async function signOutRoutes(app: FastifyInstance, { auth }: GuestRouteContext): Promise<void> {
  app.post<{ Params: ProgramParamsT }>(
    '/:program/auth/logout',
    {
      schema: {
        tags: TAGS,
        summary: 'Revoke this Tillpoint token (no-op for external JWTs)',
        security: SECURITY,
        params: ProgramParams,
        response: { ...NO_CONTENT, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      await auth.logout(guestOf(request).p);
      return reply.status(204).send();
    },
  );
}
