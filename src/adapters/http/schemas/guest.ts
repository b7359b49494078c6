import { type Static, Type } from '@sinclair/typebox';
import { BIRTHDATE_PATTERN } from '../../../domain/birthdate.ts';
import { Line, RuleFailureSchema } from './common.ts';
import { PosVendor } from './pos.ts';

/**
 * Guest (app) API bodies and answers. Bodies are strict (`additionalProperties: false`): the app
 * is ours to shape, unlike POS bodies.
 */
const strict = { additionalProperties: false } as const;
const Iso = Type.String({ description: 'ISO-8601 UTC date-time' });
const IncentiveId = Type.String({ minLength: 1, maxLength: 64 });

export const ProgramParams = Type.Object({ program: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,40}$', description: 'program slug, e.g. bk-us' }) }, strict);
export type ProgramParamsT = Static<typeof ProgramParams>;

export const CodeParams = Type.Object(
  { program: ProgramParams.properties.program, code: Type.String({ pattern: '^\\d{6}$', description: 'the 6-digit one-time code' }) },
  strict,
);
export type CodeParamsT = Static<typeof CodeParams>;

const Email = Type.String({ minLength: 3, maxLength: 254, pattern: '^\\s*[^@\\s]+@[^@\\s]+\\.[^@\\s]+\\s*$', examples: ['ana@example.com'] });

export const AuthStartBody = Type.Object({ email: Email }, strict);
export const AuthStartResponse = Type.Object({
  sent: Type.Literal(true),
  expiresAt: Iso,
  ttlSeconds: Type.Integer(),
});

export const AuthVerifyBody = Type.Object(
  {
    email: Email,
    code: Type.String({ pattern: '^\\d{6}$', description: 'the 6 digits the guest received' }),
    name: Type.Optional(Line({ minLength: 1, maxLength: 100, description: 'display name, used when this signs the guest up' })),
  },
  strict,
);

export const Profile = Type.Object({
  id: Type.String({ description: 'the loyalty id (UUID) a POS can also identify by' }),
  name: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  birthdate: Type.Union([Type.String({ description: 'YYYY-MM-DD' }), Type.Null()], { description: 'for birthday offers; null: not given' }),
  createdAt: Iso,
});

export const AuthVerifyResponse = Type.Object({
  token: Type.String({ description: 'opaque bearer token (tpg_…); shown once, stored hashed' }),
  tokenType: Type.Literal('Bearer'),
  expiresAt: Iso,
  signedUp: Type.Boolean({ description: 'true when this created the guest' }),
  guest: Profile,
});

export const ProfilePatch = Type.Object(
  {
    name: Type.Optional(Line({ minLength: 1, maxLength: 100 })),
    birthdate: Type.Optional(
      Type.Union([Type.String({ pattern: BIRTHDATE_PATTERN, examples: ['1990-11-27'] }), Type.Null()], {
        description: 'YYYY-MM-DD: a calendar date from 1900-01-01 up to today (UTC), for birthday offers; null clears it',
      }),
    ),
  },
  strict,
);
export type ProfilePatchT = Static<typeof ProfilePatch>;

const TierName = Type.String();
export const GuestTierSchema = Type.Object(
  {
    name: TierName,
    minPoints: Type.Integer({ description: 'points in the window this tier starts at' }),
    pointsInWindow: Type.Integer({
      description: 'points earned by sales in the program’s rolling window (net of voids and refunds; redeeming does not lower it)',
    }),
    next: Type.Union(
      [
        Type.Object({ name: TierName, minPoints: Type.Integer(), pointsToGo: Type.Integer({ description: 'points still to earn in the window' }) }),
        Type.Null(),
      ],
      {
        description: 'the next tier up; null at the top',
      },
    ),
  },
  { description: 'the guest’s tier' },
);

export const BalanceResponse = Type.Object({
  balance: Type.Integer({ description: 'points on the account' }),
  pointsReserved: Type.Integer({ description: 'cost of the pre-selected rewards' }),
  available: Type.Integer({ description: 'balance net of the pre-selected rewards (what identify shows the POS)' }),
  buckets: Type.Array(
    Type.Object({
      points: Type.Integer(),
      expiresAt: Type.Union([Iso, Type.Null()], { description: 'null: these points do not expire' }),
      earnedMonth: Type.Optional(Type.String({ description: '`monthly-buckets`: the month (YYYY-MM) the points were earned in' })),
      due: Type.Boolean({ description: 'true when `expiresAt` has passed: the next daily expiry run takes these points' }),
    }),
    { description: 'the balance split by expiry date, soonest first' },
  ),
  expiryPolicy: Type.Object({ kind: Type.String() }, { additionalProperties: true }),
  tier: Type.Union([GuestTierSchema, Type.Null()], { description: 'null when the program has no tiers or the guest is below every tier' }),
});

export const IncentivesQuery = Type.Object(
  {
    storeId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'POS store id; without it, store rules are left to the POS' })),
    serviceMode: Type.Optional(
      Type.String({ maxLength: 30, description: 'EAT_IN, TAKEOUT, DRIVE_THRU, …; without it, service-mode rules are left to the POS' }),
    ),
    channel: Type.Optional(
      Type.Union([Type.Literal('Restaurant'), Type.Literal('App'), Type.Literal('Web')], {
        default: 'App',
        description:
          'the `channel` the POS will send for the order (Loyalty API v1): `App` (default, an order placed in the app), `Restaurant` (the code shown at the till) or `Web`; decides `authentication-required`',
      }),
    ),
  },
  strict,
);
export type IncentivesQueryT = Static<typeof IncentivesQuery>;

