import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { PromoCodes } from '../../../app/guest/promo-codes.ts';
import { pluFor } from '../../../app/loyalty.service.ts';
import type { PosPrincipal } from '../../../app/model.ts';
import { AppError } from '../../../errors.ts';
import { UUID } from '../../../lib/ids.ts';
import { selectDialect } from '../../pos/index.ts';
import { findStoreByExternalId } from '../../db/repositories/config.repository.ts';
import type { Database } from '../../db/schema.ts';
import { SECURITY } from '../headers.ts';
import type { LimiterFactory } from '../../../app/ports/limiter.ts';
import { errors } from '../schemas/common.ts';
import { PosPromoRedeemBody, PosPromoRedeemResponse } from '../schemas/guest.ts';
import type { PosVendorBody } from '../schemas/pos.ts';

/**
 * `POST /loyalty/promo-code/redeem` — registered by posRoutes inside its x-api-key scope. The
 * code → the incentive it unlocks and this vendor's PLU for it; a use is counted (and, with a
 * `loyaltyId`, the guest's once-per-guest redemption). 10 wrong codes per key in 10 minutes lock
 * the key out of this route for 15 minutes.
 */
export function posPromoCodeRoute(
  app: FastifyInstance,
  db: Kysely<Database>,
  principalOf: (request: FastifyRequest) => PosPrincipal,
  limiters?: LimiterFactory,
): void {
  const promoCodes = new PromoCodes(db, undefined, undefined, limiters);
  app.post<{ Body: { loyaltyId?: string | null; promoCode: string; posVendor: PosVendorBody } }>(
    '/loyalty/promo-code/redeem',
    {
      schema: {
        tags: ['POS'],
        summary: 'Redeem a promo code: answers the incentive it unlocks and its PLU for this POS',
        description: 'Counts one use of the code; with `loyaltyId`, a once-per-guest code cannot be redeemed twice by that guest.',
        security: SECURITY.apiKey,
        body: PosPromoRedeemBody,
        response: {
          200: PosPromoRedeemResponse,
          ...errors({
            400: 'ValidationError naming the field',
            401: 'Unauthorized: missing or unknown x-api-key',
            404: 'PromoCodeNotFound, StoreNotFound, UserNotFoundError',
            409: 'PromoCodeAlreadyRedeemed (by this guest)',
            422: 'PromoCodeNotRedeemable (not yet valid, expired, used up), VendorConfigMissing',
            429: 'RateLimited: too many wrong codes from this key',
          }),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const dialect = selectDialect(principal);
      const pos = dialect.posContext(request.body.posVendor, principal);
      const store = await findStoreByExternalId(db, principal.programId, pos.storeId);
      if (!store) throw new AppError('StoreNotFound', `No store "${pos.storeId}" in this program`, { field: 'posVendor.storeId' });
      let guestId: string | null = null;
      const loyaltyId = request.body.loyaltyId?.trim();
      if (loyaltyId) {
        const guest = UUID.test(loyaltyId)
          ? await db
              .selectFrom('guests')
              .select('id')
              .where('id', '=', loyaltyId.toLowerCase())
              .where('program_id', '=', principal.programId)
              .executeTakeFirst()
          : undefined;
        if (!guest) throw new AppError('UserNotFoundError', 'No guest has this loyalty id', { field: 'loyaltyId' });
        guestId = guest.id;
      }
      let productId: string | null = null;
      const { incentive } = await promoCodes.redeem({
        programId: principal.programId,
        guestId,
        code: request.body.promoCode,
        channel: 'pos',
        caller: `key:${principal.keyId}`,
        // Nothing is counted when this vendor has no PLU for the incentive.
        check: (i) => {
          productId = pluFor(i, pos.pluVendor);
        },
      });
      return { incentiveId: incentive.id, productId, productType: incentive.kind, name: incentive.name };
    },
  );
}
