import type { FastifyInstance } from 'fastify';
import { badRequest, errors } from '../../schemas/common.ts';
import { ProgramParams, type ProgramParamsT, SelectionBody, type SelectionBodyT, SelectionResponse } from '../../schemas/guest.ts';
import { AUTH_ERRORS, guestOf, type GuestRouteContext, NO_CONTENT, SECURITY, TAGS } from './context.ts';

/** `/{program}/selection`: the rewards and offer the next code carries. */
export async function selectionRoutes(app: FastifyInstance, { guests }: GuestRouteContext): Promise<void> {
  app.get<{ Params: ProgramParamsT }>(
    '/:program/selection',
    {
      schema: {
        tags: TAGS,
        summary: 'The pre-selected rewards and offer',
        security: SECURITY,
        params: ProgramParams,
        response: { 200: SelectionResponse, ...AUTH_ERRORS },
      },
    },
    async (request) => guests.selection(guestOf(request).p),
  );

  app.put<{ Params: ProgramParamsT; Body: SelectionBodyT }>(
    '/:program/selection',
    {
      schema: {
        tags: TAGS,
        summary: 'Pre-select rewards and at most one offer for the next code',
        description:
          'Stored on the guest and carried by every code created without an explicit selection. Refused with RulesError when the rules that can be decided now fail (e.g. insufficient-point-balance for the rewards together).',
        security: SECURITY,
        params: ProgramParams,
        body: SelectionBody,
        response: {
          200: SelectionResponse,
          ...AUTH_ERRORS,
          400: badRequest('RulesError with every failing rule, or ValidationError naming the field'),
          ...errors({ 404: 'RewardNotFoundError, OfferNotFoundError (field names the id)' }),
        },
      },
    },
    async (request) => {
      const { p, program } = guestOf(request);
      return guests.select(p, program, request.body.rewardIds, request.body.offerId ?? null);
    },
  );

  app.delete<{ Params: ProgramParamsT }>(
    '/:program/selection',
    { schema: { tags: TAGS, summary: 'Clear the pre-selection', security: SECURITY, params: ProgramParams, response: { ...NO_CONTENT, ...AUTH_ERRORS } } },
    async (request, reply) => {
      await guests.clearSelection(guestOf(request).p);
      return reply.status(204).send();
    },
  );
}
