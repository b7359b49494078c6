import { Type, type Static } from '@sinclair/typebox';
import { MAX_AMOUNT_MINOR, MAX_QUANTITY } from '../../../domain/limits.ts';
import { AmountMinor, Line } from './common.ts';

/**
 * Loyalty API v1 bodies, as POS vendors send them. Extra fields are allowed: vendors add their
 * own, and the documented examples are the contract. Bounds keep a hostile body small.
 */
const Text = (max = 200) => Type.String({ maxLength: max });
// Stored as text: any safe integer is a fine id.
const IdLike = Type.Union([Line({ minLength: 1, maxLength: 100 }), Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })]);
const RefId = Type.Union([Line({ maxLength: 64 }), Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })]);

export const PosVendor = Type.Object(
  {
    operator: Type.Optional(IdLike),
    posType: Type.String({
      minLength: 1,
      maxLength: 50,
      description:
        "The POS's own vendor name ($posVendorName), stored with the transaction. Any text is accepted: the API key's vendor, not posType, picks the dialect (NCR, Winrest, or the generic shapes for every other vendor) and the PLU configs. Under a Winrest key, posType Tillster marks a kiosk (no offers).",
    }),
    storeId: IdLike,
    terminal: IdLike,
    transactionId: IdLike,
    matchingId: Type.Optional(Text(100)),
    supportingPos: Type.Optional(
      Type.String({
        maxLength: 50,
        description: "Accepted as the POS sends it (kiosks name the store POS) and ignored: answers carry the PLUs of the API key vendor's config.",
      }),
    ),
  },
  { $id: 'PosVendor' },
);
export type PosVendorBody = Static<typeof PosVendor>;

export const IdentifyBody = Type.Object(
  {
    identifier: Type.String({ minLength: 1, maxLength: 64, description: '6-digit one-time code or loyalty user id (UUID)' }),
    posVendor: Type.Ref(PosVendor),
  },
  { $id: 'IdentifyBody' },
);
export type IdentifyBodyT = { identifier: string; posVendor: PosVendorBody };

const Money = Type.Union([Type.Number({ minimum: 0, maximum: MAX_AMOUNT_MINOR }), Type.String({ maxLength: 20 })], {
  description: `major units: 5.00 or "5.00"; a unit price, a line (price × quantity) and the sale's goods may each reach ${MAX_AMOUNT_MINOR} minor units (999,999,999.99 in a two-digit currency)`,
});

export const OrderLine = Type.Object(
  {
    name: Type.Optional(Text()),
    price: Money,
    productId: Line({ minLength: 1, maxLength: 64 }),
    productType: Type.String({ minLength: 1, maxLength: 20, description: 'item | combo | offer | reward' }),
    quantity: Type.Union([Type.Integer({ minimum: 0, maximum: MAX_QUANTITY }), Type.String({ maxLength: 5, pattern: '^0*(?:\\d{1,4}|10000)$' })], {
      description: `0 … ${MAX_QUANTITY}, as a number or as digits`,
    }),
    referenceId: RefId,
    parentReferenceId: Type.Optional(Type.Union([...RefId.anyOf, Type.Null()])),
    tax: Type.Optional(Money),
    incentiveId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  },
  { $id: 'OrderLine' },
);

export const Payment = Type.Object(
  {
    amount: AmountMinor({ description: 'minor units: 500 = $5.00' }),
    type: Type.String({ minLength: 1, maxLength: 30, description: 'CASH, CARD, CREDIT, VISA …; NCR totals SUBTOTAL, DISCOUNTS, TAXES' }),
    ccToken: Type.Optional(Text(200)),
  },
  { $id: 'Payment' },
);

