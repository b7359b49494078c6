import type { FastifyInstance } from 'fastify';
import { BalanceResponse, ProgramParams, type ProgramParamsT } from '../../schemas/guest.ts';
import { AUTH_ERRORS, guestOf, type GuestRouteContext, SECURITY, TAGS } from './context.ts';

/** `/{program}/balance`: points, expiry buckets and tier. */
export async function balanceRoutes(app: FastifyInstance, { guests }: GuestRouteContext): Promise<void> {
  app.get<{ Params: ProgramParamsT }>(
    '/:program/balance',
    {
      schema: {
        tags: TAGS,
        summary: 'Points balance with expiration buckets, and the guest’s tier',
        description:
          '`available` is the balance net of the pre-selected rewards: what a POS sees on identify. `tier` (when the program has tiers) is the one the POS gets on identify, with the points earned in the rolling window and what the next tier still takes.',
        security: SECURITY,
        params: ProgramParams,
        response: { 200: BalanceResponse, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const { p, program } = guestOf(request);
      return guests.balance(p, program);
    },
  );
}
