import { type TSchema, Type } from '@sinclair/typebox';

/** Schemas of the c-store admin and agent APIs: they validate, type the handlers and make the OpenAPI document. */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IsoTime = Type.String({ description: 'ISO-8601 UTC', examples: ['2026-12-01T08:00:00.000Z'] });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', examples: ['2026-12-01'] });
export const Id = Type.String({ minLength: 1, maxLength: 64 });
/** A `?limit=` (query strings are text; the handler clamps). */
const Limit = (description: string) => Type.String({ pattern: '^[1-9][0-9]{0,3}$', description });
export const limitOf = (q: { limit?: string }, fallback: number, max: number): number => Math.min(max, q.limit === undefined ? fallback : Number(q.limit));

export const PosSystem = Type.Union([Type.Literal('passport'), Type.Literal('commander'), Type.Literal('radiant'), Type.Literal('other')], {
  description: 'Passport, Commander and Radiant get NAXML; other POS systems get the JSON batch',
});
export const IntegrationStatus = Type.Union([Type.Literal('off'), Type.Literal('pilot'), Type.Literal('live')]);
const OutletIds = Type.Object(
  { rjr: Type.Optional(Type.String({ minLength: 1, maxLength: 64, examples: ['7000001'] })) },
  { additionalProperties: false, description: "the location's outlet id per manufacturer" },
);
const HhMm = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'store-local HH:MM', examples: ['03:00'] });

export const LicenseSchema = Type.Object({
  id: Type.String(),
  programId: Type.String(),
  term: Type.Union([Type.Literal('1m'), Type.Literal('1y')]),
  boughtAt: IsoTime,
  locationId: Nullable(Type.String()),
  assignedAt: Nullable(IsoTime),
  startsAt: Nullable(IsoTime),
  expiresAt: Nullable(IsoTime),
  state: Type.Union([Type.Literal('unassigned'), Type.Literal('scheduled'), Type.Literal('active'), Type.Literal('expired')]),
});

const RegisterStoreId = Type.String({
  pattern: '^[A-Za-z0-9._-]{1,20}$',
  description:
    'the store number the register knows itself by, sent as NAXML StoreLocationID (and `location.storeLocationId` in JSON batches); null: the Tillpoint location id',
  examples: ['101'],
});
export const RegisterIdMode = Type.Union([Type.Literal('manufacturer'), Type.Literal('numeric')], {
  description:
    'how the register files promotions: `manufacturer` (default) under the manufacturer id (`RJD-4F2A91-17.0`); `numeric` under a number per promotion, from `registerIdStart` up, the same for the mix-match PromotionID and the ItemListID, stable per location. Fixed once a batch was accepted at the location.',
});
const RegisterIdStart = Type.Integer({ minimum: 1, maximum: 99_999_999, description: 'numeric mode: the first number handed out (default 1)' });

export const RegisterViewSchema = Type.Object(
  {
    status: Type.Union([Type.Literal('no_batches'), Type.Literal('up_to_date'), Type.Literal('failed'), Type.Literal('waiting'), Type.Literal('unconfirmed')], {
      description:
        'no_batches: nothing accepted yet; up_to_date: every batch acknowledged as applied by the POS agent; failed: the register refused a batch; waiting: the location has a POS agent and a batch is ready or delivered without its acknowledgement; unconfirmed: the location has no POS agent (outbox folder or download), so nobody confirms the register applied the batches, and none failed',
    }),
    label: Type.String({ description: 'the status in words', examples: ['Register up to date (batch #3 applied 2026-12-01T15:02:11.000Z)'] }),
    lastBatchSeq: Nullable(Type.Integer()),
    lastAppliedSeq: Nullable(Type.Integer({ description: 'the newest batch the agent acknowledged as applied' })),
    lastAppliedAt: Nullable(IsoTime),
    unappliedBatches: Type.Integer({ description: 'batches not acknowledged as applied (failed ones included)' }),
    failedBatches: Type.Integer(),
  },
  { description: "where the location's register stands (derived from its update batches)" },
);

export const LastSyncSchema = Type.Object(
  {
    runId: Type.String(),
    status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('skipped')]),
    asOf: Day,
    finishedAt: IsoTime,
    rejected: Type.Integer({ description: 'feed records rejected by this run; their promotions were left as they are (GET …/rejected-records)' }),
    errorCode: Nullable(Type.String()),
    error: Nullable(Type.String()),
  },
  { description: 'the newest sync run of the location' },
);