export const AppliedDiscount = Type.Object(
  {
    details: Type.Optional(Type.Object({ displayName: Type.Optional(Text()) })),
    orderReferenceId: Type.Optional(Type.String({ maxLength: 64 })),
    productId: Type.Optional(Type.String({ maxLength: 64 })),
    referenceId: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { $id: 'AppliedDiscount' },
);

export const TransactionBody = Type.Object(
  {
    channel: Type.Optional(Type.String({ maxLength: 20, description: 'Restaurant | App | Web' })),
    created: Type.Optional(Type.String({ maxLength: 40 })),
    loyaltyId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    serviceMode: Type.Optional(Type.String({ maxLength: 30, description: 'EAT_IN/Eatin, TAKEOUT, DRIVE_THRU, CURBSIDE, TABLE_SERVICE, DELIVERY' })),
    status: Type.Optional(Type.Union([Type.Literal('PENDING'), Type.Literal('CLAIMED')])),
    transactionId: Type.Optional(Type.String({ maxLength: 64 })),
    transactionDetails: Type.Object({
      currency: Type.String({ minLength: 3, maxLength: 3 }),
      order: Type.Array(Type.Ref(OrderLine), { maxItems: 500 }),
      payments: Type.Optional(Type.Array(Type.Ref(Payment), { maxItems: 50 })),
      appliedDiscounts: Type.Optional(
        Type.Array(Type.Ref(AppliedDiscount), {
          maxItems: 100,
          description:
            'NCR keys only (a 400 under any other key). Each entry pins a discount to the order line whose referenceId is orderReferenceId (one per line); referenceId is blank on PENDING and carries the incentive id NCR stamped from eligibleDiscounts on CLAIMED, where exactly the stamped incentives stay applied.',
        }),
      ),
      posVendor: Type.Ref(PosVendor),
    }),
  },
  { $id: 'TransactionBody' },
);

export interface TransactionBodyT {
  channel?: string;
  created?: string;
  loyaltyId?: string | null;
  serviceMode?: string;
  status?: 'PENDING' | 'CLAIMED';
  transactionId?: string;
  transactionDetails: {
    currency: string;
    order: {
      name?: string;
      price: number | string;
      productId: string;
      productType: string;
      quantity: number | string;
      referenceId: string | number;
      parentReferenceId?: string | number | null;
      tax?: number | string;
      incentiveId?: string | null;
    }[];
    payments?: { amount: number; type: string; ccToken?: string }[];
    appliedDiscounts?: { details?: { displayName?: string }; orderReferenceId?: string; productId?: string; referenceId?: string }[];
    posVendor: PosVendorBody;
  };
}

export const UpdateBody = Type.Intersect([TransactionBody, Type.Object({ status: Type.Union([Type.Literal('PENDING'), Type.Literal('CLAIMED')]) })]);

export const TransactionIdParams = Type.Object({ loyaltyTransactionId: Type.String({ maxLength: 64 }) });

const Presentation = Type.Object(
  {
    header: Type.Optional(Type.String()),
    marketing: Type.Optional(Type.String()),
    pointsEarned: Type.Optional(Type.String()),
    pointsRedeemed: Type.Optional(Type.String()),
    totalPoints: Type.Optional(Type.String()),
    identifier: Type.Optional(Type.String()),
    qrCode: Type.Optional(Type.String()),
    footer: Type.Optional(Type.String()),
  },
  { $id: 'Presentation', description: 'Receipt lines to print' },
);

const EligibleDiscount = Type.Object({
  details: Type.Object({
    displayName: Type.String(),
    type: Type.String(),
    // A store linked to a c-store location: what its validate answers for each tobacco line (docs/loyalty-api.md).
    discountType: Type.Optional(
      Type.String({ description: 'c-store validate only: buydown | multipack | loyalty | coupon (a manufacturer promotion accepted at the location)' }),
    ),
    funding: Type.Optional(Type.String({ description: 'c-store validate only: manufacturer | outlet — who pays the discount back' })),
    quantity: Type.Optional(Type.Integer({ description: 'c-store validate only: units of the order line the discount applies to' })),
    unitAmount: Type.Optional(Type.Integer({ description: 'c-store validate only: discount per unit, minor units (50 = $0.50)' })),
    amount: Type.Optional(Type.Integer({ description: 'c-store validate only: quantity × unitAmount, minor units' })),
  }),
  orderReferenceId: Type.Optional(Type.String()),
  productId: Type.Union([Type.String(), Type.Null()]),
  referenceId: Type.String({ description: 'loyalty incentive id' }),
});

export const IdentifyResponse = Type.Object({
  balances: Type.Array(Type.Object({ amount: Type.Integer(), currency: Type.Literal('points') })),
  loyaltyUser: Type.Object({ id: Type.String(), name: Type.String(), created: Type.String() }),
  order: Type.Array(
    Type.Object({
      name: Type.Optional(Type.String()),
      productId: Type.Union([Type.String(), Type.Null()]),
      incentiveId: Type.Optional(Type.String()),
      quantity: Type.Optional(Type.String({ description: 'always "1", as text, as in the Loyalty API v1 examples' })),
      referenceId: Type.String(),
      productType: Type.Optional(Type.String({ description: 'REWARD | OFFER' })),
      price: Type.Optional(
        Type.String({
          description:
            'Rewards only: the price at which the POS rings the reward\'s product before its own 100% discount, minor units as text ("300" = 3.00); priceCents of the reward\'s config for the API key\'s vendor, "0" when unset',
        }),
      ),
    }),
  ),
  eligibleDiscounts: Type.Optional(
    Type.Array(EligibleDiscount, { description: 'NCR only: one per pre-selected reward or offer (productId = benefit PLU), without orderReferenceId' }),
  ),
  transactionId: Type.String(),
  tier: Type.Optional(Type.String({ description: "The guest's tier name, when the program has tiers and the guest reached one" })),
});

export const SaleResponse = Type.Object({
  points: Type.Integer({ description: 'balance after this update (PENDING and validate: after the claim they preview)' }),
  pointsEarned: Type.Integer({ description: 'points the sale earns; PENDING and validate answer what CLAIMED will earn, and only CLAIMED moves points' }),
  pointsRedeemed: Type.Integer(),
  loyaltyId: Type.String(),
  transactionId: Type.String(),
  receiptCode: Type.Optional(Type.String()),
  presentation: Type.Optional(Type.Ref(Presentation)),
  eligibleDiscounts: Type.Optional(
    Type.Array(EligibleDiscount, {
      description:
        'NCR: one per applied incentive; orderReferenceId is the referenceId of the order line to discount (benefit or upsize PLU). Validate of a store linked to a c-store location (any key vendor): also one per manufacturer or outlet discount to apply to a tobacco line (productId = its UPC, referenceId = manufacturer:promotion id, details.discountType/funding/quantity/unitAmount/amount).',
    }),
  ),
});

export const UnclaimedResponse = Type.Object({
  transactionId: Type.String(),
  receiptCode: Type.String({ description: '16 characters; the guest claims the sale with it' }),
  presentation: Type.Ref(Presentation),
});

export const VoidResponse = Type.Object({ transactionId: Type.String() });

export const POS_SCHEMAS = [PosVendor, OrderLine, Payment, AppliedDiscount, TransactionBody, IdentifyBody, Presentation];
