import type { FastifyInstance } from 'fastify';
import { LedgerPage, PageQuery, type PageQueryT, ProgramParams, type ProgramParamsT, TransactionsPage } from '../../schemas/guest.ts';
import { AUTH_ERRORS, guestOf, type GuestRouteContext, SECURITY, TAGS } from './context.ts';

const page = (q: PageQueryT) => ({ limit: q.limit ? Number(q.limit) : 20, cursor: q.cursor ?? null });

/** `/{program}/transactions` and `/{program}/ledger`: the guest's history, newest first. */
export async function historyRoutes(app: FastifyInstance, { guests }: GuestRouteContext): Promise<void> {
  app.get<{ Params: ProgramParamsT; Querystring: PageQueryT }>(
    '/:program/transactions',
    {
      schema: {
        tags: TAGS,
        summary: "The guest's loyalty transactions, newest first, with their ledger entries",
        security: SECURITY,
        params: ProgramParams,
        querystring: PageQuery,
        response: { 200: TransactionsPage, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const { limit, cursor } = page(request.query);
      return guests.transactions(guestOf(request).p, limit, cursor);
    },
  );

  app.get<{ Params: ProgramParamsT; Querystring: PageQueryT }>(
    '/:program/ledger',
    {
      schema: {
        tags: TAGS,
        summary: 'Every points movement (earn, redeem, voids, adjustments, expiry), newest first',
        security: SECURITY,
        params: ProgramParams,
        querystring: PageQuery,
        response: { 200: LedgerPage, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const { limit, cursor } = page(request.query);
      return guests.ledger(guestOf(request).p, limit, cursor);
    },
  );
}
