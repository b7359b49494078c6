import type { FastifyInstance } from 'fastify';
import { errors } from '../../schemas/common.ts';
import { ProgramParams, type ProgramParamsT, RedeemPromoBody, RedeemPromoResponse } from '../../schemas/guest.ts';
import { AUTH_ERRORS, guestOf, type GuestRouteContext, SECURITY, TAGS } from './context.ts';

/** `/{program}/promo-codes/redeem`: a promo code unlocks (and pre-selects) an incentive. */
export async function promoCodeRoutes(app: FastifyInstance, { guests, promoCodes }: GuestRouteContext): Promise<void> {
  app.post<{ Params: ProgramParamsT; Body: { promoCode: string } }>(
    '/:program/promo-codes/redeem',
    {
      schema: {
        tags: TAGS,
        summary: 'Redeem a promo code: unlocks an incentive (an offer is pre-selected)',
        description:
          'Once per guest (unless the code says otherwise) and up to its total uses. 10 wrong codes in 10 minutes lock the guest out for 15 minutes (429).',
        security: SECURITY,
        params: ProgramParams,
        body: RedeemPromoBody,
        response: {
          200: RedeemPromoResponse,
          ...AUTH_ERRORS,
          ...errors({
            404: 'PromoCodeNotFound',
            409: 'PromoCodeAlreadyRedeemed',
            422: 'PromoCodeNotRedeemable (not yet valid, expired, used up, incentive withdrawn)',
            429: 'RateLimited',
          }),
        },
      },
    },
    async (request) => {
      const { p, program } = guestOf(request);
      return guests.redeemPromo(p, program, promoCodes, request.body.promoCode);
    },
  );
}
