import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { ADMIN_ROLES } from '../../../domain/admin-role.ts';
import { BIRTHDATE_PATTERN } from '../../../domain/birthdate.ts';
import { DELIVERY_STATUSES } from '../../../domain/delivery-status.ts';
import { LEDGER_KINDS } from '../../../domain/ledger-kind.ts';
import { MAX_ADJUSTMENT, MAX_EARN_RATE_MILLI, MAX_POINTS } from '../../../domain/limits.ts';
import { PRESENTATION_FIELDS } from '../../../domain/receipt.ts';
import { TRANSACTION_STATUSES } from '../../../domain/transaction-status.ts';
import { AmountMinor, Int, Line, Points } from './common.ts';

/**
 * Admin API shapes. Bodies refuse unknown fields (a typo is an error, not a silent no-op); the
 * use cases validate meaning (rule ids and arguments, time zones, URLs) and name the field.
 * Query strings are strings (no coercion anywhere in Tillpoint): numbers are parsed by the route.
 */
const strict = { additionalProperties: false } as const;

/** A string from a fixed list: one clear "must be equal to one of the allowed values" error. */
export const StringEnum = <T extends string>(values: readonly T[], options: { description?: string } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

export const Id = Line({ minLength: 1, maxLength: 100 });
export const Instant = Type.String({ description: 'ISO-8601 UTC' });
export const Nullable = <T extends TSchema>(t: T, options: { description?: string } = {}) => Type.Union([t, Type.Null()], options);

export const ProgramParams = Type.Object({ programId: Id });
export const entityParams = <K extends string>(name: K) => Type.Object({ programId: Id, [name]: Id } as { programId: typeof Id } & Record<K, typeof Id>);

export const PageQuery = {
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: '1–200, default 50' })),
  cursor: Type.Optional(Type.String({ maxLength: 500, description: 'nextCursor of the previous page' })),
};
export const BoolQuery = StringEnum(['true', 'false'] as const);

export const page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String({ description: 'pass as cursor for the next page; null on the last page' })) });

/** `?limit=` as a number (the use case checks the range). */
export function limitOf(q: { limit?: string }): number | undefined {
  return q.limit === undefined ? undefined : Number(q.limit);
}

// ---- programs ---------------------------------------------------------------------------------

const Template = Type.Object(Object.fromEntries(PRESENTATION_FIELDS.map((f) => [f, Type.Optional(Type.String({ maxLength: 500 }))])), {
  ...strict,
  description: 'receipt lines; placeholders {pointsEarned} {pointsRedeemed} {balance} {transactionId} {receiptCode} {claimUrl}',
});
export const ReceiptTemplates = Type.Record(
  Type.String({ maxLength: 30 }),
  Type.Object({ claimed: Type.Optional(Template), unclaimed: Type.Optional(Template) }, strict),
  {
    description: 'per POS vendor, or "default"',
  },
);

export const ExpiryPolicy = Type.Object(
  {
    kind: StringEnum(['inactivity', 'monthly-buckets', 'none'] as const),
    days: Type.Optional(Int({ minimum: 1, maximum: 36_600, description: 'inactivity: days after the last eligible transaction' })),
    months: Type.Optional(Int({ minimum: 1, maximum: 1_200, description: 'monthly-buckets: months a month’s points live' })),
  },
  strict,
);

export const TierConfig = Type.Object(
  {
    windowDays: Type.Integer({
      minimum: 1,
      maximum: 3660,
      description: 'length of the rolling window in days: a guest’s tier follows the points earned by sales in the last windowDays days',
    }),
    tiers: Type.Array(
      Type.Object(
        {
          name: Line({ minLength: 1, maxLength: 60, description: 'unique within the program, not blank' }),
          minPoints: Points({ description: 'points earned in the window that reach this tier; unique' }),
        },
        strict,
      ),
      { minItems: 1, maxItems: 20, description: 'any order on write; shown lowest first' },
    ),
  },
  { ...strict, description: 'tiers by points earned in a rolling window (EARN net of voids and refunds; redeeming does not lower them)' },
);

