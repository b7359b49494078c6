import { Type, type Static } from '@sinclair/typebox';
import { PosVendor } from './pos.ts';

/** `POST /loyalty/transaction/pos/{loyaltyTransactionId}/refund`: a partial refund of a claimed sale. */
export const RefundBody = Type.Object(
  {
    refundId: Type.String({
      minLength: 1,
      maxLength: 64,
      description:
        "The POS's refund transaction id: the idempotency key. A retry with the same refundId and lines answers the same and moves nothing; the same refundId with other lines is 409 Conflict.",
    }),
    lines: Type.Array(
      Type.Object({
        referenceId: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })], {
          description: 'referenceId of the sale line, as in the claimed order',
        }),
        quantity: Type.Integer({ minimum: 1, maximum: 10_000, description: 'units of the line refunded' }),
      }),
      { minItems: 1, maxItems: 500, description: 'The refunded lines; each referenceId once' },
    ),
    reason: Type.Optional(Type.String({ maxLength: 200, description: 'Shown in the ledger' })),
    posVendor: Type.Optional(Type.Ref(PosVendor)),
  },
  { description: 'The refunded lines of a claimed sale' },
);
export type RefundBodyT = { refundId: string; lines: { referenceId: string | number; quantity: number }[]; reason?: string };

export const RefundResponse = Type.Object(
  {
    transactionId: Type.String(),
    refundId: Type.String(),
    pointsReversed: Type.Integer({ description: 'earned points taken back by this refund (rounded down; never more than the balance)' }),
    pointsReturned: Type.Integer({ description: 'reward points given back: only for rewards whose line was refunded' }),
    points: Type.Integer({ description: 'the guest’s balance after the refund' }),
    returnedIncentives: Type.Array(
      Type.Object({
        incentiveId: Type.String(),
        kind: Type.String({ description: 'REWARD | OFFER' }),
        quantity: Type.Integer(),
        points: Type.Integer(),
      }),
    ),
    lines: Type.Array(Type.Object({ referenceId: Type.String(), quantity: Type.Integer() })),
  },
  { description: 'What the refund moved' },
);
export type RefundResponseT = Static<typeof RefundResponse>;
