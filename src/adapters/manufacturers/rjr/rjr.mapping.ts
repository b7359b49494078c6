import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler, ValueErrorType } from '@sinclair/typebox/compiler';
import { MoneyFormatError, parseMajor } from '../../../domain/money.ts';
import { normalizeUpc } from '../../../domain/promotions/upc.ts';
import type { Promotion, RejectedRecord } from '../../../domain/promotions/promotion.ts';

/**
 * Every R.J. Reynolds Discount API name lives here: paths, headers, query and form parameters and
 * JSON fields. The real API's names are not public; when they are, this module (and the simulator
 * that speaks the same contract) is what changes.
 */

export const RJR = {
  tokenPath: '/oauth2/token',
  promotionsPath: (outletId: string) => `/discount/v1/outlets/${encodeURIComponent(outletId)}/promotions`,
  accountHeader: 'X-Account-Number',
  query: { asOf: 'asOf', page: 'page', pageSize: 'pageSize' },
  form: { grantType: 'grant_type', clientId: 'client_id', clientSecret: 'client_secret' },
  grantType: 'client_credentials',
} as const;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_ID = 64;
const MAX_TEXT = 200;
const MAX_AMOUNT_CENTS = 10_000;
const MAX_UPCS = 500;

const nullable = <T extends TSchema>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

/** The feed's fields, one schema each: the record schema below and the per-field checks share them. */
const FIELD = {
  promotionId: Type.String({ minLength: 1, maxLength: MAX_ID }),
  promotionType: Type.Union([Type.Literal('BUYDOWN'), Type.Literal('MIX_AND_MATCH')]),
  status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('CANCELLED')]),
  /** trimmed before the check */
  text: Type.String({ minLength: 1, maxLength: MAX_TEXT }),
  upcs: Type.Array(Type.String(), { minItems: 1, maxItems: MAX_UPCS }),
  quantity: Type.Integer({ minimum: 1, maximum: 99 }),
  maxPerTransaction: Type.Integer({ minimum: 1, maximum: 999 }),
};

/** A record of the promotions feed, as the API sends it. */
export const RjrPromotionRecordSchema = Type.Object({
  promotionId: FIELD.promotionId,
  promotionType: FIELD.promotionType,
  description: FIELD.text,
  brand: nullable(FIELD.text),
  upcs: FIELD.upcs,
  startDate: Type.String({ pattern: DATE.source }),
  endDate: Type.String({ pattern: DATE.source }),
  /** dollars, as a string: "0.50" */
  discountAmount: Type.String(),
  /** units to buy, MIX_AND_MATCH only */
  quantity: nullable(FIELD.quantity),
  maxPerTransaction: nullable(FIELD.maxPerTransaction),
  status: FIELD.status,
  lastModified: nullable(Type.String()),
});
export type RjrPromotionRecord = Static<typeof RjrPromotionRecordSchema>;

/** What the client reads of a promotions page (`pageSize` is sent back but not needed). */
const PageSchema = Type.Object({
  page: Type.Integer({ minimum: 1 }),
  totalPages: Type.Integer({ minimum: 0 }),
  promotions: Type.Array(Type.Unknown()),
});
export type RjrPromotionsPage = Static<typeof PageSchema> & { pageSize: number };

export const RjrTokenResponseSchema = Type.Object({
  access_token: Type.String({ minLength: 1 }),
  /** Bearer in any case; absent is read as Bearer */
  token_type: Type.Optional(Type.Unknown()),
  /** seconds; a string of digits is accepted too */
  expires_in: Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.String({ pattern: '^\\d*[1-9]\\d*$' })]),
});
export interface RjrTokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** An error answer: OAuth style `{ error, error_description }`, or `{ message }`. */
export interface RjrErrorBody {
  error?: string;
  error_description?: string;
  message?: string;
}

/** What the client needs from one page, in Tillpoint's words. */
export interface FeedPage {
  page: number;
  totalPages: number;
  records: unknown[];
}

export type MapResult = { ok: Promotion } | { rejected: RejectedRecord };

/** A calendar date YYYY-MM-DD that exists (no 2026-02-30). */
export function isCalendarDate(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const m = DATE.exec(text);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(mo) ? 30 : 31);
}

class Reject extends Error {}