const programFields = {
  name: Line({ minLength: 1, maxLength: 200 }),
  earnRateMilli: Int({
    minimum: 0,
    maximum: MAX_EARN_RATE_MILLI,
    description: 'points per currency unit × 1000: 10 points per $1 → 10000; at most 1,000 points per unit',
  }),
  minSpendCents: AmountMinor({ description: 'eligible spend below this earns nothing (minor units)' }),
  expiry: ExpiryPolicy,
  claimWindowDays: Type.Integer({ minimum: 0, maximum: 3650, description: 'days an anonymous receipt can be claimed' }),
  receiptTemplates: ReceiptTemplates,
  publicUrl: Nullable(Type.String({ maxLength: 500, description: 'base of claim URLs printed on receipts' })),
  tiers: Nullable(TierConfig, { description: 'null: the program has no tiers (on write: removes them)' }),
  posSettings: Type.Record(
    Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,39}$' }),
    Type.Object(
      {
        genericDiscountPlus: Type.Optional(
          Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^\\S+$' }), {
            maxItems: 20,
            description:
              "PLUs of the POS's generic 100% discount: a line carrying one after a product line redeems the reward whose PLU (for this vendor) the product carries",
          }),
        ),
      },
      strict,
    ),
    { maxProperties: 20, description: 'per POS vendor settings, keyed by vendor (e.g. winrest); default {} (none). On write: replaces them all.' },
  ),
  loginEmail: Nullable(
    Type.Object(
      {
        subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        text: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
      },
      strict,
    ),
    {
      description:
        'the wording of the e-mail that carries a guest login code (SMTP sender): placeholders {{program}}, {{code}}, {{minutes}}, {{email}}; a part left out keeps the default; null: the default wording',
    },
  ),
};

export const ProgramView = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  currency: Type.String(),
  ...programFields,
  createdAt: Instant,
});

export const NewProgramBody = Type.Object(
  {
    slug: Type.String({ minLength: 2, maxLength: 41, description: 'lower-case letters, digits, dashes' }),
    currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3, description: 'ISO-4217, e.g. USD; default USD' })),
    name: programFields.name,
    // Loyalty settings are optional: a c-store chain (manufacturer promotions only) needs none.
    earnRateMilli: Type.Optional(
      Type.Integer({ minimum: 0, description: 'points per currency unit × 1000: 10 points per $1 → 10000; default 0 (no earning)' }),
    ),
    expiry: Type.Optional(programFields.expiry),
    minSpendCents: Type.Optional(programFields.minSpendCents),
    claimWindowDays: Type.Optional(programFields.claimWindowDays),
    receiptTemplates: Type.Optional(programFields.receiptTemplates),
    publicUrl: Type.Optional(programFields.publicUrl),
    tiers: Type.Optional(programFields.tiers),
    posSettings: Type.Optional(programFields.posSettings),
    loginEmail: Type.Optional(programFields.loginEmail),
  },
  strict,
);
export type NewProgramBodyT = Static<typeof NewProgramBody>;

export const ProgramPatchBody = Type.Object(
  {
    name: Type.Optional(programFields.name),
    earnRateMilli: Type.Optional(programFields.earnRateMilli),
    minSpendCents: Type.Optional(programFields.minSpendCents),
    expiry: Type.Optional(programFields.expiry),
    claimWindowDays: Type.Optional(programFields.claimWindowDays),
    receiptTemplates: Type.Optional(programFields.receiptTemplates),
    publicUrl: Type.Optional(programFields.publicUrl),
    tiers: Type.Optional(programFields.tiers),
    posSettings: Type.Optional(programFields.posSettings),
    loginEmail: Type.Optional(programFields.loginEmail),
  },
  strict,
);
export type ProgramPatchBodyT = Static<typeof ProgramPatchBody>;

// ---- stores ------------------------------------------------------------------------------------

const Groups = Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 50, description: 'regions, franchisees …; rules can target a group' });

export const StoreView = Type.Object({
  id: Type.String(),
  programId: Type.String(),
  externalId: Type.String({ description: 'the store number the POS sends as posVendor.storeId' }),
  name: Type.String(),
  timeZone: Type.String(),
  loyaltyEnabled: Type.Boolean(),
  groups: Type.Array(Type.String()),
  createdAt: Instant,
});

export const NewStoreBody = Type.Object(
  {
    externalId: Type.String({ minLength: 1, maxLength: 40 }),
    name: Line({ minLength: 1, maxLength: 200 }),
    timeZone: Type.String({ minLength: 1, maxLength: 60, description: 'IANA, e.g. America/New_York' }),
    loyaltyEnabled: Type.Optional(Type.Boolean()),
    groups: Type.Optional(Groups),
  },
  strict,
);
export type NewStoreBodyT = Static<typeof NewStoreBody>;

