import type { FastifyInstance } from 'fastify';
import { claimReceipt, lookUpReceipt } from '../../../../app/guest/receipt-claim.ts';
import { errors } from '../../schemas/common.ts';
import {
  ClaimReceiptBody,
  ClaimReceiptResponse,
  ProgramParams,
  type ProgramParamsT,
  ReceiptLookupResponse,
  ReceiptParams,
  type ReceiptParamsT,
} from '../../schemas/guest.ts';
import { AUTH_ERRORS, guestOf, type GuestRouteContext, SECURITY, TAGS } from './context.ts';

/** `/{program}/receipts/claim`: a signed-in guest claims an anonymous sale's points. */
export async function receiptClaimRoutes(app: FastifyInstance, { db, clock }: GuestRouteContext): Promise<void> {
  app.post<{ Params: ProgramParamsT; Body: { receiptCode: string } }>(
    '/:program/receipts/claim',
    {
      schema: {
        tags: TAGS,
        summary: "Claim an unclaimed sale's points by its receipt code",
        description:
          "Within the program's claim window, once, only in the sale's own program: credits the sale's points (EARN), links it to the guest and emits `receipt.claimed`, in one database transaction. Accepts the 16-character code or the receipt's claim URL.",
        security: SECURITY,
        params: ProgramParams,
        body: ClaimReceiptBody,
        response: {
          200: ClaimReceiptResponse,
          ...AUTH_ERRORS,
          ...errors({
            400: 'ValidationError (receiptCode), TransactionNotClaimable (voided sale)',
            404: "ReceiptNotFound (also for another program's receipt)",
            409: 'ReceiptAlreadyClaimed',
            422: 'ReceiptClaimWindowClosed',
          }),
        },
      },
    },
    async (request) => {
      const { p, program } = guestOf(request);
      return claimReceipt(db.kysely, program, p.guestId, request.body.receiptCode, clock());
    },
  );
}

/**
 * `/receipts/{receiptCode}` (no token, no program: the code names its sale's program): what the
 * receipt page shows before the guest signs in. Anything that cannot be claimed now is one answer,
 * `{ claimable: false }`, so the look-up tells nothing about other people's sales.
 */
export async function receiptLookupRoutes(app: FastifyInstance, { db, clock }: GuestRouteContext): Promise<void> {
  app.get<{ Params: ReceiptParamsT }>(
    '/receipts/:receiptCode',
    {
      schema: {
        tags: TAGS,
        summary: 'Look a receipt up by its code: program, store, date and the points it earns (no sign-in)',
        description:
          "For the receipt page (`/r/{receiptCode}`). `claimable: false` when the code is unknown, malformed, already claimed, voided or past the claim window. The program's slug is where the guest signs in and claims (`/app/v1/{program}/auth/start`, `…/receipts/claim`). No program may be called `receipts`.",
        params: ReceiptParams,
        response: { 200: ReceiptLookupResponse, ...errors({ 400: 'ValidationError naming the field' }) },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      return lookUpReceipt(db.kysely, request.params.receiptCode, clock());
    },
  );
}
