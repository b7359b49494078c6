import { expect } from 'vitest';

/**
 * Every example request and answer of the two vendor source documents, untangled:
 * `../shared/seeds/loyalty-api-v1-ncr.txt` and `../shared/seeds/loyalty-api-v1-winrest.txt` (a page
 * diff of the Loyalty API v1 endpoint reference against the Winrest page). Values are copied as the
 * documents write them; `$name` placeholders and "A or B" alternatives are filled in by `fill`.
 * Where a document's JSON is broken (comments, trailing commas, `"parentReferenceId"?:` for an
 * optional field) the intent is kept.
 */

// ---- NCR ------------------------------------------------------------------------------------------

const ncrPosVendor = {
  matchingId: '$smgCode',
  operator: '$operatorId',
  posType: '$posVendorName',
  storeId: '$rbiStoreId',
  terminal: '$terminalNumber',
  transactionId: '$posTransactionId',
};

const ncrPayments = [
  { amount: 500, type: 'CREDIT', ccToken: '$panToken' },
  { amount: 400, type: 'CASH' },
  { amount: 1000, type: 'SUBTOTAL' },
  { amount: 300, type: 'DISCOUNTS' },
  { amount: 200, type: 'TAXES' },
];

const ncrOrder = [
  { name: 'some incentive name', price: 0, productId: '$benefitPlu', productType: 'item', quantity: 1, referenceId: '1', tax: 0 },
  { name: 'med fries', price: 0, productId: '$plu', productType: 'item', quantity: 1, referenceId: '2', tax: 0 },
];

const ncrUpdateAnswer = {
  eligibleDiscounts: [
    {
      details: { displayName: 'some display name', type: 'REWARD or OFFER' },
      orderReferenceId: '1', // the referenceId of the request's order entry
      productId: '$benefitPlu',
      referenceId: '$loyaltyIncentiveId',
    },
  ],
  points: 102220,
  pointsEarned: 5000,
  pointsRedeemed: 0,
  loyaltyId: '$loyaltyUserId',
  presentation: {
    footer: 'Crowns expire 180 days from last purchase. At participating U.S. restaurants. Terms at bk.com/rewards-terms',
    header: 'Royal Perks',
    identifier: 'Transaction ID: $loyaltyTransactionId',
    pointsEarned: 'Earned: 5000',
    totalPoints: 'Balance: 102220',
  },
  receiptCode: 'J25QL1WAH5KJ7P75',
  transactionId: '$loyaltyTransactionId',
};

export const NCR_EXAMPLES = {
  identify: {
    request: { identifier: '$digitCode or $loyaltyId', posVendor: ncrPosVendor },
    response: {
      balances: [{ amount: 14464, currency: 'points' }],
      eligibleDiscounts: [{ details: { displayName: 'some display name', type: 'REWARD or OFFER' }, productId: '$benefitPlu', referenceId: '$loyaltyIncentiveId' }],
      loyaltyUser: { created: '2021-08-10T12:18:39.180Z', id: '$loyaltyUserId', name: '$loyaltyUserName' },
      order: [{ name: 'Whopper', productId: '$incentivePlu', referenceId: '00' }],
      transactionId: '$loyaltyTransactionId',
    },
  },
  pending: {
    request: {
      channel: 'Restaurant',
      created: '2021-05-04T13:39:47Z',
      loyaltyId: '$loyaltyUserId',
      serviceMode: '$serivceMode',
      status: 'PENDING',
      transactionDetails: {
        currency: 'USD',
        appliedDiscounts: [{ details: { displayName: 'some display name' }, orderReferenceId: '1', productId: '$benefitPlu', referenceId: '' }],
        order: ncrOrder,
        payments: ncrPayments,
        posVendor: ncrPosVendor,
      },
      transactionId: '$loyaltyTransactionId',
    },
    response: ncrUpdateAnswer,
  },
  claimed: {
    request: {
      channel: 'Restaurant',
      created: '2021-05-04T13:39:47Z',
      loyaltyId: '$loyaltyUserId',
      serviceMode: '$serviceMode',
      status: 'CLAIMED',
      transactionDetails: {
        currency: 'USD',
        appliedDiscounts: [{ details: { displayName: 'some display name' }, orderReferenceId: '1', productId: '$benefitPlu', referenceId: '$loyaltyIncentiveId' }],
        order: ncrOrder,
        payments: ncrPayments,
        posVendor: ncrPosVendor,
      },
      transactionId: '$loyaltyTransactionId',
    },
    response: ncrUpdateAnswer,
  },
};

// ---- Winrest and the endpoint reference ------------------------------------------------------------

const identifyRequest = {
  identifier: '123456',
  posVendor: { operator: '300', posType: 'Winrest or Tillster', supportingPos: 'Partner', storeId: '9999', terminal: '0', transactionId: '000000000257' },
};