export const StorePatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    loyaltyEnabled: Type.Optional(Type.Boolean()),
    groups: Type.Optional(Groups),
  },
  strict,
);
export type StorePatchBodyT = Static<typeof StorePatchBody>;

// ---- API keys ----------------------------------------------------------------------------------

export const ApiKeyView = Type.Object({
  id: Type.String(),
  programId: Type.String(),
  vendor: Type.String(),
  environment: Type.String(),
  prefix: Type.String({ description: 'the first characters of the key; the key itself is never shown again' }),
  status: StringEnum(['active', 'revoked'] as const),
  createdAt: Instant,
  revokedAt: Nullable(Instant),
});

export const IssuedKey = Type.Object({
  apiKey: ApiKeyView,
  key: Type.String({ description: 'the x-api-key, shown this once: store it now' }),
});

export const NewApiKeyBody = Type.Object(
  {
    vendor: Type.String({ minLength: 2, maxLength: 30, description: 'POS vendor: partner, ncr, winrest, tillster …' }),
    environment: Type.String({ minLength: 2, maxLength: 20, description: 'e.g. production, staging' }),
  },
  strict,
);

// ---- incentives --------------------------------------------------------------------------------

export const RuleRef = Type.Object(
  {
    ruleId: Type.String({ minLength: 1, maxLength: 60, description: 'an id from GET /admin/v1/rules' }),
    args: Type.Record(Type.String(), Type.Unknown(), { description: 'arguments, per the rule’s args schema' }),
  },
  strict,
);
const VendorConfigs = Type.Record(Type.String({ maxLength: 30 }), Type.Object({ pluType: Type.String() }, { additionalProperties: true }), {
  description: 'per POS vendor: { pluType, <pluType>: … }, e.g. { "ncr": { "pluType": "constantPlu", "constantPlu": "900101" } }',
});
const Validity = Type.Object(
  {
    start: Type.Optional(Type.String({ maxLength: 10, description: 'store-local date, inclusive' })),
    end: Type.Optional(Type.String({ maxLength: 10, description: 'store-local date, inclusive' })),
  },
  { ...strict, description: 'shortcut for the date-span rule' },
);

export const IncentiveView = Type.Object({
  id: Type.String(),
  programId: Type.String(),
  kind: StringEnum(['REWARD', 'OFFER'] as const),
  name: Type.String(),
  pointCost: Type.Integer(),
  rules: Type.Array(RuleRef),
  vendorConfigs: VendorConfigs,
  validity: Nullable(Validity),
  active: Type.Boolean(),
  createdAt: Instant,
  updatedAt: Instant,
});

export const NewIncentiveBody = Type.Object(
  {
    kind: StringEnum(['REWARD', 'OFFER'] as const),
    name: Line({ minLength: 1, maxLength: 200 }),
    pointCost: Type.Optional(Points({ description: 'rewards: points above 0; offers: 0' })),
    rules: Type.Optional(Type.Array(RuleRef, { maxItems: 50 })),
    vendorConfigs: VendorConfigs,
    validity: Type.Optional(Nullable(Validity)),
    active: Type.Optional(Type.Boolean()),
  },
  strict,
);
export type NewIncentiveBodyT = Static<typeof NewIncentiveBody>;

export const IncentivePatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    pointCost: Type.Optional(Points()),
    rules: Type.Optional(Type.Array(RuleRef, { maxItems: 50 })),
    vendorConfigs: Type.Optional(VendorConfigs),
    validity: Type.Optional(Nullable(Validity)),
    active: Type.Optional(Type.Boolean()),
  },
  strict,
);
export type IncentivePatchBodyT = Static<typeof IncentivePatchBody>;

// ---- guests ------------------------------------------------------------------------------------

export const GuestView = Type.Object({
  id: Type.String({ description: 'the loyalty id' }),
  programId: Type.String(),
  name: Type.String(),
  email: Nullable(Type.String()),
  balance: Type.Integer(),
  birthdate: Nullable(Type.String({ description: 'YYYY-MM-DD, for birthday rules' }), { description: 'null: not given' }),
  lastActivityAt: Nullable(Instant),
  createdAt: Instant,
});

