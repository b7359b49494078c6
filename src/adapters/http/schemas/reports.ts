import { Type } from '@sinclair/typebox';
import { Instant, Nullable, StringEnum } from './admin.ts';

/** Shapes of the dashboard and the finance exports (admin API). */

const Day = Type.String({ description: 'YYYY-MM-DD in the dashboard’s time zone' });
const Int = Type.Integer();

export const DashboardQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 10, description: 'first day, YYYY-MM-DD (default: 29 days before to)' })),
    to: Type.Optional(Type.String({ maxLength: 10, description: 'last day, inclusive (default: today in the time zone); at most 366 days after from' })),
    timeZone: Type.Optional(
      Type.String({ maxLength: 64, description: 'IANA zone the days are counted in (default: the zone most of the program’s stores use, else UTC)' }),
    ),
    top: Type.Optional(Type.String({ pattern: '^[0-9]{1,2}$', description: 'top rewards to list, 1–50 (default 10)' })),
  },
  { additionalProperties: false },
);

export const DashboardView = Type.Object({
  programId: Type.String(),
  timeZone: Type.String(),
  from: Day,
  to: Day,
  asOf: Instant,
  points: Type.Array(
    Type.Object({
      day: Day,
      earned: Int,
      redeemed: Int,
      adjusted: Type.Integer({ description: 'net manual adjustments, signed' }),
      expired: Int,
      reversedEarn: Type.Integer({ description: 'earned points taken back by voids and refunds' }),
      returnedRedeem: Type.Integer({ description: 'redeemed points given back by voids and refunds' }),
    }),
  ),
  sales: Type.Array(
    Type.Object(
      { day: Day, claimed: Int, unclaimed: Int, voided: Int, claimedCents: Int, unclaimedCents: Int },
      { description: 'closed sales by the day of the sale and their status now' },
    ),
  ),
  totals: Type.Object({ earned: Int, redeemed: Int, claimedSales: Int, unclaimedSales: Int, claimedCents: Int }),
  topRewards: Type.Array(
    Type.Object({
      incentiveId: Type.String(),
      name: Type.String(),
      kind: StringEnum(['REWARD', 'OFFER'] as const),
      redeemed: Type.Integer({ description: 'items redeemed, net of refunds; voided sales excluded' }),
      sales: Int,
      points: Int,
    }),
  ),
  expiring: Type.Object({
    policy: Type.Object({ kind: Type.String() }, { additionalProperties: true }),
    horizonDays: Int,
    dueNow: Type.Object({ points: Int, guests: Int }, { description: 'already due; the next expiry run takes them' }),
    days: Type.Array(Type.Object({ day: Day, points: Int, guests: Int })),
    total: Int,
  }),
  pendingPromotions: Type.Array(
    Type.Object({ locationId: Type.String(), name: Type.String(), add: Int, modify: Int, end: Int, total: Int, oldestAt: Instant }),
  ),
  syncFailures: Type.Object({
    since: Instant,
    total: Int,
    locations: Type.Array(
      Type.Object({
        locationId: Type.String(),
        name: Type.String(),
        failures: Int,
        lastAt: Instant,
        lastErrorCode: Nullable(Type.String()),
        lastError: Nullable(Type.String()),
      }),
    ),
  }),
});

export const ExportQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 40, description: 'YYYY-MM-DD (UTC day) or ISO date-time, inclusive' })),
    to: Type.Optional(Type.String({ maxLength: 40, description: 'YYYY-MM-DD (the whole UTC day) or ISO date-time, inclusive' })),
  },
  { additionalProperties: false },
);

export const CsvAnswer = {
  description: 'CSV (RFC 4180, UTF-8, header row, CRLF), streamed; `content-disposition` names the file',
  content: { 'text/csv': { schema: { type: 'string' } } },
};
