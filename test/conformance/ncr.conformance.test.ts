import { describe, expect, it } from 'vitest';
import { demoHarness } from '../support/dialect-bodies.ts';
import { ENGINES } from '../support/engines.ts';
import { FARHAN } from '../support/fixtures.ts';
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
    expect(answer.eligibleDiscounts).toEqual([{ details: { displayName: WHOPPER.name, type: 'REWARD' }, productId: WHOPPER.benefitPlu, referenceId: WHOPPER.id }]);
    expect(answer.eligibleDiscounts[0]).not.toHaveProperty('orderReferenceId');
    expect(answer.loyaltyUser).toEqual({ created: expect.stringMatching(ISO_TIME), id: FARHAN, name: 'Farhan' });
    expect(answer.order).toEqual([expect.objectContaining({ name: WHOPPER.name, productId: WHOPPER.benefitPlu, referenceId: '00' })]);
    expect(answer.transactionId).toMatch(UUID);
    txn = answer.transactionId;
    const row = await h.db.kysely.selectFrom('loyalty_transactions').select(['matching_id', 'pos_type']).where('id', '=', txn).executeTakeFirstOrThrow();
    expect(row).toEqual({ matching_id: 'SMG-0042', pos_type: 'NCR' });
  });

  it('Identify with a loyalty id: the same shape, nothing pre-selected', async () => {
    const res = await h.call('POST', '/loyalty/identify', fill(NCR_EXAMPLES.identify.request, { ...pos, $posTransactionId: 'POS-1002', '$digitCode or $loyaltyId': FARHAN }));
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
    // While PENDING nothing is earned yet; the balance shown is net of the held reward.
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
    expect(answer).toMatchObject({ points: START - WHOPPER.cost, pointsEarned: 0, pointsRedeemed: WHOPPER.cost, loyaltyId: FARHAN, transactionId: txn, receiptCode: pendingReceipt });
    expect(answer.presentation).toMatchObject({ identifier: `Transaction ID: ${txn}`, pointsEarned: 'Earned: 0', totalPoints: `Balance: ${START - WHOPPER.cost}` });
    expect(await h.balanceOf(FARHAN)).toBe(START - WHOPPER.cost);
    const redeemed = await h.db.kysely.selectFrom('redemptions').select(['incentive_id', 'points']).where('transaction_id', '=', txn).execute();
    expect(redeemed).toEqual([{ incentive_id: WHOPPER.id, points: WHOPPER.cost }]);

    const again = await h.call('PUT', `/loyalty/transaction/pos/${txn}`, body);
    expect(again.body).toBe(res.body);
    expect(await h.balanceOf(FARHAN)).toBe(START - WHOPPER.cost);
  });
});