const LinkedStoreId = Type.String({
  format: 'uuid',
  description:
    "the Loyalty-API store (its id, GET /admin/v1/programs/{programId}/stores) whose POS is this location's register: its POS keys' sales are recorded as c-store sales here and its validate calls price tobacco lines with this location's accepted promotions (docs/scan-data.md); one location per store; null = not linked",
});

export const LocationSchema = Type.Object({
  id: Type.String(),
  programId: Type.String(),
  name: Type.String(),
  address: Type.String(),
  timeZone: Type.String(),
  posSystem: PosSystem,
  outletIds: OutletIds,
  autoAccept: Type.Boolean(),
  integrationStatus: IntegrationStatus,
  syncTime: Nullable(Type.String({ description: 'null: the deployment default (TILLPOINT_SYNC_TIME, 03:00)' })),
  outboxDir: Nullable(Type.String()),
  enrollmentError: Nullable(Type.String({ description: 'why the manufacturer refused this outlet (HTTP 403); syncs stop until fixed' })),
  agentTokenPrefix: Nullable(Type.String({ description: 'the first characters of the POS agent token' })),
  registerStoreId: Nullable(RegisterStoreId),
  registerIds: RegisterIdMode,
  registerIdStart: RegisterIdStart,
  storeId: Nullable(LinkedStoreId),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  license: Nullable(LicenseSchema),
  pendingChanges: Type.Integer(),
  register: RegisterViewSchema,
  lastSync: Nullable(LastSyncSchema),
});

export const LocationBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    address: Type.String({ minLength: 1, maxLength: 500 }),
    timeZone: Type.String({ minLength: 1, maxLength: 64, examples: ['America/New_York'] }),
    posSystem: PosSystem,
    outletIds: Type.Optional(OutletIds),
    autoAccept: Type.Optional(Type.Boolean({ description: 'accept every synced change at once, skipping review' })),
    syncTime: Type.Optional(Nullable(HhMm)),
    outboxDir: Type.Optional(
      Nullable(Type.String({ maxLength: 500, description: 'absolute folder on the server the batches are also written to (owner only)' })),
    ),
    registerStoreId: Type.Optional(Nullable(RegisterStoreId)),
    registerIds: Type.Optional(RegisterIdMode),
    registerIdStart: Type.Optional(RegisterIdStart),
    storeId: Type.Optional(Nullable(LinkedStoreId)),
  },
  { additionalProperties: false },
);
export const LocationPatchBody = Type.Partial(LocationBody, { additionalProperties: false });

export const StatusBody = Type.Object({ status: IntegrationStatus }, { additionalProperties: false });

export const RollOutResponse = Type.Object({
  pilot: Type.Array(Type.String()),
  turnedLive: Type.Array(Type.String()),
  alreadyLive: Type.Array(Type.String()),
  skipped: Type.Array(Type.Object({ locationId: Type.String(), name: Type.String(), reason: Type.String() })),
});

const PilotBlockerSchema = Type.Object({
  locationId: Type.String(),
  name: Type.String(),
  code: Type.Union([
    Type.Literal('pilot_not_synced'),
    Type.Literal('pilot_changes_pending'),
    Type.Literal('pilot_nothing_accepted'),
    Type.Literal('pilot_batch_failed'),
    Type.Literal('pilot_batch_not_applied'),
  ]),
  reason: Type.String(),
});
export const RollOutReadinessSchema = Type.Object({
  ready: Type.Boolean({ description: 'true when POST …/rollout would go ahead' }),
  pilot: Type.Array(Type.String(), { description: 'the locations in pilot' }),
  blockers: Type.Array(PilotBlockerSchema, { description: 'per pilot location, what is still missing' }),
});

export const BuyLicensesBody = Type.Object(
  { term: Type.Union([Type.Literal('1m'), Type.Literal('1y')]), count: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1 })) },
  { additionalProperties: false },
);
export const AssignLicenseBody = Type.Object({ locationId: Id }, { additionalProperties: false });

export const EnrollmentBody = Type.Object(
  {
    mode: Type.Union([Type.Literal('single'), Type.Literal('chain')], {
      description: 'single: outletId, outletName, email. chain: accountNumber, clientId, clientSecret',
    }),
    outletId: Type.Optional(Type.String({ maxLength: 64 })),
    outletName: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Type.String({ maxLength: 200 })),
    accountNumber: Type.Optional(Type.String({ maxLength: 200, description: 'write-only; sealed at rest' })),
    clientId: Type.Optional(Type.String({ maxLength: 200, description: 'write-only; sealed at rest' })),
    clientSecret: Type.Optional(Type.String({ maxLength: 200, description: 'write-only; sealed at rest; answers show ••••1234' })),
    baseUrl: Type.Optional(Nullable(Type.String({ maxLength: 500, description: 'another API base URL, e.g. the simulator' }))),
  },
  { additionalProperties: false },
);