export const Birthdate = Type.String({
  pattern: BIRTHDATE_PATTERN,
  description: 'YYYY-MM-DD: a calendar date from 1900-01-01 up to today (UTC), read by the birthday-window rule',
  examples: ['1990-11-27'],
});

export const GuestPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    birthdate: Type.Optional(Nullable(Birthdate, { description: 'null clears it' })),
  },
  strict,
);
export type GuestPatchBodyT = Static<typeof GuestPatchBody>;

export const LedgerEntryView = Type.Object({
  id: Type.String(),
  kind: StringEnum(LEDGER_KINDS),
  points: Type.Integer({ description: 'signed' }),
  balanceAfter: Type.Integer(),
  transactionId: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  createdAt: Instant,
});

export const AdjustBody = Type.Object(
  {
    points: Type.Integer({
      minimum: -MAX_ADJUSTMENT,
      maximum: MAX_ADJUSTMENT,
      description: `signed: 500 credits, -500 debits; not 0, at most ${MAX_ADJUSTMENT} either way; no balance may exceed ${MAX_POINTS} (422 PointsLimitExceeded)`,
    }),
    reason: Type.String({ minLength: 3, maxLength: 500, description: 'why: kept on the ledger entry, the audit log and the event' }),
  },
  strict,
);

export const NewGuestBody = Type.Object(
  { name: Line({ minLength: 1, maxLength: 200 }), email: Type.Optional(Nullable(Type.String({ maxLength: 200 }))) },
  strict,
);

// ---- transactions ------------------------------------------------------------------------------

export const TransactionStatus = StringEnum(TRANSACTION_STATUSES);

export const TransactionSummary = Type.Object({
  id: Type.String(),
  storeId: Type.String(),
  storeExternalId: Type.String(),
  guestId: Nullable(Type.String()),
  status: TransactionStatus,
  posVendor: Type.String(),
  terminal: Type.String(),
  posTransactionId: Type.String(),
  receiptCode: Type.String(),
  subtotalCents: Type.Integer(),
  pointsEarned: Type.Integer(),
  pointsRedeemed: Type.Integer(),
  createdAt: Instant,
  updatedAt: Instant,
  claimedAt: Nullable(Instant),
  voidedAt: Nullable(Instant),
});

const RuleVerdict = Type.Object({
  ruleId: Type.String(),
  passed: Type.Boolean(),
  failure: Nullable(
    Type.Object({ code: Type.String(), currentValue: Type.Optional(Type.Unknown()), targetValue: Type.Optional(Type.Unknown()), message: Type.String() }),
  ),
});

export const RuleResults = Type.Object(
  {
    stage: StringEnum(['validate', 'PENDING', 'CLAIMED'] as const, { description: 'the update that evaluated the cart' }),
    at: Instant,
    pointsEarned: Type.Integer(),
    pointsRedeemed: Type.Integer(),
    incentives: Type.Array(
      Type.Object({
        incentiveId: Type.String(),
        kind: StringEnum(['REWARD', 'OFFER'] as const),
        quantity: Type.Integer(),
        points: Type.Integer(),
        applied: Type.Boolean({ description: 'every rule passed' }),
        rules: Type.Array(RuleVerdict, {
          description: 'the configured rules in order, then order-wide checks that failed (offers-per-order, point-balance …)',
        }),
      }),
    ),
  },
  { description: 'the last evaluation of the cart: per incentive, applied or not and each rule’s verdict' },
);

export const TransactionDetail = Type.Composite([
  TransactionSummary,
  Type.Object({
    operator: Nullable(Type.String()),
    serviceMode: Nullable(Type.String()),
    channel: Nullable(Type.String()),
    cart: Type.Unknown({ description: 'the canonical cart of the last update' }),
    selections: Type.Array(Type.String()),
    redemptions: Type.Array(
      Type.Object({ incentiveId: Type.String(), kind: Type.String(), quantity: Type.Integer(), points: Type.Integer(), voidedAt: Nullable(Instant) }),
    ),
    ledger: Type.Array(LedgerEntryView),
    posAnswer: Type.Unknown({ description: 'the answer the POS got to its CLAIMED update (points, receipt lines); null before' }),
    events: Type.Array(
      Type.Object({
        id: Type.String(),
        type: Type.String(),
        at: Instant,
        dispatchedAt: Nullable(Instant),
        data: Type.Object({}, { additionalProperties: true }),
      }),
      { description: 'events the sale announced, oldest first' },
    ),
    ruleResults: Nullable(RuleResults),
  }),
]);

