import { MAX_AMOUNT_MINOR } from '../limits.ts';
import { normalizeUpc } from '../promotions/upc.ts';
import { localTimeAt } from '../time.ts';
import type { AgeVerification, SaleLine, Tender, TobaccoCategory } from './sale-line.ts';

/**
 * A c-store POS transaction as the location's POS agent reports it, and its mapping to
 * {@link SaleLine}s: the UPC normalized, the store's wall clock from the location's time zone,
 * voids and refunds as negative quantities. All or nothing: the first bad field fails the basket.
 */

export const TENDERS: readonly Tender[] = ['cash', 'credit', 'debit', 'ebt', 'mobile', 'other'];
export const AGE_VERIFICATIONS: readonly AgeVerification[] = ['scanned-id', 'manual-entry', 'visual', 'not-required', 'none'];
export const TOBACCO_CATEGORIES: readonly TobaccoCategory[] = [
  'cigarettes',
  'cigars',
  'smokeless',
  'vapor',
  'nicotine-pouch',
  'roll-your-own',
  'pipe',
  'other-tobacco',
];
/** A sold line, a line voided in the basket, or a line refunded: the last two count negatively. */
export type PosLineKind = 'sale' | 'void' | 'refund';
export const POS_LINE_KINDS: readonly PosLineKind[] = ['sale', 'void', 'refund'];

export interface PosSaleLineInput {
  /** the UPC (UPC-A, or EAN-13/GTIN-14 zero-padded) */
  productId: string;
  description?: string;
  unitOfMeasure?: string;
  /** units, positive: a void or a refund is told by `kind`, and recorded negative */
  quantity: number;
  unitPriceCents: number;
  kind?: PosLineKind;
  category?: TobaccoCategory | null;
  sku?: string | null;
  manufacturerName?: string | null;
  consumerUnits?: number;
}

export interface PosSaleInput {
  registerId: string;
  transactionId: string;
  /** ISO 8601 instant of the sale */
  soldAt: string;
  tender: Tender;
  loyaltyId?: string | null;
  ageVerification: AgeVerification;
  lines: readonly PosSaleLineInput[];
}

/** A sale line of Tillpoint's with how the POS called it (sale, void, refund). */
export type RecordedLine = SaleLine & { kind: PosLineKind };

export type PosSaleResult = { ok: true; soldAt: string; lines: RecordedLine[]; totalCents: number } | { ok: false; field: string; message: string };

/**
 * The sale lines of one POS transaction at a location, or the first field that is wrong.
 * @example posSaleLines({ registerId: '1', transactionId: 'T1', soldAt: '2026-12-02T15:04:05Z', tender: 'cash',
 *   ageVerification: 'scanned-id', lines: [{ productId: '028200003843', quantity: 1, unitPriceCents: 899, kind: 'void' }] },
 *   { id: 'loc', timeZone: 'America/Chicago' }) // lines[0].quantity === -1, localDate '2026-12-02', localTime '09:04:05'
 */
export function posSaleLines(input: PosSaleInput, location: { id: string; timeZone: string }): PosSaleResult {
  const fail = (field: string, message: string): PosSaleResult => ({ ok: false, field, message: `${field} ${message}` });
  const at = new Date(input.soldAt);
  if (Number.isNaN(at.getTime())) return fail('soldAt', 'is not an ISO 8601 date-time');
  if (!TENDERS.includes(input.tender)) return fail('tender', `must be one of ${TENDERS.join(', ')}`);
  if (!AGE_VERIFICATIONS.includes(input.ageVerification)) return fail('ageVerification', `must be one of ${AGE_VERIFICATIONS.join(', ')}`);
  if (input.lines.length === 0) return fail('lines', 'must have at least one line');
  const local = localTimeAt(at, location.timeZone);
  const soldAt = at.toISOString();
  const localTime = `${local.time}:${String(at.getUTCSeconds()).padStart(2, '0')}`;
  const lines: RecordedLine[] = [];
  let totalCents = 0;
  for (const [i, l] of input.lines.entries()) {
    const at = (f: string) => `lines[${i}].${f}`;
    const upc = normalizeUpc(l.productId);
    if (!upc.ok) return fail(at('productId'), upc.reason);
    const kind = l.kind ?? 'sale';
    if (!POS_LINE_KINDS.includes(kind)) return fail(at('kind'), `must be one of ${POS_LINE_KINDS.join(', ')}`);
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1) return fail(at('quantity'), 'must be a whole number of units, at least 1');
    if (!Number.isSafeInteger(l.unitPriceCents) || l.unitPriceCents < 0) return fail(at('unitPriceCents'), 'must be whole minor units, at least 0');
    if (l.quantity * l.unitPriceCents > MAX_AMOUNT_MINOR) return fail(at('quantity'), `times unitPriceCents exceeds ${MAX_AMOUNT_MINOR}`);
    const category = l.category ?? null;
    if (category !== null && !TOBACCO_CATEGORIES.includes(category)) return fail(at('category'), `must be one of ${TOBACCO_CATEGORIES.join(', ')}`);
    const quantity = kind === 'sale' ? l.quantity : -l.quantity;
    totalCents += quantity * l.unitPriceCents;
    lines.push({
      kind,
      locationId: location.id,
      registerId: input.registerId,
      transactionId: input.transactionId,
      lineNumber: i + 1,
      soldAt,
      localDate: local.date,
      localTime,
      upc: upc.upc,
      description: (l.description ?? '').trim(),
      unitOfMeasure: (l.unitOfMeasure ?? 'EACH').trim().toUpperCase() || 'EACH',
      quantity,
      unitPriceCents: l.unitPriceCents,
      tender: input.tender,
      loyaltyId: input.loyaltyId?.trim() || null,
      ageVerification: input.ageVerification,
      category,
      manufacturerName: l.manufacturerName ?? null,
      sku: l.sku ?? null,
      consumerUnits: l.consumerUnits ?? 1,
    });
  }
  return { ok: true, soldAt, lines, totalCents };
}

/**
 * The canonical text of a recorded transaction: the same for a retry of the same basket however
 * its JSON was spelled (key order, a UPC-A vs its EAN-13 form), different when anything recorded differs.
 */
export function canonicalSale(lines: readonly RecordedLine[]): string {
  return JSON.stringify(
    lines.map((l) => [
      l.registerId,
      l.transactionId,
      l.lineNumber,
      l.kind,
      l.soldAt,
      l.upc,
      l.description,
      l.unitOfMeasure,
      l.quantity,
      l.unitPriceCents,
      l.tender,
      l.loyaltyId,
      l.ageVerification,
      l.category,
      l.manufacturerName ?? null,
      l.sku ?? null,
      l.consumerUnits ?? 1,
    ]),
  );
}
