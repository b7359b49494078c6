import type { FastifyInstance } from 'fastify';
import { normalizeServiceMode } from '../../../../domain/service-mode.ts';
import { invalidField } from '../../../../errors.ts';
import { errors } from '../../schemas/common.ts';
import { IncentivesQuery, type IncentivesQueryT, IncentivesResponse, ProgramParams, type ProgramParamsT } from '../../schemas/guest.ts';
import { localTime } from '../../headers.ts';
import { AUTH_ERRORS, guestOf, type GuestRouteContext, SECURITY, TAGS } from './context.ts';

/** `/{program}/incentives`: rewards and offers, each with whether it is eligible now and why not. */
export async function incentivesRoutes(app: FastifyInstance, { guests }: GuestRouteContext): Promise<void> {
  app.get<{ Params: ProgramParamsT; Querystring: IncentivesQueryT }>(
    '/:program/incentives',
    {
      schema: {
        tags: TAGS,
        summary: 'Rewards and offers available now, each with `eligible` and the failing rules',
        description:
          "Each incentive is evaluated alone, by the rules engine the POS uses, against the guest's balance and history (per-guest limits, cool-downs, first order, transaction count, birthday window — loaded as for a POS sale), now (store-local time from `x-user-datetime`, else the store's, else the program's first store's time zone), for the `channel` given (default `App`). Failures use the RulesError vocabulary. Rules about the basket (minimum spend, cart contents, payment) — and store or service-mode rules when `storeId` / `serviceMode` are not given — are left to the POS and listed in `checkedAtOrder`.",
        security: SECURITY,
        params: ProgramParams,
        querystring: IncentivesQuery,
        response: { 200: IncentivesResponse, ...AUTH_ERRORS, ...errors({ 404: 'NotFound (program), StoreNotFound' }) },
      },
    },
    async (request) => {
      const { p, program } = guestOf(request);
      let serviceMode = null;
      if (request.query.serviceMode !== undefined) {
        serviceMode = normalizeServiceMode(request.query.serviceMode);
        if (!serviceMode) throw invalidField('serviceMode', 'must be one of EAT_IN, TAKEOUT, DRIVE_THRU, CURBSIDE, TABLE_SERVICE, DELIVERY');
      }
      return guests.incentives(p, program, {
        storeId: request.query.storeId ?? null,
        serviceMode,
        localTime: localTime(request),
        channel: request.query.channel ?? null,
      });
    },
  );
}
