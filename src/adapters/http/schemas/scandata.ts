import { type TSchema, Type } from '@sinclair/typebox';
import { SUBMISSION_STATES, SUBMISSION_STATUSES } from '../../../domain/scandata/submission.ts';
import { SCAN_DATA_MANUFACTURERS } from '../../../app/cstore/scandata.service.ts';
import { Id, PageQuery, StringEnum } from './admin.ts';

/** Scan-data accounts and submissions (docs/scan-data.md#submissions). */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Date_ = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const IsoTime = Type.String({ description: 'ISO-8601 UTC' });
const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });

export const ScanDataAccountParams = Type.Object({ accountId: Id });
export const SubmissionParams = Type.Object({ submissionId: Id });

const Outlet = Type.Object(
  {
    locationId: Id,
    outletNumber: Type.Optional(
      Text(32, "the store's number at this manufacturer (default: the location's outlet id, else its register store number) — never the account number"),
    ),
    name: Type.Optional(Text(120)),
    address1: Type.Optional(Text(120, "a street address, not a PO box (default: the location's address before the first comma)")),
    address2: Type.Optional(Nullable(Type.String({ maxLength: 120 }))),
    city: Type.Optional(Text(80)),
    state: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
    zip: Type.Optional(Type.String({ pattern: '^\\d{5}(-\\d{4})?$' })),
    phone: Type.Optional(Nullable(Type.String({ maxLength: 30 }))),
    contactName: Type.Optional(Nullable(Type.String({ maxLength: 120 }))),
    contactEmail: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  },
  { additionalProperties: false },
);

const Outlets = Nullable(
  Type.Array(Outlet, { maxItems: 1000, description: "the account's outlets; null: the program's locations holding a Scan Data license during the week" }),
);
const Options = Type.Record(Type.String(), Type.Unknown(), { description: 'the format\'s options, e.g. RJR `{ "dateSeparator": " " }` (default `-`)' });

export const CreateScanDataAccountBody = Type.Object(
  {
    manufacturer: StringEnum(SCAN_DATA_MANUFACTURERS),
    accountNumber: Text(32, 'the retailer account number at the manufacturer (write-only: sealed at rest, answered masked)'),
    retailerName: Text(120, 'in the file name'),
    submitterName: Text(120, "Altria's summary line: who submits"),
    options: Type.Optional(Options),
    outlets: Type.Optional(Outlets),
  },
  { additionalProperties: false },
);

export const UpdateScanDataAccountBody = Type.Object(
  {
    accountNumber: Type.Optional(Text(32)),
    retailerName: Type.Optional(Text(120)),
    submitterName: Type.Optional(Text(120)),
    options: Type.Optional(Options),
    outlets: Type.Optional(Outlets),
  },
  { additionalProperties: false },
);

export const ScanDataAccountSchema = Type.Object({
  id: Type.String(),
  programId: Type.String(),
  manufacturer: Type.String(),
  format: Type.String(),
  accountNumber: Type.String({ description: 'masked' }),
  retailerName: Type.String(),
  submitterName: Type.String(),
  options: Type.Record(Type.String(), Type.Unknown()),
  outlets: Nullable(Type.Array(Outlet)),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

export const SubmissionSchema = Type.Object({
  id: Nullable(Type.String({ description: 'null: nothing generated for the week yet' })),
  accountId: Type.String(),
  programId: Type.String(),
  manufacturer: Type.String(),
  accountNumber: Type.String({ description: 'masked' }),
  weekStart: Date_,
  weekEnd: Date_,
  dueAt: IsoTime,
  state: StringEnum(SUBMISSION_STATES),
  status: StringEnum(SUBMISSION_STATUSES, { description: 'the state, or `late` when the deadline passed and nothing was submitted' }),
  late: Type.Boolean(),
  warning: Nullable(Type.String({ description: 'due within 24 h, or late' })),
  generation: Nullable(Type.Integer()),
  fileName: Nullable(Type.String()),
  sizeBytes: Nullable(Type.Integer()),
  sha256: Nullable(Type.String()),
  rows: Nullable(Type.Integer()),
  quantity: Nullable(Type.Integer()),
  finalSalesCents: Nullable(Type.Integer()),
  transactions: Nullable(Type.Integer()),
  outlets: Nullable(Type.Integer()),
  validation: Nullable(Type.Object({ ok: Type.Boolean(), violationCount: Type.Integer(), byCode: Type.Record(Type.String(), Type.Integer()) })),
  holdReason: Nullable(Type.String()),
  generatedAt: Nullable(IsoTime),
  generatedBy: Nullable(Type.String()),
  releasedAt: Nullable(IsoTime),
  releasedBy: Nullable(Type.String()),
  submittedAt: Nullable(IsoTime),
  submittedBy: Nullable(Type.String()),
  rejectedAt: Nullable(IsoTime),
  rejectionCode: Nullable(Type.String()),
  rejectionMessage: Nullable(Type.String()),
});

export const SubmissionsQuery = Type.Object(
  {
    manufacturer: Type.Optional(StringEnum(SCAN_DATA_MANUFACTURERS)),
    accountId: Type.Optional(Id),
    week: Type.Optional(Type.String({ maxLength: 10, description: 'any date of the week, YYYY-MM-DD' })),
    weeks: Type.Optional(Type.String({ pattern: '^[0-9]{1,2}$', description: 'ended weeks back, 1–52, default 8' })),
    status: Type.Optional(StringEnum(SUBMISSION_STATUSES)),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const GenerateBody = Type.Object(
  {
    accountId: Id,
    week: Type.String({ maxLength: 10, description: 'any date of the week, YYYY-MM-DD' }),
  },
  { additionalProperties: false },
);

export const RejectionBody = Type.Object(
  {
    code: Text(40, "the collector's rejection code, e.g. Altria `ID-4-4-1`"),
    message: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false },
);

export const ReleaseBody = Type.Object({ reason: Type.Optional(Nullable(Type.String({ maxLength: 500 }))) }, { additionalProperties: false });

export const ScanDataFileAnswer = {
  description: 'the file, streamed; `content-disposition` names it; `x-sha256` its digest',
  content: { 'text/plain': { schema: { type: 'string' } } },
};