const compiled = <T extends TSchema>(schema: T) => TypeCompiler.Compile(schema);
const CHECK = {
  object: compiled(Type.Object({})),
  promotionType: compiled(FIELD.promotionType),
  status: compiled(FIELD.status),
  text: compiled(FIELD.text),
  upcs: compiled(Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_UPCS })),
  quantity: compiled(FIELD.quantity),
  maxPerTransaction: compiled(FIELD.maxPerTransaction),
  page: compiled(PageSchema),
  token: compiled(RjrTokenResponseSchema),
};
type Checker = (typeof CHECK)[keyof typeof CHECK];

/** What is wrong with `value` (its first error), or null when it passes. */
function problem(check: Checker, value: unknown): { type: ValueErrorType; path: string } | null {
  if (check.Check(value)) return null;
  const e = check.Errors(value).First();
  return e ? { type: e.type, path: e.path } : { type: ValueErrorType.Kind, path: '' };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return CHECK.object.Check(v);
}

function text(rec: Record<string, unknown>, field: string, opts: { optional?: boolean } = {}): string | null {
  const v = rec[field];
  if (v === undefined || v === null) {
    if (opts.optional) return null;
    throw new Reject(`${field} is missing`);
  }
  const t = typeof v === 'string' ? v.trim() : v;
  switch (problem(CHECK.text, t)?.type) {
    case undefined:
      return t as string;
    case ValueErrorType.StringMinLength:
      if (opts.optional) return null;
      throw new Reject(`${field} is empty`);
    case ValueErrorType.StringMaxLength:
      throw new Reject(`${field} is longer than ${MAX_TEXT} characters`);
    default:
      throw new Reject(`${field} must be a string`);
  }
}

function positiveInt(rec: Record<string, unknown>, field: 'quantity' | 'maxPerTransaction'): number | null {
  const v = rec[field];
  if (v === undefined || v === null) return null;
  const check = CHECK[field];
  switch (problem(check, v)?.type) {
    case undefined:
      return v as number;
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.IntegerMaximum:
      throw new Reject(`${field} must be between 1 and ${FIELD[field].maximum}, got ${String(v)}`);
    default:
      throw new Reject(`${field} must be a whole number`);
  }
}

function readUpcs(v: unknown): string[] {
  switch (problem(CHECK.upcs, v)?.type) {
    case undefined:
      break;
    case ValueErrorType.ArrayMinItems:
      throw new Reject('upcs is empty');
    case ValueErrorType.ArrayMaxItems:
      throw new Reject(`upcs has more than ${MAX_UPCS} codes`);
    default:
      throw new Reject('upcs must be a list');
  }
  const out = new Set<string>();
  (v as unknown[]).forEach((code, i) => {
    const r = normalizeUpc(code);
    if (!r.ok) throw new Reject(`upcs[${i}] ${JSON.stringify(code)} ${r.reason}`);
    out.add(r.upc);
  });
  return [...out].sort();
}

function readAmount(v: unknown): number {
  if (v === undefined || v === null) throw new Reject('discountAmount is missing');
  if (typeof v !== 'string' && typeof v !== 'number') throw new Reject('discountAmount must be a dollar amount like "0.50"');
  let cents: number;
  try {
    cents = parseMajor(v, 2);
  } catch (e) {
    if (e instanceof MoneyFormatError) throw new Reject(`discountAmount ${JSON.stringify(v)} ${e.reason}`);
    throw e;
  }
  if (cents <= 0) throw new Reject(`discountAmount must be more than zero, got ${JSON.stringify(v)}`);
  // A tobacco discount above $100 a unit is a feed error (cents sent as dollars), not a promotion.
  if (cents > MAX_AMOUNT_CENTS) throw new Reject(`discountAmount ${JSON.stringify(v)} is more than $${MAX_AMOUNT_CENTS / 100}`);
  return cents;
}

/**
 * Turns one feed record into a Promotion, or says why not.
 * @example mapRecord({ promotionId: 'P1', promotionType: 'BUYDOWN', discountAmount: '0.50', … })
 *   // { ok: { externalId: 'P1', type: 'buydown', amountCents: 50, quantity: 1, … } }
 */
