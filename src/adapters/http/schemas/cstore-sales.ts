import { type TSchema, Type } from '@sinclair/typebox';
import { MAX_AMOUNT_MINOR, MAX_QUANTITY } from '../../../domain/limits.ts';
import { AGE_VERIFICATIONS, POS_LINE_KINDS, TENDERS, TOBACCO_CATEGORIES } from '../../../domain/scandata/pos-sale.ts';
import { Line } from './common.ts';

/** Schemas of the POS agent's sales intake (POST /agent/v1/sales); they also make its OpenAPI entry. */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const OneOf = <T extends string>(values: readonly T[], description: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  );

export const SaleLineBody = Type.Object(
  {
    productId: Type.String({
      minLength: 1,
      maxLength: 14,
      pattern: '^[0-9]+$',
      description: 'UPC-A (or a zero-padded EAN-13/GTIN-14)',
      examples: ['028200003843'],
    }),
    description: Type.Optional(Line({ maxLength: 200 })),
    unitOfMeasure: Type.Optional(Line({ maxLength: 20, description: 'PACK, CARTON, CAN … (EACH when absent)' })),
    quantity: Type.Integer({ minimum: 1, maximum: MAX_QUANTITY, description: 'units, positive; a void or refund is told by `kind`' }),
    unitPriceCents: Type.Integer({ minimum: 0, maximum: MAX_AMOUNT_MINOR, description: 'regular unit price before discounts, minor units' }),
    kind: Type.Optional(OneOf(POS_LINE_KINDS, 'sale (default), void or refund; voids and refunds are recorded as negative quantities')),
    category: Type.Optional(Nullable(OneOf(TOBACCO_CATEGORIES, 'tobacco category; null or absent for a non-tobacco line'))),
    sku: Type.Optional(Nullable(Line({ maxLength: 64 }))),
    manufacturerName: Type.Optional(Nullable(Line({ maxLength: 100 }))),
    consumerUnits: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'units per selling unit (10 packs in a carton)' })),
  },
  { additionalProperties: false },
);

export const SaleBody = Type.Object(
  {
    registerId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001F\\u007F-\\u009F]*$', examples: ['1'] }),
    transactionId: Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[^\\u0000-\\u001F\\u007F-\\u009F]*$',
      description: "the POS's transaction id; with the register it identifies the basket (a retry is idempotent)",
    }),
    soldAt: Type.String({ format: 'date-time', description: 'the instant of the sale, ISO 8601 with offset', examples: ['2026-12-02T15:04:05Z'] }),
    tender: OneOf(TENDERS, 'how the sale was paid'),
    loyaltyId: Type.Optional(Nullable(Line({ maxLength: 64, description: "the buyer's loyalty id when presented" }))),
    ageVerification: OneOf(AGE_VERIFICATIONS, "how the cashier verified the buyer's age"),
    lines: Type.Array(SaleLineBody, { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false },
);

export const RecordedSaleSchema = Type.Object({
  id: Type.String(),
  locationId: Type.String(),
  registerId: Type.String(),
  transactionId: Type.String(),
  soldAt: Type.String({ description: 'ISO-8601 UTC' }),
  localDate: Type.String({ description: "the store's date of the sale, YYYY-MM-DD" }),
  lineCount: Type.Integer(),
  totalCents: Type.Integer({ description: 'signed sum of quantity × unit price (voids and refunds negative), minor units' }),
  receivedAt: Type.String({ description: 'ISO-8601 UTC, when Tillpoint first recorded it' }),
});

/** The journal formats an upload may name (`?format=`). */
export const JournalUploadQuery = Type.Object({
  format: Type.Union([Type.Literal('csv'), Type.Literal('naxml')], { description: 'csv (the layout in docs/scan-data.md) or naxml (NAXML POSJournal)' }),
});

const Counts = Type.Object({ imported: Type.Integer(), replayed: Type.Integer(), rejected: Type.Integer() });

export const JournalImportSummarySchema = Type.Object(
  {
    baskets: Type.Object(Counts.properties, {
      description: 'POS transactions: stored now, already recorded with the same contents (nothing changed), rejected',
    }),
    lines: Type.Object(Counts.properties, { description: 'their line items' }),
    skipped: Type.Integer({ description: 'parts of the file that are no sale (training mode, a VoidEvent, fuel only …)' }),
    rejectCount: Type.Integer({ description: 'all rejects; `rejects` holds the first 100' }),
    rejects: Type.Array(
      Type.Object({
        row: Type.Integer({ description: 'CSV line or XML line of the bad row or basket, from 1' }),
        transactionId: Type.Union([Type.String(), Type.Null()]),
        reason: Type.String(),
      }),
    ),
  },
  { additionalProperties: false },
);
