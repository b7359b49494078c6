import { describe, expect, it } from 'vitest';
import { demoHarness } from '../support/dialect-bodies.ts';
import { ENGINES } from '../support/engines.ts';
import { BEN, FARHAN } from '../support/fixtures.ts';
import { expectShape, fill, ISO_TIME, RECEIPT_CODE, UUID, WINREST_EXAMPLES } from './seed-examples.ts';

/**
 * Conformance with `loyalty-api-v1-winrest.txt` (the Loyalty API v1 endpoint reference and the
 * Winrest page): each example request, placeholders filled with demo data, is sent to the app; the
 * answer must have the example answer's shape, field by field, and mean what the page says.
 */
describe.each(ENGINES)('Winrest examples of the Loyalty API v1 document, on %s', (engine) => {
  const h = demoHarness(engine);
  const START = 14464;
  // Winrest PLUs from the demo's Winrest vendor configs: a free cookie (offer) and small fries (reward, price 3.00).
  const COOKIE_PLU = '1401';
  const FRIES = { id: 'rwd-small-fries', winrestPlu: '1201', partnerPlu: '900101', cost: 250, price: '300' };
  const sale = (values: Record<string, unknown>) =>
    fill(WINREST_EXAMPLES.validate.request, { $incentivePlu: COOKIE_PLU, $plu: '3001', 'CASH or CARD': 'CASH', 'POS/Kiosk vendor name': 'Winrest', ...values });
  let txn = '';

  const identifyFor = async (guest: string, posTxn: string) =>
    (
      await h.call(
        'POST',
        '/loyalty/identify',
        { identifier: guest, posVendor: { operator: '300', posType: 'Winrest', storeId: '9999', terminal: '0', transactionId: posTxn } },
        'winrest',
      )
    ).json().transactionId as string;

  it('Identify (Winrest page): the reward line carries its price as minor-unit text', async () => {
    const { code } = await h.loyalty.createCode(h.programId, FARHAN, [FRIES.id]);
    const res = await h.call(
      'POST',
      '/loyalty/identify',
      fill(WINREST_EXAMPLES.identify.request, { '123456': code, 'Winrest or Tillster': 'Winrest' }),
      'winrest',
    );
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expectShape(answer, WINREST_EXAMPLES.identify.response);
    expect(answer.balances).toEqual([{ amount: START - FRIES.cost, currency: 'points' }]);
    expect(answer.loyaltyUser).toEqual({ created: expect.stringMatching(ISO_TIME), id: FARHAN, name: 'Farhan' });
    // The key is Winrest's, so Winrest's PLU config answers, whatever supportingPos names.
    expect(answer.order).toEqual([
      {
        name: 'Free Small Fries',
        productId: FRIES.winrestPlu,
        incentiveId: FRIES.id,
        quantity: '1',
        referenceId: '00',
        productType: 'REWARD',
        price: FRIES.price,
      },
    ]);
    expect(answer.transactionId).toMatch(UUID);
  });

  it.each([
    // The seed's types for every posType: quantity "1", and price on reward lines ("0" when the
    // vendor's config sets no price). Each key's vendor decides the PLU config.
    ['Tillster', 'tillster', FRIES.partnerPlu, '0'],
    ['Winrest', 'winrest', FRIES.winrestPlu, FRIES.price],
  ] as const)('Identify (endpoint reference) with posType %s and supportingPos Partner', async (posType, vendor, plu, price) => {
    const { code } = await h.loyalty.createCode(h.programId, FARHAN, [FRIES.id]);
    const request = fill(WINREST_EXAMPLES.identifyReference.request, { '123456': code, 'Winrest or Tillster': posType, '000000000257': `REF-${posType}` });
    const res = await h.call('POST', '/loyalty/identify', request, vendor);
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expectShape(answer, WINREST_EXAMPLES.identifyReference.response);
    expect(answer.order).toEqual([
      expect.objectContaining({ productId: plu, incentiveId: FRIES.id, quantity: '1', referenceId: '00', productType: 'REWARD', price }),
    ]);
  });

  it('Validate: a dry run that answers the points preview and changes nothing', async () => {
    txn = await identifyFor(FARHAN, '000000000257');
    const res = await h.call('POST', `/loyalty/transaction/pos/validate/${txn}`, sale({}), 'winrest');
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expectShape(answer, WINREST_EXAMPLES.validate.response);
    // The 5.00 offer line is a loyalty discount on the 5.00 combo: no eligible spend is left.
    expect(answer).toMatchObject({ points: START, pointsEarned: 0, pointsRedeemed: 0, loyaltyId: FARHAN, transactionId: txn });
    expect(await h.balanceOf(FARHAN)).toBe(START);
    expect((await h.db.kysely.selectFrom('loyalty_transactions').select('status').where('id', '=', txn).executeTakeFirstOrThrow()).status).toBe('OPEN');
  });

  it('Validate, error example: the RulesError envelope with one entry per failed rule', async () => {
    const bens = await identifyFor(BEN, '000000000258');
    // The same request with the incentive line a reward Ben (0 points) cannot afford.
    const body = sale({ $incentivePlu: FRIES.winrestPlu, '000000000257': '000000000258' });
    body.transactionDetails.order[0]!.productType = 'reward';
    const res = await h.call('POST', `/loyalty/transaction/pos/validate/${bens}`, body, 'winrest');
    expect(res.statusCode).toBe(400);
    const answer = res.json();
    expectShape(answer, WINREST_EXAMPLES.validate.error);
    expect(answer).toMatchObject({ code: 'RulesError', statusCode: 400, message: 'Rule evaluation failed' });
    // As the seed: the rules engine refused (isEngineError), and errorConfig describes the refused
    // call — no timeout, its method and URL, its body redacted.
    expect(answer.details.isEngineError).toBe(true);
    expect(answer.details.errorConfig).toEqual({
      timeout: 0,
      method: 'post',
      data: '__REDACTED__',
      url: expect.stringMatching(new RegExp(`^https?://[^/]+/loyalty/transaction/pos/validate/${bens}$`)),
    });
    expect(answer.details.ruleEvaluation).toEqual([
      {
        code: 'insufficient-point-balance',
        currentValue: 0,
        message: 'User does not have sufficient funds to redeem reward',
        ruleId: 'point-balance',
        targetValue: FRIES.cost,
        incentiveId: FRIES.id,
      },
    ]);
  });

  it('Update: claims the sale, consuming the offer and earning nothing on the fully discounted combo', async () => {
    const res = await h.call('PUT', `/loyalty/transaction/pos/${txn}`, sale({ 'CASH or CARD': 'CARD' }), 'winrest');
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expectShape(answer, WINREST_EXAMPLES.update.response);
    expect(answer).toMatchObject({ points: START, pointsEarned: 0, pointsRedeemed: 0, loyaltyId: FARHAN, transactionId: txn });
    expect(await h.balanceOf(FARHAN)).toBe(answer.points);
    const consumed = await h.db.kysely.selectFrom('redemptions').select(['incentive_id', 'kind']).where('transaction_id', '=', txn).execute();
    expect(consumed).toEqual([{ incentive_id: 'ofr-free-cookie', kind: 'OFFER' }]);
  });

  it('Unclaimed: stores the sale without a guest and answers the receipt presentation', async () => {
    const res = await h.call('POST', '/loyalty/transaction/pos', sale({ '000000000257': '000000000259' }), 'winrest');
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expectShape(answer, WINREST_EXAMPLES.unclaimed.response);
    expect(answer.transactionId).toMatch(UUID);
    expect(answer.receiptCode).toMatch(RECEIPT_CODE);
    expect(answer.presentation).toMatchObject({
      header: 'Royal Perks',
      identifier: `Transaction ID: ${answer.transactionId}`,
      marketing: expect.any(String),
      footer: expect.any(String),
    });
  });

  it('Void: reverses the claimed sale and answers its transactionId', async () => {
    const res = await h.call('PUT', `/loyalty/transaction/pos/${txn}/void`, sale({}), 'winrest');
    expect(res.statusCode).toBe(200);
    expectShape(res.json(), WINREST_EXAMPLES.void.response);
    expect(res.json()).toEqual({ transactionId: txn });
    expect(await h.balanceOf(FARHAN)).toBe(START);
    const voided = await h.db.kysely.selectFrom('redemptions').select('voided_at').where('transaction_id', '=', txn).executeTakeFirstOrThrow();
    expect(voided.voided_at).not.toBeNull();
  });
});
