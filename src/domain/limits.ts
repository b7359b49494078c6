/**
 * The largest amounts Tillpoint accepts. Every product and sum of them stays a safe integer
 * (below 2^53), so money and points are exact in plain numbers end to end: a line is at most
 * MAX_AMOUNT_MINOR × MAX_QUANTITY ≈ 10^15 before it is checked, a sale at most 500 such lines,
 * and points are computed in BigInt (points.ts). The database columns holding them are bigint
 * (migration 0010) and the HTTP schemas carry the same bounds (schemas/common.ts).
 */

/** Units on one order line. */
export const MAX_QUANTITY = 10_000;

/**
 * Minor units (cents) of a unit price, a line (price × quantity), a tax, a payment and a sale's
 * goods subtotal: 999,999,999.99 in a two-digit currency.
 */
export const MAX_AMOUNT_MINOR = 99_999_999_999;

/**
 * Points: a guest's balance, a reward's cost, one adjustment, one ledger entry, the points a sale
 * earns or redeems.
 */
export const MAX_POINTS = 999_999_999_999;

/** One manual adjustment, credit or debit. */
export const MAX_ADJUSTMENT = 10_000_000;

/** Earning rate: points per currency unit × 1000 (1,000 points per $1 at most). */
export const MAX_EARN_RATE_MILLI = 1_000_000;

/** Any other count or number a client sends (days, limits, ids): the range of a 32-bit column. */
export const MAX_INT32 = 2_147_483_647;

/** Nesting of a JSON body: objects and arrays inside each other. */
export const MAX_JSON_DEPTH = 32;