export const IncentiveAvailability = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('REWARD'), Type.Literal('OFFER')]),
  name: Type.String(),
  pointCost: Type.Integer(),
  eligible: Type.Boolean(),
  failures: Type.Array(RuleFailureSchema, { description: 'rules failing now, as a POS RulesError would list them' }),
  checkedAtOrder: Type.Array(Type.String(), { description: 'rule ids the POS checks against the order (basket, store, service mode)' }),
});

export const IncentivesResponse = Type.Object({ rewards: Type.Array(IncentiveAvailability), offers: Type.Array(IncentiveAvailability) });

const IncentiveSummary = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('REWARD'), Type.Literal('OFFER')]),
  name: Type.String(),
  pointCost: Type.Integer(),
});

export const SelectionBody = Type.Object(
  {
    rewardIds: Type.Array(IncentiveId, { maxItems: 10, description: 'rewards to redeem at the next order; the same id twice redeems it twice' }),
    offerId: Type.Optional(Type.Union([IncentiveId, Type.Null()], { description: 'at most one offer' })),
  },
  strict,
);
export type SelectionBodyT = Static<typeof SelectionBody>;

export const SelectionResponse = Type.Object({
  rewardIds: Type.Array(Type.String()),
  offerId: Type.Union([Type.String(), Type.Null()]),
  incentives: Type.Array(IncentiveSummary),
  pointsReserved: Type.Integer(),
  updatedAt: Type.Union([Iso, Type.Null()]),
});

export const CreateCodeBody = Type.Object(
  {
    rewardIds: Type.Optional(SelectionBody.properties.rewardIds),
    offerId: Type.Optional(Type.Union([IncentiveId, Type.Null()])),
  },
  { ...strict, description: 'send {} (or no body) to use the stored selection; with rewardIds / offerId, that selection instead (not stored)' },
);
export type CreateCodeBodyT = Static<typeof CreateCodeBody>;

export const CodeResponse = Type.Object({
  code: Type.String({ description: '6 digits; show as text or QR' }),
  status: Type.Literal('active'),
  expiresAt: Iso,
  ttlSeconds: Type.Integer(),
  selection: SelectionResponse,
  qr: Type.Object({ svg: Type.String(), png: Type.String() }, { description: 'paths of the QR images of this code (bearer token required)' }),
});