/** Optional: an empty body is fine. */
export const VoidBody = Nullable(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500, description: 'kept in the audit log' })) }, strict));

// ---- users ---------------------------------------------------------------------------------------

const Role = StringEnum(ADMIN_ROLES);
const ProgramIds = Type.Union([Type.Array(Type.String({ maxLength: 100 }), { maxItems: 500 }), Type.Literal('*')], {
  description: 'program ids, or "*" for every program',
});

export const AdminUserView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Role,
  programIds: ProgramIds,
  createdAt: Instant,
  disabledAt: Nullable(Instant),
});

export const NewAdminUserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 200 }),
    name: Line({ minLength: 1, maxLength: 200 }),
    password: Type.String({ minLength: 10, maxLength: 200 }),
    role: Role,
    programIds: ProgramIds,
  },
  strict,
);
export type NewAdminUserBodyT = Static<typeof NewAdminUserBody>;

// ---- audit -------------------------------------------------------------------------------------

export const AuditEntryView = Type.Object({
  id: Type.String(),
  programId: Nullable(Type.String()),
  actor: Type.Object({ type: Type.String(), id: Type.String() }),
  action: Type.String({ examples: ['points.adjust'] }),
  entityType: Type.String(),
  entityId: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  reason: Nullable(Type.String()),
  at: Instant,
});

// ---- webhooks ----------------------------------------------------------------------------------

export const WebhookView = Type.Object({
  id: Type.String(),
  programId: Type.String(),
  url: Type.String(),
  description: Type.String(),
  eventTypes: Type.Array(Type.String()),
  secretPrefix: Type.String(),
  active: Type.Boolean(),
  createdAt: Instant,
  updatedAt: Instant,
});

export const WebhookWithSecret = Type.Object({
  webhook: WebhookView,
  secret: Type.String({ description: 'the HMAC signing secret, shown this once: store it now' }),
});

const EventTypes = Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 20, description: 'event types, or ["*"] for all' });

export const NewWebhookBody = Type.Object(
  { url: Type.String({ minLength: 8, maxLength: 2000 }), eventTypes: EventTypes, description: Type.Optional(Type.String({ maxLength: 500 })) },
  strict,
);

export const WebhookPatchBody = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 8, maxLength: 2000 })),
    eventTypes: Type.Optional(EventTypes),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    active: Type.Optional(Type.Boolean()),
  },
  strict,
);

export const DeliveryStatus = StringEnum(DELIVERY_STATUSES);

export const DeliveryView = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  status: DeliveryStatus,
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Instant),
  lastAttemptAt: Nullable(Instant),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  deliveredAt: Nullable(Instant),
  deadAt: Nullable(Instant),
  createdAt: Instant,
});

export const DeliveryDetail = Type.Composite([
  DeliveryView,
  Type.Object({ event: Type.Object({ id: Type.String(), type: Type.String(), createdAt: Instant, data: Type.Unknown() }) }),
]);

// ---- rules -------------------------------------------------------------------------------------

export const RuleCatalogueEntry = Type.Object({
  id: Type.String(),
  description: Type.String(),
  codes: Type.Array(Type.String(), { description: 'failure codes the rule answers in the RulesError envelope' }),
  args: Type.Unknown({ description: 'JSON Schema of the rule’s arguments (drives the admin form)' }),
  appliesTo: Type.Array(Type.Union([Type.Literal('REWARD'), Type.Literal('OFFER')]), { description: 'the incentive kinds the rule may be configured on' }),
  needs: Type.Array(Type.Union([Type.Literal('history'), Type.Literal('birthday'), Type.Literal('identification')]), {
    description: 'guest facts the server loads to evaluate it',
  }),
  dependsOn: Type.Array(Type.Union([Type.Literal('order'), Type.Literal('store'), Type.Literal('serviceMode'), Type.Literal('time')]), {
    description: 'what of the sale the outcome depends on; the guest app leaves the rule to the till (`checkedAtOrder`) while any of it is unknown',
  }),
});