const identifyAnswer = (price: string) => ({
  balances: [{ amount: 14464, currency: 'points' }],
  loyaltyUser: { created: '2021-08-10T12:18:39.180Z', id: '4711fc2a-3a8f-414f-a9e7-44dd5231dca7', name: 'Farhan' },
  order: [{ productId: '$incentivePlu', incentiveId: 'sanity id of reward or offer', quantity: '1', referenceId: '00', productType: 'REWARD or OFFER', price }],
  transactionId: 'f4190848-169d-4c69-9f53-f916318c432b',
});

/** The body every Winrest transaction example shows (validate, update, unclaimed and void alike). */
const winrestSale = {
  channel: 'Restaurant',
  created: '2021-05-04T13:39:47Z',
  serviceMode: 'Eatin',
  status: 'CLAIMED',
  transactionDetails: {
    currency: 'USD',
    order: [
      { name: 'some incentive name', price: 5.0, productId: '$incentivePlu', productType: 'offer', quantity: 1, referenceId: '1', tax: 0 },
      { name: 'med whopper combo', price: 5.0, productId: '$plu', productType: 'combo', quantity: 1, referenceId: '1', tax: 0 },
      { name: 'whopper', parentReferenceId: '1', price: 0, productId: '$plu', productType: 'item', quantity: 1, referenceId: '2', tax: 0 },
      { name: 'med fries', parentReferenceId: '1', price: 0, productId: '$plu', productType: 'item', quantity: 1, referenceId: '3', tax: 0 },
    ],
    payments: [{ amount: 500, type: 'CASH or CARD', ccToken: 'optional PAN token' }],
    posVendor: { operator: '300', posType: 'POS/Kiosk vendor name', storeId: '9999', terminal: '0', transactionId: '000000000257' },
  },
};

export const WINREST_EXAMPLES = {
  /** Endpoint reference: "price" field only returned back for rewards. */
  identifyReference: { request: identifyRequest, response: identifyAnswer('0') },
  /** Winrest page: "the price of the reward will be returned if a reward with price is pre-selected". */
  identify: { request: identifyRequest, response: identifyAnswer('300') },
  validate: {
    request: winrestSale,
    response: { points: 14464, pointsEarned: 50, pointsRedeemed: 750, loyaltyId: '4711fc2a-3a8f-414f-a9e7-44dd5231dca7', transactionId: '07e5c312-9e8e-4e67-8980-f42fc499a142' },
    error: {
      code: 'RulesError',
      details: {
        ruleEvaluation: [{ code: 'insufficient-point-balance', currentValue: 0, message: 'User does not have sufficient funds to redeem reward', ruleId: 'point-balance', targetValue: 250 }],
        isEngineError: true,
      },
      message: 'Rule evaluation failed',
    },
  },
  update: {
    request: winrestSale,
    response: { points: 14464, pointsEarned: 50, pointsRedeemed: 750, loyaltyId: '$loyaltyUserId', transactionId: '$transactionId' },
  },
  unclaimed: {
    request: winrestSale,
    response: {
      presentation: { footer: 'receipt footer', header: 'receipt header', marketing: 'receipt marketing promo', identifier: 'Transaction ID: $transactionId' },
      transactionId: '$transactionId',
    },
  },
  void: { request: winrestSale, response: { transactionId: '$transactionId' } },
};

// ---- helpers -------------------------------------------------------------------------------------

/**
 * Deep copy of an example with placeholders filled: a string equal to a key of `values` becomes its
 * value (any type); `$name` tokens inside longer strings are replaced by the text of their value.
 */
export function fill<T>(example: T, values: Record<string, unknown>): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (Object.prototype.hasOwnProperty.call(values, v)) return values[v];
      return v.replace(/\$[A-Za-z]+/g, (token) => (Object.prototype.hasOwnProperty.call(values, token) ? String(values[token]) : token));
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(example) as T;
}

/**
 * The answer has every field of the example answer, recursively, with the same JSON type (an
 * integer where the example has one); arrays are compared element by element against the
 * example's first element. `loose` lists paths whose type may differ, each with why.
 */
export function expectShape(actual: unknown, example: unknown, path = '$', loose: Record<string, string> = {}): void {
  if (path in loose) return;
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  expect(kind(actual), `${path} is ${kind(example)} in the example`).toBe(kind(example));
  if (Array.isArray(example)) {
    const list = actual as unknown[];
    if (example.length > 0) for (const [i, item] of list.entries()) expectShape(item, example[0], `${path}[${i}]`, loose);
    return;
  }
  if (example && typeof example === 'object') {
    for (const [key, value] of Object.entries(example)) {
      if (`${path}.${key}` in loose) continue;
      expect(actual, `${path} lacks "${key}"`).toHaveProperty([key]);
      expectShape((actual as Record<string, unknown>)[key], value, `${path}.${key}`, loose);
    }
    return;
  }
  if (typeof example === 'number' && Number.isInteger(example)) expect(Number.isInteger(actual), `${path} is an integer in the example`).toBe(true);
}

export const RECEIPT_CODE = /^[0-9A-HJ-NP-Z]{16}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