export const EnrollmentSchema = Type.Object({
  programId: Type.String(),
  manufacturer: Type.String(),
  mode: Type.Union([Type.Literal('single'), Type.Literal('chain')]),
  outletId: Nullable(Type.String()),
  outletName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  accountNumber: Nullable(Type.String({ description: 'masked', examples: ['••••0100'] })),
  clientId: Nullable(Type.String({ description: 'masked' })),
  clientSecret: Nullable(Type.String({ description: 'masked', examples: ['••••cret'] })),
  baseUrl: Nullable(Type.String()),
  status: Type.Union([Type.Literal('ok'), Type.Literal('broken')]),
  statusReason: Nullable(Type.String()),
  updatedAt: IsoTime,
});

export const PromotionSchema = Type.Object(
  {
    manufacturer: Type.String(),
    externalId: Type.String(),
    type: Type.Union([Type.Literal('buydown'), Type.Literal('multipack')]),
    description: Type.String(),
    brand: Nullable(Type.String()),
    upcs: Type.Array(Type.String({ pattern: '^\\d{12}$' })),
    startDate: Day,
    endDate: Day,
    amountCents: Type.Integer({ description: 'buydown: per unit; multipack: for buying `quantity` units' }),
    quantity: Type.Integer(),
    maxPerTransaction: Nullable(Type.Integer()),
    status: Type.Union([Type.Literal('active'), Type.Literal('cancelled')]),
    lastModified: Nullable(Type.String()),
  },
  { description: 'a normalized manufacturer promotion' },
);
const PromotionRef = PromotionSchema;

export const ChangeSchema = Type.Object({
  id: Type.String(),
  locationId: Type.String(),
  manufacturer: Type.String(),
  externalId: Type.String(),
  kind: Type.Union([Type.Literal('add'), Type.Literal('modify'), Type.Literal('end')]),
  before: Nullable(PromotionRef),
  after: Nullable(PromotionRef),
  changedFields: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('rejected'), Type.Literal('superseded')]),
  reason: Nullable(Type.String()),
  syncRunId: Type.String(),
  batchId: Nullable(Type.String()),
  createdAt: IsoTime,
  decidedAt: Nullable(IsoTime),
  decidedBy: Nullable(Type.String()),
});

export const ChangesQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('rejected'), Type.Literal('superseded')], { default: 'pending' }),
    ),
    limit: Type.Optional(Limit('1-5000, default 500')),
    before: Type.Optional(Type.String({ description: 'a change id: answer older changes (paging)' })),
  },
  { additionalProperties: false },
);

export const AcceptBody = Type.Object(
  {
    changeIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 5000 })),
    all: Type.Optional(Type.Boolean({ description: 'accept every pending change of the location' })),
    idempotencyKey: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'a repeated Accept with the same key answers the first batch (also: Idempotency-Key header)' }),
    ),
  },
  { additionalProperties: false },
);
export const RejectBody = Type.Object(
  { changeIds: Type.Array(Id, { minItems: 1, maxItems: 5000 }), reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

export const SyncRunSchema = Type.Object({
  id: Type.String(),
  programId: Type.String(),
  locationId: Type.String(),
  manufacturer: Type.String(),
  trigger: Type.Union([Type.Literal('schedule'), Type.Literal('api'), Type.Literal('cli')]),
  asOf: Day,
  startedAt: IsoTime,
  finishedAt: IsoTime,
  durationMs: Type.Integer(),
  status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('skipped')]),
  pages: Type.Integer(),
  added: Type.Integer(),
  modified: Type.Integer(),
  ended: Type.Integer(),
  rejected: Type.Integer(),
  superseded: Type.Integer({ description: 'pending changes the feed overtook' }),
  errorCode: Nullable(
    Type.String({
      description:
        'skipped: integration_off, not_licensed, license_expired, no_enrollment, enrollment_broken, no_outlet_id; failed: enrollment_broken, auth_failed, unavailable, malformed_response, request_rejected, storage …',
    }),
  ),
  error: Nullable(Type.String()),
  batchId: Nullable(Type.String({ description: 'the batch an auto-accepting location produced' })),
});

