import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LoyaltyService } from '../../../app/loyalty.service.ts';
import type { PosPrincipal } from '../../../app/model.ts';
import { SECURITY } from '../headers.ts';
import { errors } from '../schemas/common.ts';
import { TransactionIdParams } from '../schemas/pos.ts';
import { RefundBody, type RefundBodyT, RefundResponse } from '../schemas/refund.ts';

/**
 * `POST /loyalty/transaction/pos/{loyaltyTransactionId}/refund` — registered by posRoutes inside
 * its x-api-key scope. A partial refund of a CLAIMED sale (see docs/refunds.md); the full void
 * stays `…/void`.
 */
export function posRefundRoute(app: FastifyInstance, loyalty: LoyaltyService, principalOf: (request: FastifyRequest) => PosPrincipal): void {
  app.post<{ Body: RefundBodyT; Params: { loyaltyTransactionId: string } }>(
    '/loyalty/transaction/pos/:loyaltyTransactionId/refund',
    {
      schema: {
        tags: ['POS'],
        summary: 'Partial refund of a claimed sale: reverses the points earned on the refunded lines',
        description:
          'Names the refunded lines by referenceId and quantity. Earned points are taken back in proportion to the goods refunded, rounded down (on the running total of the sale’s refunds, so refunding every line takes back every point). A reward or offer is given back only when a line that redeemed it is refunded. Several refunds of one sale may not refund more than was sold (400 naming the line). Idempotent by refundId. A later void reverses only what the refunds have not.',
        security: SECURITY.apiKey,
        params: TransactionIdParams,
        body: RefundBody,
        response: {
          200: RefundResponse,
          ...errors({
            400: 'ValidationError naming the field (unknown line, more than remains unrefunded), or TransactionNotClaimable (the sale is not CLAIMED)',
            401: 'Unauthorized: missing or unknown x-api-key',
            404: 'TransactionNotFoundError',
            409: 'Conflict: refundId already used with other lines',
            413: 'PayloadTooLarge',
            415: 'UnsupportedMediaType',
          }),
        },
      },
    },
    async (request) =>
      loyalty.refund(principalOf(request), request.params.loyaltyTransactionId, {
        refundId: request.body.refundId,
        lines: request.body.lines.map((l) => ({ referenceId: String(l.referenceId), quantity: l.quantity })),
        reason: request.body.reason ?? null,
      }),
  );
}
