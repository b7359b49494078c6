import { describe, expect, it } from 'vitest';
import { demoHarness } from '../support/dialect-bodies.ts';
import { ENGINES } from '../support/engines.ts';
import { BEN, FARHAN } from '../support/fixtures.ts';
import { expectShape, fill, ISO_TIME, NCR_EXAMPLES, RECEIPT_CODE, UUID } from './seed-examples.ts';

/**
 * Conformance with `loyalty-api-v1-ncr.txt`: each example request, placeholders filled with demo
 * data, is sent to the app; the answer must have the example answer's shape, field by field, and
 * mean what the document says it means.
 */
describe.each(ENGINES)('NCR examples of the Loyalty API v1 document, on %s', (engine) => {
  const h = demoHarness(engine);

  // Farhan pre-selected a Whopper in the app; the till rings it with NCR's benefit PLU.
  const WHOPPER = { id: 'rwd-whopper', name: 'Free Whopper', benefitPlu: '900102', cost: 700 };
  const START = 14464;
  const pos = {
    $smgCode: 'SMG-0042',
    $operatorId: '12',
    $posVendorName: 'NCR',
    $rbiStoreId: '9999',
    $terminalNumber: '3',
    $posTransactionId: 'POS-1001',
  };
  let txn = '';
  let pendingReceipt = '';

  const updateValues = () => ({
    ...pos,
    $loyaltyUserId: FARHAN,
    $serivceMode: 'TAKEOUT',
    $serviceMode: 'TAKEOUT',
    $benefitPlu: WHOPPER.benefitPlu,
    $plu: '4002',
    $panToken: 'tok_visa_4242',
    $loyaltyTransactionId: txn,
    $loyaltyIncentiveId: WHOPPER.id,
  });

  it('Identify with a digit code: eligibleDiscounts for the pre-selected incentive, without orderReferenceId', async () => {
    const { code } = await h.loyalty.createCode(h.programId, FARHAN, [WHOPPER.id]);
    const res = await h.call('POST', '/loyalty/identify', fill(NCR_EXAMPLES.identify.request, { ...pos, '$digitCode or $loyaltyId': code }));
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expectShape(answer, NCR_EXAMPLES.identify.response);

    expect(answer.balances).toEqual([{ amount: START - WHOPPER.cost, currency: 'points' }]);
    expect(answer.eligibleDiscounts).toEqual([
      { details: { displayName: WHOPPER.name, type: 'REWARD' }, productId: WHOPPER.benefitPlu, referenceId: WHOPPER.id },
    ]);
    expect(answer.eligibleDiscounts[0]).not.toHaveProperty('orderReferenceId');
    expect(answer.loyaltyUser).toEqual({ created: expect.stringMatching(ISO_TIME), id: FARHAN, name: 'Farhan' });
    expect(answer.order).toEqual([expect.objectContaining({ name: WHOPPER.name, productId: WHOPPER.benefitPlu, referenceId: '00' })]);
    expect(answer.transactionId).toMatch(UUID);
    txn = answer.transactionId;
    const row = await h.db.kysely.selectFrom('loyalty_transactions').select(['matching_id', 'pos_type']).where('id', '=', txn).executeTakeFirstOrThrow();
    expect(row).toEqual({ matching_id: 'SMG-0042', pos_type: 'NCR' });
  });

  it('Identify with a loyalty id: the same shape, nothing pre-selected', async () => {
    const res = await h.call(
      'POST',
      '/loyalty/identify',
      fill(NCR_EXAMPLES.identify.request, { ...pos, $posTransactionId: 'POS-1002', '$digitCode or $loyaltyId': FARHAN }),
    );
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expectShape(answer, NCR_EXAMPLES.identify.response);
    expect(answer).toMatchObject({ balances: [{ amount: START, currency: 'points' }], eligibleDiscounts: [], order: [], loyaltyUser: { id: FARHAN } });
  });

  it('Update (Pending): eligibleDiscounts point at the order entry carrying the benefit PLU; blank referenceIds are fine', async () => {
    const res = await h.call('PUT', `/loyalty/transaction/pos/${txn}`, fill(NCR_EXAMPLES.pending.request, updateValues()));
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expectShape(answer, NCR_EXAMPLES.pending.response);

    expect(answer.eligibleDiscounts).toEqual([
      { details: { displayName: WHOPPER.name, type: 'REWARD' }, orderReferenceId: '1', productId: WHOPPER.benefitPlu, referenceId: WHOPPER.id },
    ]);
    // PENDING previews the claim (every line is priced 0 here, so nothing to earn); the balance
    // shown is net of the held reward, and nothing moves until CLAIMED.
    expect(answer).toMatchObject({ points: START - WHOPPER.cost, pointsEarned: 0, pointsRedeemed: WHOPPER.cost, loyaltyId: FARHAN, transactionId: txn });
    expect(answer.presentation).toMatchObject({
      header: 'Royal Perks',
      identifier: `Transaction ID: ${txn}`,
      pointsEarned: `Earned: ${answer.pointsEarned}`,
      totalPoints: `Balance: ${answer.points}`,
      footer: expect.stringContaining('Crowns expire 180 days from last purchase'),
    });
    expect(answer.receiptCode).toMatch(RECEIPT_CODE);
    pendingReceipt = answer.receiptCode;
    expect(await h.balanceOf(FARHAN)).toBe(START);
  });

  it('Update (Claimed): keeps the incentive NCR stamped, redeems it, and answers presentation and receiptCode', async () => {
    const body = fill(NCR_EXAMPLES.claimed.request, updateValues());
    const res = await h.call('PUT', `/loyalty/transaction/pos/${txn}`, body);
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expectShape(answer, NCR_EXAMPLES.claimed.response);

    expect(answer.eligibleDiscounts).toEqual([
      { details: { displayName: WHOPPER.name, type: 'REWARD' }, orderReferenceId: '1', productId: WHOPPER.benefitPlu, referenceId: WHOPPER.id },
    ]);
    // Every line is priced 0 in the example, so nothing is earned; SUBTOTAL/DISCOUNTS/TAXES are totals, not spend.
    expect(answer).toMatchObject({
      points: START - WHOPPER.cost,
      pointsEarned: 0,
      pointsRedeemed: WHOPPER.cost,
      loyaltyId: FARHAN,
      transactionId: txn,
      receiptCode: pendingReceipt,
    });
    expect(answer.presentation).toMatchObject({
      identifier: `Transaction ID: ${txn}`,
      pointsEarned: 'Earned: 0',
      totalPoints: `Balance: ${START - WHOPPER.cost}`,
    });
    expect(await h.balanceOf(FARHAN)).toBe(START - WHOPPER.cost);
    const redeemed = await h.db.kysely.selectFrom('redemptions').select(['incentive_id', 'points']).where('transaction_id', '=', txn).execute();
    expect(redeemed).toEqual([{ incentive_id: WHOPPER.id, points: WHOPPER.cost }]);

    const again = await h.call('PUT', `/loyalty/transaction/pos/${txn}`, body);
    expect(again.body).toBe(res.body);
    expect(await h.balanceOf(FARHAN)).toBe(START - WHOPPER.cost);
  });

  it('Update (Pending) answers pointsEarned as the seed example does: what the sale would earn; only CLAIMED moves points', async () => {
    const posTxn = 'POS-2001';
    const identify = await h.call(
      'POST',
      '/loyalty/identify',
      fill(NCR_EXAMPLES.identify.request, { ...pos, $posTransactionId: posTxn, '$digitCode or $loyaltyId': FARHAN }),
    );
    const id = identify.json().transactionId as string;
    const values = { ...updateValues(), $posTransactionId: posTxn, $loyaltyTransactionId: id, $benefitPlu: '4001' };
    const pending = fill(NCR_EXAMPLES.pending.request, values);
    pending.transactionDetails.order[1].price = 5.0; // the med fries at 5.00: 50 points at 10 per dollar
    pending.transactionDetails.appliedDiscounts = [];
    const before = await h.balanceOf(FARHAN);
    const res = await h.call('PUT', `/loyalty/transaction/pos/${id}`, pending);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ pointsEarned: 50, pointsRedeemed: 0, points: before + 50 });
    expect(res.json().presentation).toMatchObject({ pointsEarned: 'Earned: 50', totalPoints: `Balance: ${before + 50}` });
    expect(await h.balanceOf(FARHAN)).toBe(before);
    const claimed = await h.call('PUT', `/loyalty/transaction/pos/${id}`, { ...pending, status: 'CLAIMED' });
    expect(claimed.json()).toMatchObject({ pointsEarned: 50, points: before + 50 });
    expect(await h.balanceOf(FARHAN)).toBe(before + 50);
  });

  describe('an upsize PLU in the cart, nothing pre-selected (the seed\'s "OR the cart contains an upsize plu")', () => {
    // Free Small Fries: NCR sizeBasedPlu small 900101, then the upsizes medium 900111 and large 900121.
    const FRIES = { id: 'rwd-small-fries', name: 'Free Small Fries', upsizePlu: '900111', cost: 250 };

    it('PENDING answers eligibleDiscounts pointing at the upsize line, and CLAIMED redeems it once NCR stamps it', async () => {
      const posTxn = 'POS-3001';
      const identify = await h.call(
        'POST',
        '/loyalty/identify',
        fill(NCR_EXAMPLES.identify.request, { ...pos, $posTransactionId: posTxn, '$digitCode or $loyaltyId': FARHAN }),
      );
      expect(identify.json().eligibleDiscounts).toEqual([]);
      const id = identify.json().transactionId as string;
      const values = { ...updateValues(), $posTransactionId: posTxn, $loyaltyTransactionId: id, $benefitPlu: FRIES.upsizePlu, $loyaltyIncentiveId: FRIES.id };
      const before = await h.balanceOf(FARHAN);
      const pending = await h.call('PUT', `/loyalty/transaction/pos/${id}`, fill(NCR_EXAMPLES.pending.request, values));
      expect(pending.statusCode, pending.body).toBe(200);
      expectShape(pending.json(), NCR_EXAMPLES.pending.response);
      expect(pending.json().eligibleDiscounts).toEqual([
        { details: { displayName: FRIES.name, type: 'REWARD' }, orderReferenceId: '1', productId: FRIES.upsizePlu, referenceId: FRIES.id },
      ]);
      expect(pending.json()).toMatchObject({ pointsRedeemed: FRIES.cost });
      const claimed = await h.call('PUT', `/loyalty/transaction/pos/${id}`, fill(NCR_EXAMPLES.claimed.request, values));
      expect(claimed.statusCode, claimed.body).toBe(200);
      expect(claimed.json()).toMatchObject({ pointsRedeemed: FRIES.cost, points: before - FRIES.cost });
      expect(await h.balanceOf(FARHAN)).toBe(before - FRIES.cost);
    });

    it('leaves the upsize out, without failing the sale, for a guest who cannot have the reward', async () => {
      const posTxn = 'POS-3002';
      const identify = await h.call(
        'POST',
        '/loyalty/identify',
        fill(NCR_EXAMPLES.identify.request, { ...pos, $posTransactionId: posTxn, '$digitCode or $loyaltyId': BEN }),
      );
      const id = identify.json().transactionId as string;
      const values = { ...updateValues(), $loyaltyUserId: BEN, $posTransactionId: posTxn, $loyaltyTransactionId: id, $benefitPlu: FRIES.upsizePlu };
      const pending = await h.call('PUT', `/loyalty/transaction/pos/${id}`, fill(NCR_EXAMPLES.pending.request, values));
      expect(pending.statusCode, pending.body).toBe(200);
      expect(pending.json()).toMatchObject({ eligibleDiscounts: [], pointsRedeemed: 0 });
    });
  });
});
