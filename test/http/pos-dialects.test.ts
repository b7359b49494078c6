import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import type { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { createGuest, createIncentive } from '../../src/app/provisioning.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { caller, genericSale, ncrUpdate, ncrVendor } from '../support/dialect-bodies.ts';
import { demoApp } from '../support/fixtures.ts';

const at = new Date('2026-11-25T17:00:00Z');
const FRIES = { displayName: 'Free Small Fries', type: 'REWARD' };
const COOKIE = { displayName: 'Free cookie with any order', type: 'OFFER' };

describe.each(ENGINES)('POS dialects on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let loyalty: LoyaltyService;
  let programId: string;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    db = await openTestDb(engine);
    ({ app, loyalty } = await demoApp(db, { now: () => at }));
    programId = (await findProgramBySlug(db.kysely, 'bk-us'))!.id;
    call = caller(app);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const guest = (points: number) => createGuest(db.kysely, programId, { name: 'Guest', points }, at);
  const code = async (guestId: string, select: string[]) => (await loyalty.createCode(programId, guestId, select)).code;
  const balanceOf = async (id: string) => (await db.kysely.selectFrom('guests').select('balance').where('id', '=', id).executeTakeFirstOrThrow()).balance;
  const txnRow = (id: string) => db.kysely.selectFrom('loyalty_transactions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const redemptions = (txn: string) =>
    db.kysely.selectFrom('redemptions').select(['incentive_id', 'quantity', 'points']).where('transaction_id', '=', txn).execute();
  const ncrIdentify = async (identifier: string, posTxn: string, over: Record<string, unknown> = {}) =>
    call('POST', '/loyalty/identify', { identifier, posVendor: ncrVendor(posTxn, over) });

  describe('NCR', () => {
    it('answers identify with eligibleDiscounts for the pre-selected incentives, without orderReferenceId, and stores matchingId', async () => {
      const g = await guest(1000);
      const res = await ncrIdentify(await code(g, ['rwd-small-fries', 'ofr-free-cookie']), 'N-1', { posType: 'ncr' });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.eligibleDiscounts).toEqual([
        { details: FRIES, productId: '900101', referenceId: 'rwd-small-fries' },
        { details: COOKIE, productId: '900203', referenceId: 'ofr-free-cookie' },
      ]);
      expect(body.order.map((o: { productId: string; referenceId: string }) => [o.productId, o.referenceId])).toEqual([
        ['900101', '00'],
        ['900203', '01'],
      ]);
      expect(body.balances).toEqual([{ amount: 750, currency: 'points' }]);
      const row = await txnRow(body.transactionId);
      expect(row).toMatchObject({ matching_id: 'SMG-N-1', pos_type: 'ncr', pos_vendor: 'ncr' });
    });

    it('answers PENDING with eligibleDiscounts pointing at the line that carries the benefit PLU, taking blank referenceIds', async () => {
      const g = await guest(1000);
      const txn = (await ncrIdentify(await code(g, ['rwd-small-fries']), 'N-2')).json().transactionId;
      const res = await call(
        'PUT',
        `/loyalty/transaction/pos/${txn}`,
        ncrUpdate(
          'N-2',
          'PENDING',
          [
            { productId: '4001', price: 6.49, name: 'Whopper' },
            { productId: '900101', price: 2.19, name: 'small fries' },
          ],
          [{ orderReferenceId: '2', productId: '900101', referenceId: '' }],
        ),
      );
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.eligibleDiscounts).toEqual([{ details: FRIES, orderReferenceId: '2', productId: '900101', referenceId: 'rwd-small-fries' }]);
      // PENDING previews the claim: the 6.49 Whopper would earn 64 points; nothing moves yet.
      expect(body).toMatchObject({ points: 814, pointsEarned: 64, pointsRedeemed: 250, loyaltyId: g, transactionId: txn });
      expect(body.receiptCode).toMatch(/^[0-9A-HJ-NP-Z]{16}$/);
      expect(body.presentation).toMatchObject({ header: 'Royal Perks', identifier: `Transaction ID: ${txn}`, totalPoints: 'Balance: 814' });
      expect(await balanceOf(g)).toBe(1000);
    });

    it('keeps at CLAIMED exactly the incentives NCR stamped, and earns on the rest of the goods', async () => {
      const g = await guest(1000);
      const txn = (await ncrIdentify(await code(g, ['rwd-small-fries', 'ofr-free-cookie']), 'N-3')).json().transactionId;
      const lines = [
        { productId: '4001', price: 6.49 },
        { productId: '900101', price: 2.19 },
        { productId: '900203', price: '1.00' },
      ];
      const pending = await call(
        'PUT',
        `/loyalty/transaction/pos/${txn}`,
        ncrUpdate('N-3', 'PENDING', lines, [{ orderReferenceId: '2' }, { orderReferenceId: '3' }]),
      );
      expect(pending.json().eligibleDiscounts.map((d: { referenceId: string; orderReferenceId: string }) => [d.referenceId, d.orderReferenceId])).toEqual([
        ['rwd-small-fries', '2'],
        ['ofr-free-cookie', '3'],
      ]);

      // NCR applied only the fries: the cookie is rung as an ordinary item.
      const claimed = await call(
        'PUT',
        `/loyalty/transaction/pos/${txn}`,
        ncrUpdate('N-3', 'CLAIMED', lines, [{ orderReferenceId: '2', referenceId: 'rwd-small-fries' }]),
      );
      expect(claimed.statusCode).toBe(200);
      const body = claimed.json();
      // goods 9.68 less the 2.19 fries = 7.49 → 74 points at 10 per dollar
      expect(body).toMatchObject({ pointsRedeemed: 250, pointsEarned: 74, points: 1000 - 250 + 74 });
      expect(body.eligibleDiscounts).toEqual([{ details: FRIES, orderReferenceId: '2', productId: '900101', referenceId: 'rwd-small-fries' }]);
      expect(body.presentation).toMatchObject({ pointsEarned: 'Earned: 74', totalPoints: 'Balance: 824' });
      expect(await redemptions(txn)).toEqual([{ incentive_id: 'rwd-small-fries', quantity: 1, points: 250 }]);
      expect(await balanceOf(g)).toBe(824);
    });

    it('redeems the pre-selected reward on a line carrying one of its upsize PLUs', async () => {
      const g = await guest(1000);
      const txn = (await ncrIdentify(await code(g, ['rwd-small-fries']), 'N-4')).json().transactionId;
      const lines = [
        { productId: '4001', price: 6.49 },
        { productId: '900111', price: 2.79, name: 'medium fries' },
      ];
      const pending = await call('PUT', `/loyalty/transaction/pos/${txn}`, ncrUpdate('N-4', 'PENDING', lines, []));
      expect(pending.json().eligibleDiscounts).toEqual([{ details: FRIES, orderReferenceId: '2', productId: '900111', referenceId: 'rwd-small-fries' }]);
      const claimed = await call(
        'PUT',
        `/loyalty/transaction/pos/${txn}`,
        ncrUpdate('N-4', 'CLAIMED', lines, [{ orderReferenceId: '2', productId: '900111', referenceId: 'rwd-small-fries' }]),
      );
      expect(claimed.json()).toMatchObject({ pointsRedeemed: 250, pointsEarned: 64 });
    });

    it('redeems one unit of a line that carries the benefit PLU twice', async () => {
      const g = await guest(1000);
      const txn = (await ncrIdentify(await code(g, ['rwd-small-fries']), 'N-5')).json().transactionId;
      const lines = [{ productId: '900101', price: 2.19, quantity: 2 }];
      const claimed = await call(
        'PUT',
        `/loyalty/transaction/pos/${txn}`,
        ncrUpdate('N-5', 'CLAIMED', lines, [{ orderReferenceId: '1', referenceId: 'rwd-small-fries' }]),
      );
      expect(claimed.statusCode).toBe(200);
      // 4.38 of fries, one of them free → 2.19 earns 21
      expect(claimed.json()).toMatchObject({ pointsRedeemed: 250, pointsEarned: 21 });
    });

    it('leaves a benefit PLU that nobody pre-selected as an ordinary item, and redeems nothing when NCR stamps nothing', async () => {
      const g = await guest(1000);
      const txn = (await ncrIdentify(g, 'N-6')).json().transactionId;
      const lines = [{ productId: '900101', price: '2.00' }];
      const pending = await call('PUT', `/loyalty/transaction/pos/${txn}`, ncrUpdate('N-6', 'PENDING', lines, []));
      expect(pending.json()).toMatchObject({ eligibleDiscounts: [], pointsRedeemed: 0 });

      const g2 = await guest(1000);
      const txn2 = (await ncrIdentify(await code(g2, ['rwd-small-fries']), 'N-7')).json().transactionId;
      const claimed = await call('PUT', `/loyalty/transaction/pos/${txn2}`, ncrUpdate('N-7', 'CLAIMED', lines, [{ orderReferenceId: '1' }]));
      expect(claimed.json()).toMatchObject({ eligibleDiscounts: [], pointsRedeemed: 0, pointsEarned: 20 });
      expect(await balanceOf(g2)).toBe(1020);
    });

    const badNcr: [string, ReturnType<typeof ncrUpdate>['transactionDetails']['appliedDiscounts'] | null, (b: ReturnType<typeof ncrUpdate>) => void, string][] =
      [
        [
          'an orderReferenceId that is no line',
          [{ details: { displayName: 'x' }, orderReferenceId: '9', referenceId: '' }],
          () => {},
          'transactionDetails.appliedDiscounts[0].orderReferenceId',
        ],
        [
          'colliding orderReferenceIds',
          [
            { details: { displayName: 'x' }, orderReferenceId: '2', referenceId: 'rwd-small-fries' },
            { details: { displayName: 'y' }, orderReferenceId: '2', referenceId: '' },
          ],
          () => {},
          'transactionDetails.appliedDiscounts[1].orderReferenceId',
        ],
        [
          'an incentive the guest did not select',
          [{ details: { displayName: 'x' }, orderReferenceId: '2', referenceId: 'rwd-whopper' }],
          () => {},
          'transactionDetails.appliedDiscounts[0].referenceId',
        ],
        [
          'an incentive that does not exist',
          [{ details: { displayName: 'x' }, orderReferenceId: '2', referenceId: 'rwd-nope' }],
          () => {},
          'transactionDetails.appliedDiscounts[0].referenceId',
        ],
        ['a negative price', null, (b) => (b.transactionDetails.order[0]!.price = '-6.49'), 'transactionDetails.order[0].price'],
        ['a negative quantity', null, (b) => (b.transactionDetails.order[1]!.quantity = -1), 'transactionDetails.order[1].quantity'],
        ['a negative payment', null, (b) => (b.transactionDetails.payments[1]!.amount = -400), 'transactionDetails.payments[1].amount'],
      ];
    it.each(badNcr)('refuses a CLAIMED with %s with a 400 naming the field, and writes nothing', async (_name, discounts, mutate, field) => {
      const g = await guest(1000);
      const posTxn = `N-bad-${field}`;
      const txn = (await ncrIdentify(await code(g, ['rwd-small-fries']), posTxn)).json().transactionId;
      const body = ncrUpdate(
        posTxn,
        'CLAIMED',
        [
          { productId: '4001', price: 6.49 },
          { productId: '900101', price: 2.19 },
        ],
        [],
      );
      if (discounts) body.transactionDetails.appliedDiscounts = discounts;
      mutate(body);
      const before = await txnRow(txn);
      const res = await call('PUT', `/loyalty/transaction/pos/${txn}`, body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ValidationError', statusCode: 400, details: { field } });
      expect(res.json().message).toEqual(expect.any(String));
      expect(await txnRow(txn)).toEqual(before);
      expect(await balanceOf(g)).toBe(1000);
      expect(await redemptions(txn)).toEqual([]);
    });
  });

  describe('Winrest', () => {
    it("answers identify with the reward's price as minor-unit text on reward lines only, and the product PLU from the Winrest config", async () => {
      const g = await guest(1000);
      const res = await call(
        'POST',
        '/loyalty/identify',
        {
          identifier: await code(g, ['rwd-small-fries', 'ofr-free-cookie']),
          posVendor: { operator: '300', posType: 'Winrest', storeId: '9999', terminal: '0', transactionId: 'W-1' },
        },
        'winrest',
      );
      expect(res.statusCode).toBe(200);
      expect(res.json().order).toEqual([
        { name: 'Free Small Fries', productId: '1201', incentiveId: 'rwd-small-fries', quantity: '1', referenceId: '00', productType: 'REWARD', price: '300' },
        { name: 'Free cookie with any order', productId: '1401', incentiveId: 'ofr-free-cookie', quantity: '1', referenceId: '01', productType: 'OFFER' },
      ]);
      expect(res.json()).not.toHaveProperty('eligibleDiscounts');
    });

    it('answers a kiosk in a Winrest store (posType Tillster) with Winrest PLUs and without offers, and refuses offer lines from it', async () => {
      const g = await guest(1000);
      const res = await call(
        'POST',
        '/loyalty/identify',
        {
          identifier: await code(g, ['rwd-whopper', 'ofr-free-cookie']),
          posVendor: { operator: '300', posType: 'Tillster', supportingPos: 'Partner', storeId: '9999', terminal: 'K1', transactionId: 'W-2' },
        },
        'winrest',
      );
      expect(res.json().order).toEqual([
        { name: 'Free Whopper', productId: '1001', incentiveId: 'rwd-whopper', quantity: '1', referenceId: '00', productType: 'REWARD', price: '649' },
      ]);
      const txn = res.json().transactionId;
      const sale = genericSale(
        'Tillster',
        'W-2',
        [
          { productId: '4001', price: '10.00' },
          { productId: '1401', productType: 'offer', price: '1.00' },
        ],
        {},
        { supportingPos: 'Partner', terminal: 'K1' },
      );
      const refused = await call('PUT', `/loyalty/transaction/pos/${txn}`, sale, 'winrest');
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'ValidationError', details: { field: 'transactionDetails.order[1].productType' } });
    });

    it('redeems a reward line by the Winrest product PLU and refuses a second offer in one order', async () => {
      const g = await guest(1000);
      const txn = (
        await call(
          'POST',
          '/loyalty/identify',
          { identifier: g, posVendor: { posType: 'Winrest', storeId: '9999', terminal: '0', transactionId: 'W-3' } },
          'winrest',
        )
      ).json().transactionId;
      const twoOffers = genericSale('Winrest', 'W-3', [
        { productId: '4001', price: '12.00' },
        { productId: '1401', productType: 'offer', price: '1.00' },
        { productId: '900201', productType: 'offer', price: '2.00' },
      ]);
      const refused = await call('POST', `/loyalty/transaction/pos/validate/${txn}`, twoOffers, 'winrest');
      expect(refused.statusCode).toBe(400);
      expect(refused.json().details.ruleEvaluation).toEqual([expect.objectContaining({ code: 'exceeds-offers-per-order', incentiveId: 'ofr-2-off-10' })]);

      const sale = genericSale('Winrest', 'W-3', [
        { productId: '4001', price: '6.00' },
        { productId: '1201', productType: 'reward', price: '3.00' },
        { productId: '1201', price: '3.00' },
      ]);
      const claimed = await call('PUT', `/loyalty/transaction/pos/${txn}`, sale, 'winrest');
      expect(claimed.statusCode).toBe(200);
      expect(claimed.json()).toMatchObject({ pointsRedeemed: 250, pointsEarned: 60, points: 1000 - 250 + 60 });
      expect(claimed.json()).not.toHaveProperty('eligibleDiscounts');
    });

    it('refuses appliedDiscounts, which only NCR sends, as a body mixing dialects', async () => {
      const g = await guest(1000);
      const txn = (
        await call(
          'POST',
          '/loyalty/identify',
          { identifier: g, posVendor: { posType: 'Winrest', storeId: '9999', terminal: '0', transactionId: 'W-4' } },
          'winrest',
        )
      ).json().transactionId;
      const sale = genericSale('Winrest', 'W-4', [{ productId: '4001', price: '6.00' }]);
      const mixed = { ...sale, transactionDetails: { ...sale.transactionDetails, appliedDiscounts: [{ orderReferenceId: '1', referenceId: '' }] } };
      const res = await call('PUT', `/loyalty/transaction/pos/${txn}`, mixed, 'winrest');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'ValidationError', details: { field: 'transactionDetails.appliedDiscounts' } });
      expect((await txnRow(txn)).status).toBe('OPEN');
    });
  });

  describe('Tillster and Partner', () => {
    it.each([
      [undefined, '900101'],
      ['Winrest', '900101'],
      ['Acme', '900101'],
    ])("answers identify with supportingPos %s with the key's vendor PLU %s, in the generic shape", async (supportingPos, plu) => {
      const g = await guest(1000);
      const res = await call(
        'POST',
        '/loyalty/identify',
        {
          identifier: await code(g, ['rwd-small-fries']),
          posVendor: {
            operator: '300',
            posType: 'Tillster',
            storeId: '1001',
            terminal: 'K2',
            transactionId: `T-${plu}-${supportingPos}`,
            ...(supportingPos ? { supportingPos } : {}),
          },
        },
        'tillster',
      );
      expect(res.statusCode).toBe(200);
      expect(res.json().order).toEqual([
        { name: 'Free Small Fries', productId: plu, incentiveId: 'rwd-small-fries', quantity: '1', referenceId: '00', productType: 'REWARD', price: '0' },
      ]);
      expect(Object.keys(res.json()).sort()).toEqual(['balances', 'loyaltyUser', 'order', 'transactionId']);
    });

    it("redeems a Tillster kiosk's reward line by the supporting POS's PLU, which only one incentive of the program has", async () => {
      const g = await guest(1000);
      const vendor = { operator: '300', posType: 'Tillster', supportingPos: 'Winrest', storeId: '1001', terminal: 'K3', transactionId: 'T-9' };
      const txn = (await call('POST', '/loyalty/identify', { identifier: g, posVendor: vendor }, 'tillster')).json().transactionId;
      const sale = genericSale(
        'Tillster',
        'T-9',
        [
          { productId: '4001', price: '5.00' },
          { productId: '1001', productType: 'reward', price: 0 },
        ],
        {},
        { supportingPos: 'Winrest', storeId: '1001', terminal: 'K3' },
      );
      const res = await call('PUT', `/loyalty/transaction/pos/${txn}`, sale, 'tillster');
      expect(res.json()).toMatchObject({ pointsRedeemed: 700, pointsEarned: 50 });
    });
  });

  describe('the dialect seam', () => {
    const identifyAs = (vendor: 'ncr' | 'winrest' | 'tillster' | 'partner', posVendor: Record<string, unknown>) =>
      call(
        'POST',
        '/loyalty/identify',
        { identifier: '4711fc2a-3a8f-414f-a9e7-44dd5231dca7', posVendor: { storeId: '2002', terminal: '1', transactionId: 'SEAM', ...posVendor } },
        vendor,
      );

    it.each([
      ['an unknown posType', 'partner', { posType: 'Micros 3700' }, 'partner'],
      ['an NCR posType under a Partner key', 'partner', { posType: 'NCR' }, 'partner'],
      ['a generic posType under an NCR key', 'ncr', { posType: 'Partner' }, 'ncr'],
      ['a Winrest posType under an NCR key', 'ncr', { posType: 'Winrest' }, 'ncr'],
      ['an unknown supportingPos', 'tillster', { posType: 'Tillster', supportingPos: 'Acme' }, 'tillster'],
    ] as const)("answers identify with %s in the key's own dialect, and stores posType as sent", async (name, vendor, posVendor, dialect) => {
      const res = await identifyAs(vendor, { ...posVendor, transactionId: `SEAM-${name}` });
      expect(res.statusCode).toBe(200);
      if (dialect === 'ncr') expect(res.json()).toHaveProperty('eligibleDiscounts');
      else expect(res.json()).not.toHaveProperty('eligibleDiscounts');
      expect(await txnRow(res.json().transactionId)).toMatchObject({ pos_type: posVendor.posType, pos_vendor: vendor });
    });

    it("takes any posType on an update too, answering in the key's dialect", async () => {
      const txn = (await identifyAs('partner', { posType: 'Partner', transactionId: 'SEAM-5' })).json().transactionId;
      const res = await call('PUT', `/loyalty/transaction/pos/${txn}`, genericSale('Aloha', 'SEAM-5', [{ productId: '1', price: 1 }]), 'partner');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ transactionId: txn });
    });
  });

  describe('vendor configs', () => {
    it('answers VendorConfigMissing, naming the incentive and vendor, when a pre-selected incentive has no config for the asking vendor', async () => {
      await createIncentive(
        db.kysely,
        programId,
        { kind: 'REWARD', name: 'Partner-only Pie', pointCost: 100, vendorConfigs: { partner: { pluType: 'constantPlu', constantPlu: '900999' } } },
        at,
        'rwd-partner-pie',
      );
      loyalty.invalidate();
      const g = await guest(1000);
      const res = await ncrIdentify(await code(g, ['rwd-partner-pie']), 'V-1');
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'VendorConfigMissing', statusCode: 422, details: { incentiveId: 'rwd-partner-pie', vendor: 'ncr' } });
      expect(res.json().message).toContain('"ncr"');
    });

    it('leaves the one-time code unused when identify fails on a missing vendor config, so another till can still take it', async () => {
      await createIncentive(
        db.kysely,
        programId,
        { kind: 'REWARD', name: 'Partner-only Tart', pointCost: 100, vendorConfigs: { partner: { pluType: 'constantPlu', constantPlu: '900998' } } },
        at,
        'rwd-partner-tart',
      );
      loyalty.invalidate();
      const g = await guest(1000);
      const c = await code(g, ['rwd-partner-tart']);
      const failed = await ncrIdentify(c, 'V-2');
      expect(failed.statusCode).toBe(422);
      expect(failed.json()).toMatchObject({ code: 'VendorConfigMissing', details: { incentiveId: 'rwd-partner-tart', vendor: 'ncr' } });
      // Nothing was written: the code is not consumed and no loyalty transaction was opened.
      const otp = await db.kysely
        .selectFrom('otp_codes')
        .select(['used_at', 'used_pos_key', 'used_transaction_id'])
        .where('code', '=', c)
        .where('guest_id', '=', g)
        .executeTakeFirstOrThrow();
      expect(otp).toEqual({ used_at: null, used_pos_key: null, used_transaction_id: null });
      expect(await db.kysely.selectFrom('loyalty_transactions').select('id').where('guest_id', '=', g).execute()).toEqual([]);
      // The same till retrying gets the same set-up error, not "code already used" …
      expect((await ncrIdentify(c, 'V-2')).json()).toMatchObject({ code: 'VendorConfigMissing' });
      // … and a till whose vendor has the config can still identify with the code.
      const ok = await call(
        'POST',
        '/loyalty/identify',
        { identifier: c, posVendor: { posType: 'Partner', storeId: '9999', terminal: '1', transactionId: 'V-3' } },
        'partner',
      );
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ balances: [{ amount: 900, currency: 'points' }], order: [{ productId: '900998', incentiveId: 'rwd-partner-tart' }] });
    });

    it('refuses an incentive whose vendor config is malformed', async () => {
      await expect(
        createIncentive(
          db.kysely,
          programId,
          { kind: 'REWARD', name: 'Broken', pointCost: 100, vendorConfigs: { ncr: { pluType: 'sizeBasedPlu', sizeBasedPlu: [] } } },
          at,
        ),
      ).rejects.toMatchObject({ code: 'ValidationError', details: { field: 'vendorConfigs.ncr.sizeBasedPlu' } });
    });
  });

  describe('receipts', () => {
    const ALL = {
      header: 'H {transactionId}',
      marketing: 'M {pointsEarned}',
      pointsEarned: 'E {pointsEarned}',
      pointsRedeemed: 'R {pointsRedeemed}',
      totalPoints: 'T {balance}',
      identifier: 'I {receiptCode}',
      qrCode: '{claimUrl}',
      footer: 'F',
    };
    let saved: string;
    beforeAll(async () => {
      saved = (await db.kysely.selectFrom('programs').select('receipt_templates').where('id', '=', programId).executeTakeFirstOrThrow()).receipt_templates;
      const templates = {
        default: { claimed: { header: 'Default claimed' }, unclaimed: { header: 'Default unclaimed', identifier: 'U {receiptCode}' } },
        ncr: { claimed: ALL, unclaimed: { ...ALL, header: 'NCR unclaimed' } },
      };
      await db.kysely
        .updateTable('programs')
        .set({ receipt_templates: JSON.stringify(templates) })
        .where('id', '=', programId)
        .execute();
      loyalty.invalidate();
    });
    afterAll(async () => {
      await db.kysely.updateTable('programs').set({ receipt_templates: saved }).where('id', '=', programId).execute();
      loyalty.invalidate();
    });

    it("fills the program's NCR claimed template, every field, on both NCR updates", async () => {
      const g = await guest(1000);
      const txn = (await ncrIdentify(await code(g, ['rwd-small-fries']), 'R-1')).json().transactionId;
      const lines = [
        { productId: '4001', price: '10.00' },
        { productId: '900101', price: '2.00' },
      ];
      const pending = (await call('PUT', `/loyalty/transaction/pos/${txn}`, ncrUpdate('R-1', 'PENDING', lines, [{ orderReferenceId: '2' }]))).json();
      expect(pending.presentation).toEqual({
        header: `H ${txn}`,
        marketing: 'M 100',
        pointsEarned: 'E 100',
        pointsRedeemed: 'R 250',
        totalPoints: 'T 850',
        identifier: `I ${pending.receiptCode}`,
        qrCode: `http://tillpoint.test/r/${pending.receiptCode}`,
        footer: 'F',
      });
      const claimed = (
        await call('PUT', `/loyalty/transaction/pos/${txn}`, ncrUpdate('R-1', 'CLAIMED', lines, [{ orderReferenceId: '2', referenceId: 'rwd-small-fries' }]))
      ).json();
      expect(claimed.receiptCode).toBe(pending.receiptCode);
      // PENDING already previewed what CLAIMED earns.
      expect(claimed.presentation).toEqual(pending.presentation);
    });

    it("uses the NCR unclaimed template for NCR's anonymous sales and the default one for other vendors", async () => {
      const ncr = (await call('POST', '/loyalty/transaction/pos', ncrUpdate('R-2', 'CLAIMED', [{ productId: '4001', price: '10.00' }], []))).json();
      // No balance on an anonymous sale: the line that needs it is left out.
      expect(ncr.presentation).toEqual({
        header: 'NCR unclaimed',
        marketing: 'M 100',
        pointsEarned: 'E 100',
        pointsRedeemed: 'R 0',
        identifier: `I ${ncr.receiptCode}`,
        qrCode: `http://tillpoint.test/r/${ncr.receiptCode}`,
        footer: 'F',
      });
      const winrest = (
        await call('POST', '/loyalty/transaction/pos', genericSale('Winrest', 'R-3', [{ productId: '4001', price: '10.00' }]), 'winrest')
      ).json();
      expect(winrest.presentation).toEqual({ header: 'Default unclaimed', identifier: `U ${winrest.receiptCode}` });
      const g = await guest(0);
      const txn = (
        await call(
          'POST',
          '/loyalty/identify',
          { identifier: g, posVendor: { posType: 'Winrest', storeId: '9999', terminal: '0', transactionId: 'R-4' } },
          'winrest',
        )
      ).json().transactionId;
      const claimed = (
        await call('PUT', `/loyalty/transaction/pos/${txn}`, genericSale('Winrest', 'R-4', [{ productId: '4001', price: '1.00' }]), 'winrest')
      ).json();
      expect(claimed.presentation).toEqual({ header: 'Default claimed' });
    });
  });

  describe('a second code scanned', () => {
    it('opens a new loyalty transaction; voiding the first frees its reserved reward; PENDING with the whole basket works on the new one', async () => {
      const g = await guest(800);
      const basket = [
        { productId: '4001', price: '3.00' },
        { productId: '900102', price: '6.49', name: 'Whopper' },
      ];

      const first = (await ncrIdentify(await code(g, ['rwd-whopper']), 'S-1')).json();
      expect(first.balances[0].amount).toBe(100);
      const pendingFirst = await call('PUT', `/loyalty/transaction/pos/${first.transactionId}`, ncrUpdate('S-1', 'PENDING', basket.slice(1), []));
      expect(pendingFirst.json()).toMatchObject({ pointsRedeemed: 700, points: 100 });
      expect((await txnRow(first.transactionId)).reserved_points).toBe(700);

      // The guest shows another code at the same till, for the same POS sale.
      const second = (await ncrIdentify(await code(g, ['rwd-whopper']), 'S-1')).json();
      expect(second.transactionId).not.toBe(first.transactionId);
      expect(second.eligibleDiscounts).toEqual([{ details: { displayName: 'Free Whopper', type: 'REWARD' }, productId: '900102', referenceId: 'rwd-whopper' }]);

      const voided = await call('PUT', `/loyalty/transaction/pos/${first.transactionId}/void`, undefined);
      expect(voided.json()).toEqual({ transactionId: first.transactionId });
      expect(await txnRow(first.transactionId)).toMatchObject({ status: 'VOIDED', reserved_points: 0 });
      expect(await balanceOf(g)).toBe(800);

      const pending = await call('PUT', `/loyalty/transaction/pos/${second.transactionId}`, ncrUpdate('S-1', 'PENDING', basket, []));
      expect(pending.statusCode).toBe(200);
      expect(pending.json()).toMatchObject({
        pointsRedeemed: 700,
        pointsEarned: 30,
        points: 130,
        eligibleDiscounts: [expect.objectContaining({ orderReferenceId: '2', referenceId: 'rwd-whopper' })],
      });
      const claimed = await call(
        'PUT',
        `/loyalty/transaction/pos/${second.transactionId}`,
        ncrUpdate('S-1', 'CLAIMED', basket, [{ orderReferenceId: '2', referenceId: 'rwd-whopper' }]),
      );
      expect(claimed.json()).toMatchObject({ pointsRedeemed: 700, pointsEarned: 30, points: 130 });
      expect(await balanceOf(g)).toBe(130);

      const late = await call('PUT', `/loyalty/transaction/pos/${first.transactionId}`, ncrUpdate('S-1', 'CLAIMED', basket.slice(1), []));
      expect(late.json()).toMatchObject({ code: 'TransactionNotClaimable', statusCode: 400 });
      expect(await balanceOf(g)).toBe(130);
    });
  });
});