export const RetryOutletResponse = Type.Object({
  cleared: Type.Boolean({ description: 'whether a refusal was on record and was cleared (false: there was none; the sync ran anyway)' }),
  run: SyncRunSchema,
});

export const RejectedRecordsSchema = Type.Object({
  syncRunId: Nullable(Type.String({ description: 'the newest successful sync run; null when none' })),
  asOf: Nullable(Day),
  finishedAt: Nullable(IsoTime),
  total: Type.Integer({ description: 'records rejected by that run (the list keeps the first 100)' }),
  records: Type.Array(
    Type.Object({
      externalId: Nullable(Type.String()),
      reason: Type.String(),
      raw: Type.Unknown({ description: 'the record as the manufacturer sent it' }),
      onRegister: Type.Boolean(),
      effect: Type.Union([Type.Literal('kept_on_register'), Type.Literal('not_added'), Type.Literal('unidentified')], {
        description:
          'kept_on_register: the register keeps its copy of the promotion; not_added: a new promotion was not queued; unidentified: no readable id, so no promotion was ended that day',
      }),
      label: Type.String(),
    }),
  ),
});

export const SyncRunDetailSchema = Type.Composite([
  SyncRunSchema,
  Type.Object({ rejectedRecords: Type.Array(Type.Object({ externalId: Nullable(Type.String()), reason: Type.String(), raw: Type.Unknown() })) }),
]);

const BatchState = Type.Union([Type.Literal('ready'), Type.Literal('delivered'), Type.Literal('acknowledged'), Type.Literal('failed')]);
export const BatchSchema = Type.Object({
  id: Type.String(),
  programId: Type.String(),
  locationId: Type.String(),
  seq: Type.Integer({ description: 'per-location sequence number' }),
  acceptedBy: Type.String(),
  acceptedByName: Type.String(),
  acceptedAt: IsoTime,
  state: BatchState,
  format: Type.Union([Type.Literal('naxml'), Type.Literal('json')]),
  filename: Type.String(),
  changeCount: Type.Integer(),
  summary: Type.Object({ add: Type.Integer(), modify: Type.Integer(), end: Type.Integer() }),
  deliveredAt: Nullable(IsoTime),
  deliveryCount: Type.Integer(),
  acknowledgedAt: Nullable(IsoTime),
  ackMessage: Nullable(Type.String()),
  outboxPath: Nullable(Type.String()),
  updatedAt: IsoTime,
});
export const BatchDetailSchema = Type.Composite([BatchSchema, Type.Object({ changes: Type.Array(ChangeSchema) })]);
export const BatchesQuery = Type.Object(
  { state: Type.Optional(BatchState), limit: Type.Optional(Limit('1-1000, default 100')) },
  { additionalProperties: false },
);
export const RunsQuery = Type.Object({ limit: Type.Optional(Limit('1-500, default 50')) }, { additionalProperties: false });

export const AcceptResponse = Type.Object({ batch: BatchSchema, replayed: Type.Boolean() });
export const RegisterEntrySchema = Type.Object({ promotion: PromotionRef, batchId: Type.String(), acceptedAt: IsoTime });

export const AckBody = Type.Object(
  {
    status: Type.Union([Type.Literal('success'), Type.Literal('error')]),
    message: Type.Optional(Type.String({ maxLength: 2000, description: 'required with error' })),
  },
  { additionalProperties: false },
);

export const AgentTokenResponse = Type.Object({
  token: Type.String({ description: 'tpagt_… (the agent prefix); shown once; send as Authorization: Bearer <token> to /agent/v1' }),
  prefix: Type.String(),
});

export const ProgramParams = Type.Object({ programId: Id });
export const LocationParams = Type.Object({ locationId: Id });
export const LicenseParams = Type.Object({ licenseId: Id });
export const BatchParams = Type.Object({ batchId: Id });
export const RunParams = Type.Object({ runId: Id });

/** A batch file: NAXML for Passport, Commander and Radiant, JSON for other POS systems. */
export const BatchFileResponse = {
  description: 'The batch file (Content-Disposition: attachment)',
  content: {
    'application/xml': { schema: Type.String({ description: 'NAXML-MaintenanceRequest 3.4' }) },
    'application/json': { schema: Type.String({ description: 'tillpoint.pricebook JSON (docs/pricebook.md)' }) },
  },
};