export const CodeStatusResponse = Type.Object({
  code: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('used'), Type.Literal('expired')]),
  createdAt: Iso,
  expiresAt: Iso,
  usedAt: Type.Union([Iso, Type.Null()]),
  transactionId: Type.Union([Type.String(), Type.Null()], { description: 'the loyalty transaction the POS opened with it' }),
  selection: Type.Array(Type.String()),
});

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^(?:[1-9]|[1-9]\\d|100)$', description: '1-100, default 20' })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
  },
  strict,
);
export type PageQueryT = Static<typeof PageQuery>;

const LedgerItem = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'EARN, REDEEM, VOID_EARN, VOID_REDEEM, ADJUST, EXPIRE' }),
  points: Type.Integer({ description: 'signed' }),
  balanceAfter: Type.Integer(),
  transactionId: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Iso,
});

export const LedgerPage = Type.Object({ items: Type.Array(LedgerItem), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const TransactionsPage = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      status: Type.String({ description: 'OPEN, PENDING, CLAIMED, VOIDED' }),
      store: Type.Object({ id: Type.String(), name: Type.String() }),
      channel: Type.Union([Type.String(), Type.Null()]),
      createdAt: Iso,
      claimedAt: Type.Union([Iso, Type.Null()]),
      voidedAt: Type.Union([Iso, Type.Null()]),
      subtotalCents: Type.Integer(),
      pointsEarned: Type.Integer(),
      pointsRedeemed: Type.Integer(),
      receiptCode: Type.String(),
      ledger: Type.Array(LedgerItem),
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const ClaimReceiptBody = Type.Object(
  { receiptCode: Type.String({ minLength: 16, maxLength: 300, description: 'the 16-character code, or the claim URL printed on the receipt' }) },
  strict,
);

export const ClaimReceiptResponse = Type.Object({
  transactionId: Type.String(),
  receiptCode: Type.String(),
  pointsEarned: Type.Integer(),
  balance: Type.Integer(),
  claimedAt: Iso,
});

export const RedeemPromoBody = Type.Object({ promoCode: Type.String({ minLength: 1, maxLength: 40 }) }, strict);

export const RedeemPromoResponse = Type.Object({
  incentive: IncentiveSummary,
  selected: Type.Boolean({ description: 'an offer is pre-selected for the next code (replacing another offer)' }),
  selection: SelectionResponse,
});

/** POS: `POST /loyalty/promo-code/redeem`. */
export const PosPromoRedeemBody = Type.Object({
  loyaltyId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  promoCode: Type.String({ minLength: 1, maxLength: 40 }),
  posVendor: Type.Ref(PosVendor),
});

export const PosPromoRedeemResponse = Type.Object({
  incentiveId: Type.String(),
  productId: Type.Union([Type.String(), Type.Null()], { description: "the incentive's PLU for this POS vendor" }),
  productType: Type.Union([Type.Literal('REWARD'), Type.Literal('OFFER')]),
  name: Type.String(),
});

export const ReceiptParams = Type.Object(
  { receiptCode: Type.String({ minLength: 1, maxLength: 64, description: 'the 16-character code printed on the receipt (spaces and dashes ignored)' }) },
  strict,
);
export type ReceiptParamsT = Static<typeof ReceiptParams>;

export const ReceiptLookupResponse = Type.Union(
  [
    Type.Object({
      claimable: Type.Literal(true),
      receiptCode: Type.String(),
      program: Type.Object({ slug: Type.String(), name: Type.String() }),
      store: Type.Object({ name: Type.String(), timeZone: Type.String({ description: 'IANA time zone: show the dates on the store’s clock' }) }),
      saleAt: Iso,
      pointsToEarn: Type.Integer(),
      claimableUntil: Iso,
    }),
    Type.Object(
      { claimable: Type.Literal(false) },
      { description: 'unknown, malformed, already claimed, voided or past the claim window: one answer for all' },
    ),
  ],
  { description: 'what the receipt page shows before the guest signs in' },
);

export const PublicProgram = Type.Object({ slug: Type.String(), name: Type.String({ description: 'the brand’s program name, for the guest pages' }) });