export function mapRecord(raw: unknown): MapResult {
  const rec = isObject(raw) ? raw : null;
  const id = rec && (typeof rec.promotionId === 'string' || typeof rec.promotionId === 'number') ? String(rec.promotionId).trim() || null : null;
  try {
    if (!rec) throw new Reject('record is not an object');
    if (id === null) throw new Reject('promotionId is missing');
    if (id.length > MAX_ID) throw new Reject(`promotionId is longer than ${MAX_ID} characters`);
    const typeRaw = rec.promotionType;
    if (!CHECK.promotionType.Check(typeRaw)) throw new Reject(`promotionType ${JSON.stringify(typeRaw)} is not BUYDOWN or MIX_AND_MATCH`);
    const statusRaw = rec.status;
    if (!CHECK.status.Check(statusRaw)) throw new Reject(`status ${JSON.stringify(statusRaw)} is not ACTIVE or CANCELLED`);
    const description = text(rec, 'description')!;
    const brand = text(rec, 'brand', { optional: true });
    const upcs = readUpcs(rec.upcs);
    if (!isCalendarDate(rec.startDate)) throw new Reject(`startDate ${JSON.stringify(rec.startDate)} is not a date YYYY-MM-DD`);
    if (!isCalendarDate(rec.endDate)) throw new Reject(`endDate ${JSON.stringify(rec.endDate)} is not a date YYYY-MM-DD`);
    if (rec.endDate < rec.startDate) throw new Reject(`endDate ${rec.endDate} is before startDate ${rec.startDate}`);
    const amountCents = readAmount(rec.discountAmount);
    let quantity: number;
    if (typeRaw === 'MIX_AND_MATCH') {
      const q = positiveInt(rec, 'quantity');
      if (q === null) throw new Reject('quantity is missing for MIX_AND_MATCH');
      if (q < 2) throw new Reject('quantity of a MIX_AND_MATCH must be at least 2');
      quantity = q;
    } else {
      const q = positiveInt(rec, 'quantity');
      if (q !== null && q !== 1) throw new Reject(`quantity of a BUYDOWN must be 1, got ${q}`);
      quantity = 1;
    }
    const maxPerTransaction = positiveInt(rec, 'maxPerTransaction');
    const lastModified = typeof rec.lastModified === 'string' && rec.lastModified.trim() !== '' ? rec.lastModified.trim() : null;
    return {
      ok: {
        manufacturer: 'rjr',
        externalId: id,
        type: typeRaw === 'BUYDOWN' ? 'buydown' : 'multipack',
        description,
        brand,
        upcs,
        startDate: rec.startDate,
        endDate: rec.endDate,
        amountCents,
        quantity,
        maxPerTransaction,
        status: statusRaw === 'ACTIVE' ? 'active' : 'cancelled',
        lastModified,
      },
    };
  } catch (e) {
    if (e instanceof Reject) return { rejected: { externalId: id, reason: e.message, raw } };
    throw e;
  }
}

/** The paths (`/field`) where `value` breaks the schema; empty when it passes. */
function errorPaths(check: Checker, value: unknown): Set<string> {
  return check.Check(value) ? new Set() : new Set([...check.Errors(value)].map((e) => e.path));
}

/** Reads a promotions page; returns the reason when its shape is not the contract's. */
export function readPage(body: unknown): FeedPage | { malformed: string } {
  if (!isObject(body)) return { malformed: 'page is not a JSON object' };
  const bad = errorPaths(CHECK.page, body);
  if (bad.has('/page')) return { malformed: 'page is missing or not a positive whole number' };
  if (bad.has('/totalPages')) return { malformed: 'totalPages is missing or not a whole number' };
  if (bad.size > 0) return { malformed: 'promotions is not a list' };
  const { page, totalPages, promotions } = body as Static<typeof PageSchema>;
  return { page, totalPages, records: promotions };
}

/** Reads a token answer. */
export function readToken(body: unknown): { accessToken: string; expiresInSeconds: number } | { malformed: string } {
  if (!isObject(body)) return { malformed: 'token answer is not a JSON object' };
  const bad = errorPaths(CHECK.token, body);
  if (bad.has('/access_token')) return { malformed: 'token answer has no access_token' };
  if (typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer') return { malformed: `token_type ${body.token_type} is not Bearer` };
  const { access_token, expires_in } = body as Static<typeof RjrTokenResponseSchema>;
  const seconds = Number(expires_in);
  // a string of 400 digits passes the pattern but is no lifetime
  if (bad.size > 0 || !Number.isFinite(seconds)) return { malformed: 'token answer has no positive expires_in' };
  return { accessToken: access_token, expiresInSeconds: seconds };
}

/** The manufacturer's words for an error answer, if it has any. */
export function readErrorReason(body: unknown): string | null {
  if (!isObject(body)) return null;
  const parts = [body.error_description, body.message, body.error].filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  return parts[0]?.slice(0, 300) ?? null;
}

/** The promotions query string. */
export function promotionsQuery(asOf: string, page: number, pageSize: number): string {
  return new URLSearchParams({ [RJR.query.asOf]: asOf, [RJR.query.page]: String(page), [RJR.query.pageSize]: String(pageSize) }).toString();
}
