import { describe, expect, it } from 'vitest';
import { demoOwner } from '../support/admin.ts';
import { demoHarness } from '../support/dialect-bodies.ts';
import { ENGINES } from '../support/engines.ts';
import { FARHAN } from '../support/fixtures.ts';
import { expectShape, fill, WINREST_EXAMPLES } from './seed-examples.ts';

/**
 * A Winrest POS replaying `loyalty-api-v1-winrest.txt` in the order a new integrator would: the
 * identify example as written (it sends `supportingPos: "Partner"`), then the transaction examples
 * as written (no supportingPos) with `$incentivePlu` taken from identify's answer — validate,
 * update PENDING, update CLAIMED, void. The API key is Winrest's, so Winrest's PLU configs apply.
 */
describe.each(ENGINES)('Winrest seed replay, identify then every transaction example, on %s', (engine) => {
  const h = demoHarness(engine);
  const START = 14464;

  const cases = [
    { incentive: 'rwd-small-fries', kind: 'REWARD', plu: '1201', price: '300', cost: 250, posTxn: '000000000257' },
    { incentive: 'ofr-free-cookie', kind: 'OFFER', plu: '1401', price: undefined, cost: 0, posTxn: '000000000357' },
  ] as const;

  it.each(cases)('pre-selected $incentive: identify answers Winrest PLU $plu and every later call accepts it', async (c) => {
    const before = await h.balanceOf(FARHAN);
    expect(before).toBe(START);
    const { code } = await h.loyalty.createCode(h.programId, FARHAN, [c.incentive]);
    const identify = await h.call(
      'POST',
      '/loyalty/identify',
      fill(WINREST_EXAMPLES.identify.request, { '123456': code, 'Winrest or Tillster': 'Winrest', '000000000257': c.posTxn }),
      'winrest',
    );
    expect(identify.statusCode, identify.body).toBe(200);
    const answer = identify.json();
    expectShape(
      answer,
      c.kind === 'REWARD' ? WINREST_EXAMPLES.identify.response : WINREST_EXAMPLES.identifyReference.response,
      '$',
      c.kind === 'OFFER' ? { '$.order[0].price': 'price is only returned for rewards' } : {},
    );
    expect(answer.order).toEqual([
      expect.objectContaining({
        productId: c.plu,
        incentiveId: c.incentive,
        quantity: '1',
        referenceId: '00',
        productType: c.kind,
        ...(c.price ? { price: c.price } : {}),
      }),
    ]);
    if (!c.price) expect(answer.order[0]).not.toHaveProperty('price');
    const txn = answer.transactionId as string;

    const sale = (status: 'PENDING' | 'CLAIMED') => ({
      ...fill(WINREST_EXAMPLES.validate.request, {
        $incentivePlu: answer.order[0].productId,
        $plu: '3001',
        'CASH or CARD': 'CASH',
        'POS/Kiosk vendor name': 'Winrest',
        '000000000257': c.posTxn,
      }),
      status,
    });

    const validate = await h.call('POST', `/loyalty/transaction/pos/validate/${txn}`, sale('CLAIMED'), 'winrest');
    expect(validate.statusCode, validate.body).toBe(200);
    expectShape(validate.json(), WINREST_EXAMPLES.validate.response);
    expect(validate.json()).toMatchObject({ pointsRedeemed: c.cost, loyaltyId: FARHAN, transactionId: txn });

    const pending = await h.call('PUT', `/loyalty/transaction/pos/${txn}`, sale('PENDING'), 'winrest');
    expect(pending.statusCode, pending.body).toBe(200);
    expectShape(pending.json(), WINREST_EXAMPLES.update.response);
    expect(await h.balanceOf(FARHAN)).toBe(START);

    const claimed = await h.call('PUT', `/loyalty/transaction/pos/${txn}`, sale('CLAIMED'), 'winrest');
    expect(claimed.statusCode, claimed.body).toBe(200);
    expectShape(claimed.json(), WINREST_EXAMPLES.update.response);
    expect(claimed.json()).toMatchObject({ points: START - c.cost, pointsRedeemed: c.cost, loyaltyId: FARHAN, transactionId: txn });
    expect(await h.balanceOf(FARHAN)).toBe(START - c.cost);
    const redeemed = await h.db.kysely.selectFrom('redemptions').select(['incentive_id', 'kind']).where('transaction_id', '=', txn).execute();
    expect(redeemed).toEqual([{ incentive_id: c.incentive, kind: c.kind }]);

    const voided = await h.call('PUT', `/loyalty/transaction/pos/${txn}/void`, sale('CLAIMED'), 'winrest');
    expect(voided.statusCode, voided.body).toBe(200);
    expectShape(voided.json(), WINREST_EXAMPLES.void.response);
    expect(voided.json()).toEqual({ transactionId: txn });
    expect(await h.balanceOf(FARHAN)).toBe(START);
  });

  it("a reward line carrying another vendor's PLU of the program resolves when only one incentive has it", async () => {
    const { code } = await h.loyalty.createCode(h.programId, FARHAN, ['rwd-whopper']);
    const identify = await h.call(
      'POST',
      '/loyalty/identify',
      fill(WINREST_EXAMPLES.identify.request, { '123456': code, 'Winrest or Tillster': 'Winrest', '000000000257': 'X-PLU-1' }),
      'winrest',
    );
    expect(identify.statusCode).toBe(200);
    const txn = identify.json().transactionId as string;
    // 900102 is the Free Whopper's Partner/NCR/Tillster PLU; Winrest's is 1001.
    const body = fill(WINREST_EXAMPLES.validate.request, {
      $incentivePlu: '900102',
      $plu: '3001',
      'CASH or CARD': 'CASH',
      'POS/Kiosk vendor name': 'Winrest',
      '000000000257': 'X-PLU-1',
    });
    body.transactionDetails.order[0].productType = 'reward';
    const res = await h.call('POST', `/loyalty/transaction/pos/validate/${txn}`, body, 'winrest');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ pointsRedeemed: 700 });
  });

  describe('the generic 100% discount PLU', () => {
    const DISCOUNT_PLU = '990001';
    // Small fries rung as the item (Winrest PLU 1201, at its 3.00 price), then the discount PLU.
    const friesSale = (posTxn: string, discountLine: Record<string, unknown>) => ({
      channel: 'Restaurant',
      created: '2021-05-04T13:39:47Z',
      serviceMode: 'Eatin',
      status: 'CLAIMED',
      transactionDetails: {
        currency: 'USD',
        order: [
          { name: 'whopper', price: 6.49, productId: '3001', productType: 'item', quantity: 1, referenceId: '1', tax: 0 },
          { name: 'small fries', price: 3.0, productId: '1201', productType: 'item', quantity: 1, referenceId: '2', tax: 0 },
          { name: 'discount 100%', price: 3.0, productId: DISCOUNT_PLU, quantity: 1, referenceId: '3', tax: 0, productType: 'item', ...discountLine },
        ],
        payments: [{ amount: 649, type: 'CASH' }],
        posVendor: { operator: '300', posType: 'Winrest', storeId: '9999', terminal: '0', transactionId: posTxn },
      },
    });

    it('is configured per program and vendor through the admin API, none by default', async () => {
      const owner = await demoOwner(h.app);
      const program = await owner.call('GET', `/programs/${h.programId}`);
      expect(program.status).toBe(200);
      expect(program.body.posSettings).toEqual({});
      const bad = await owner.call('PATCH', `/programs/${h.programId}`, { posSettings: { winrest: { genericDiscountPlus: [''] } } });
      expect(bad.status).toBe(400);
      const ok = await owner.call('PATCH', `/programs/${h.programId}`, { posSettings: { winrest: { genericDiscountPlus: [DISCOUNT_PLU] } } });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body.posSettings).toEqual({ winrest: { genericDiscountPlus: [DISCOUNT_PLU] } });
    });

    it('an item line followed by the discount PLU redeems the reward whose Winrest PLU the item carries, earning nothing on it', async () => {
      const { code } = await h.loyalty.createCode(h.programId, FARHAN, []);
      const identify = await h.call(
        'POST',
        '/loyalty/identify',
        fill(WINREST_EXAMPLES.identify.request, { '123456': code, 'Winrest or Tillster': 'Winrest', '000000000257': 'GD-1' }),
        'winrest',
      );
      const txn = identify.json().transactionId as string;
      const before = await h.balanceOf(FARHAN);
      const res = await h.call('PUT', `/loyalty/transaction/pos/${txn}`, friesSale('GD-1', {}), 'winrest');
      expect(res.statusCode, res.body).toBe(200);
      // 6.49 of eligible spend at 10 points per dollar; the fries are free and earn nothing.
      expect(res.json()).toMatchObject({ pointsRedeemed: 250, pointsEarned: 64, points: before - 250 + 64 });
      const redeemed = await h.db.kysely.selectFrom('redemptions').select(['incentive_id']).where('transaction_id', '=', txn).execute();
      expect(redeemed).toEqual([{ incentive_id: 'rwd-small-fries' }]);
    });

    it('a discount line pointing at its item with parentReferenceId, sent as a reward line, redeems it too', async () => {
      const { code } = await h.loyalty.createCode(h.programId, FARHAN, []);
      const identify = await h.call(
        'POST',
        '/loyalty/identify',
        fill(WINREST_EXAMPLES.identify.request, { '123456': code, 'Winrest or Tillster': 'Winrest', '000000000257': 'GD-2' }),
        'winrest',
      );
      const txn = identify.json().transactionId as string;
      const res = await h.call(
        'POST',
        `/loyalty/transaction/pos/validate/${txn}`,
        friesSale('GD-2', { productType: 'reward', parentReferenceId: '2', price: 0 }),
        'winrest',
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ pointsRedeemed: 250, pointsEarned: 64 });
    });
  });
});
