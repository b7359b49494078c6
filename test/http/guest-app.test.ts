import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { XMLValidator } from 'fast-xml-parser';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import { ledgerSum, postEntries } from '../../src/adapters/db/repositories/points-ledger.repository.ts';
import { buildApp } from '../../src/adapters/http/app.ts';
import { Metrics } from '../../src/adapters/http/metrics.ts';
import { AdminAuthService } from '../../src/app/admin-auth.service.ts';
import type { GuestOptions } from '../../src/app/guest/guest-options.ts';
import { createPromoCode } from '../../src/app/guest/promo-codes.ts';
import { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { createApiKey, createIncentive, createProgram, createStore } from '../../src/app/provisioning.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { ANA, capturingSender, PARTNER_KEY, posVendor, saleBody, seededRandom } from '../support/fixtures.ts';
import { appServices } from '../support/services.ts';

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'tillpoint-app';
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** A JWKS served on 127.0.0.1, as an identity provider would. */
async function jwksServer(keys: JWK[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json` };
}

describe.each(ENGINES)('Guest (app) API on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let programId: string;
  let now = new Date('2026-11-25T17:00:00Z');
  const clock = () => now;
  const { sent, sender } = capturingSender();
  let jwks: { server: Server; url: string };
  let idpKey: PrivateKey;
  let strangerKey: PrivateKey;
  let other: { id: string; key: string };

  beforeAll(async () => {
    db = await openTestDb(engine);
    await seedDemo(db.kysely, now);
    programId = (await findProgramBySlug(db.kysely, 'bk-us'))!.id;
    const pair = await generateKeyPair('ES256', { extractable: true });
    idpKey = pair.privateKey;
    strangerKey = (await generateKeyPair('ES256')).privateKey;
    jwks = await jwksServer([{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }]);

    const loyalty = new LoyaltyService({ db, randomIndex: seededRandom(7), publicUrl: 'http://tillpoint.test', clock, configTtlMs: 0 });
    const guest: GuestOptions = { sender, clock, configTtlMs: 0, externalIdp: { 'bk-us': { issuer: ISSUER, jwksUrl: jwks.url, audience: AUDIENCE } } };
    const options = {
      db,
      ...appServices(db),
      loyalty,
      adminAuth: new AdminAuthService(db.kysely, clock),
      metrics: new Metrics(),
      version: 'test',
      logger: false,
      guest,
    };
    app = await buildApp(options);

    // A second program, to prove isolation.
    const otherId = await createProgram(db.kysely, { slug: 'plk-ca', name: 'Other', currency: 'CAD', earnRateMilli: 10_000, expiry: { kind: 'none' } }, now);
    await createStore(db.kysely, otherId, { externalId: '9999', name: 'Other 9999', timeZone: 'America/Toronto' }, now);
    other = { id: otherId, key: (await createApiKey(db.kysely, otherId, 'partner', 'test', now)).key };
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
    await new Promise((resolve) => jwks.server.close(resolve));
  });

  const pos = (method: 'POST' | 'PUT', url: string, body: unknown, key = PARTNER_KEY) =>
    app.inject({ method, url, headers: { 'x-api-key': key }, payload: body as object });
  const as = (token: string) => ({
    get: (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } }),
    send: (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) }),
  });
  const lastCodeFor = (email: string) => [...sent].reverse().find((m) => m.email === email)!.code;
  async function signIn(email: string, name?: string, program = 'bk-us'): Promise<{ token: string; guestId: string; signedUp: boolean }> {
    const start = await app.inject({ method: 'POST', url: `/app/v1/${program}/auth/start`, payload: { email } });
    expect(start.statusCode).toBe(202);
    const verify = await app.inject({
      method: 'POST',
      url: `/app/v1/${program}/auth/verify`,
      payload: { email, code: lastCodeFor(email.toLowerCase()), ...(name ? { name } : {}) },
    });
    expect(verify.statusCode).toBe(200);
    const body = verify.json();
    return { token: body.token, guestId: body.guest.id, signedUp: body.signedUp };
  }
  const unclaimedSale = async (posTxn: string, key = PARTNER_KEY) => {
    const res = await pos('POST', '/loyalty/transaction/pos', saleBody(posTxn, [{ price: '10.00' }]), key);
    expect(res.statusCode).toBe(200);
    return res.json() as { transactionId: string; receiptCode: string };
  };

  it('signs up a new guest by e-mail code, then reads and updates the profile', async () => {
    const start = await app.inject({ method: 'POST', url: '/app/v1/bk-us/auth/start', payload: { email: 'New.Guest@Example.com' } });
    expect(start.statusCode).toBe(202);
    expect(start.json()).toMatchObject({ sent: true, ttlSeconds: 600 });
    const message = sent.at(-1)!;
    expect(message).toMatchObject({ email: 'new.guest@example.com', programSlug: 'bk-us', signUp: true });
    expect(message.code).toMatch(/^\d{6}$/);
    const stored = await db.kysely.selectFrom('guest_login_codes').select('code_hash').where('email', '=', 'new.guest@example.com').executeTakeFirstOrThrow();
    expect(stored.code_hash).not.toContain(message.code);

    const verify = await app.inject({
      method: 'POST',
      url: '/app/v1/bk-us/auth/verify',
      payload: { email: 'new.guest@example.com', code: message.code, name: 'Nia' },
    });
    expect(verify.statusCode).toBe(200);
    const { token, signedUp, guest, tokenType } = verify.json();
    expect({ signedUp, tokenType }).toEqual({ signedUp: true, tokenType: 'Bearer' });
    expect(guest).toMatchObject({ name: 'Nia', email: 'new.guest@example.com' });
    expect(token).toMatch(/^tpg_/);

    const me = as(token);
    expect((await me.get('/app/v1/bk-us/me')).json()).toMatchObject({ id: guest.id, name: 'Nia' });
    const patched = await me.send('PATCH', '/app/v1/bk-us/me', { name: 'Nia K.' });
    expect(patched.json()).toMatchObject({ name: 'Nia K.' });
    const bad = await me.send('PATCH', '/app/v1/bk-us/me', { name: 'x', email: 'no@example.com' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'ValidationError', details: { field: 'email' } });

    // The code is single use.
    const replay = await app.inject({ method: 'POST', url: '/app/v1/bk-us/auth/verify', payload: { email: 'new.guest@example.com', code: message.code } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('LoginCodeInvalid');
  });

  it('runs sign-in → balance → pre-select → code → POS identify → code used', async () => {
    const { token, guestId, signedUp } = await signIn('ana@example.com');
    expect({ guestId, signedUp }).toEqual({ guestId: ANA, signedUp: false });
    const ana = as(token);

    const balance = await ana.get('/app/v1/bk-us/balance');
    expect(balance.statusCode).toBe(200);
    expect(balance.json()).toMatchObject({
      balance: 3000,
      available: 3000,
      buckets: [{ points: 3000, expiresAt: new Date(now.getTime() + 180 * 86_400_000).toISOString() }],
      expiryPolicy: { kind: 'inactivity', days: 180 },
    });

    const list = (await ana.get('/app/v1/bk-us/incentives')).json();
    expect(list.rewards.map((r: { id: string; eligible: boolean }) => [r.id, r.eligible])).toEqual([
      ['rwd-small-fries', true],
      ['rwd-whopper', true],
      ['rwd-whopper-meal', true],
    ]);
    const spend = list.offers.find((o: { id: string }) => o.id === 'ofr-2-off-10');
    expect(spend).toMatchObject({ eligible: true, failures: [], checkedAtOrder: ['subtotal-spend'] });
    const driveThru = (await ana.get('/app/v1/bk-us/incentives?storeId=9999&serviceMode=Eatin'))
      .json()
      .offers.find((o: { id: string }) => o.id === 'ofr-drive-thru-nuggets');
    expect(driveThru).toMatchObject({
      eligible: false,
      failures: [{ code: 'invalid-service-mode', ruleId: 'service-mode', incentiveId: 'ofr-drive-thru-nuggets' }],
    });
    expect((await ana.get('/app/v1/bk-us/incentives?storeId=nope')).json()).toMatchObject({ code: 'StoreNotFound', details: { field: 'storeId' } });

    // Too expensive together: RulesError, and nothing stored.
    const tooMuch = await ana.send('PUT', '/app/v1/bk-us/selection', { rewardIds: ['rwd-whopper-meal', 'rwd-whopper', 'rwd-whopper-meal'] });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().code).toBe('RulesError');
    expect(tooMuch.json().details.ruleEvaluation.map((f: { code: string }) => f.code)).toContain('insufficient-point-balance');
    expect((await ana.get('/app/v1/bk-us/selection')).json()).toMatchObject({ rewardIds: [], offerId: null });
    const wrongKind = await ana.send('PUT', '/app/v1/bk-us/selection', { rewardIds: ['ofr-2-off-10'] });
    expect(wrongKind.json()).toMatchObject({ code: 'RewardNotFoundError', statusCode: 404, details: { field: 'rewardIds[0]' } });

    const selected = await ana.send('PUT', '/app/v1/bk-us/selection', { rewardIds: ['rwd-whopper'], offerId: 'ofr-2-off-10' });
    expect(selected.statusCode).toBe(200);
    expect(selected.json()).toMatchObject({ rewardIds: ['rwd-whopper'], offerId: 'ofr-2-off-10', pointsReserved: 700 });
    expect((await ana.get('/app/v1/bk-us/balance')).json()).toMatchObject({ balance: 3000, pointsReserved: 700, available: 2300 });

    const created = await ana.send('POST', '/app/v1/bk-us/codes', {});
    expect(created.statusCode).toBe(201);
    const { code, expiresAt, ttlSeconds, qr } = created.json();
    expect(code).toMatch(/^\d{6}$/);
    expect(ttlSeconds).toBe(300);
    expect(expiresAt).toBe(new Date(now.getTime() + 300_000).toISOString());
    expect(qr).toEqual({ svg: `/app/v1/bk-us/codes/${code}/qr.svg`, png: `/app/v1/bk-us/codes/${code}/qr.png` });
    expect((await ana.get(`/app/v1/bk-us/codes/${code}`)).json()).toMatchObject({ code, status: 'active', transactionId: null });

    const png = await ana.get(qr.png);
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect([...png.rawPayload.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const svg = await ana.get(qr.svg);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(XMLValidator.validate(svg.body)).toBe(true);
    expect(svg.body).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    const identified = await pos('POST', '/loyalty/identify', { identifier: code, posVendor: posVendor('G-1') });
    expect(identified.statusCode).toBe(200);
    const body = identified.json();
    expect(body.loyaltyUser).toMatchObject({ id: ANA });
    expect(body.balances).toEqual([{ amount: 2300, currency: 'points' }]);
    expect(body.order.map((o: { incentiveId: string }) => o.incentiveId)).toEqual(['rwd-whopper', 'ofr-2-off-10']);

    const status = (await ana.get(`/app/v1/bk-us/codes/${code}`)).json();
    expect(status).toMatchObject({ status: 'used', transactionId: body.transactionId, selection: ['rwd-whopper', 'ofr-2-off-10'] });
    const history = (await ana.get('/app/v1/bk-us/transactions')).json();
    expect(history.items[0]).toMatchObject({ id: body.transactionId, status: 'OPEN', store: { id: '9999', name: 'Times Square' } });

    // A bodiless POST carries the stored selection.
    const bare = await ana.send('POST', '/app/v1/bk-us/codes');
    expect(bare.statusCode).toBe(201);
    expect(bare.json().selection).toMatchObject({ rewardIds: ['rwd-whopper'], offerId: 'ofr-2-off-10' });

    now = new Date(now.getTime() + 301_000);
    const late = (await ana.send('POST', '/app/v1/bk-us/codes', { rewardIds: [] })).json();
    expect(late.selection).toMatchObject({ rewardIds: [], offerId: null });
    now = new Date(now.getTime() + 301_000);
    expect((await ana.get(`/app/v1/bk-us/codes/${late.code}`)).json()).toMatchObject({ status: 'expired' });
    expect((await ana.get('/app/v1/bk-us/codes/000000')).statusCode).toBe(404);

    expect((await ana.send('DELETE', '/app/v1/bk-us/selection')).statusCode).toBe(204);
    expect((await ana.get('/app/v1/bk-us/selection')).json()).toMatchObject({ rewardIds: [], pointsReserved: 0 });
  });

  it("refuses expired, revoked, tampered and other programs' tokens with 401", async () => {
    const { token } = await signIn('chloe@example.com');
    expect((await as(token).get('/app/v1/bk-us/me')).statusCode).toBe(200);
    expect((await as(`${token.slice(0, -2)}xx`).get('/app/v1/bk-us/me')).statusCode).toBe(401);
    const otherProgram = await as(token).get('/app/v1/plk-ca/me');
    expect(otherProgram.statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/app/v1/bk-us/balance' })).json()).toMatchObject({ code: 'Unauthorized', statusCode: 401 });

    const saved = now;
    now = new Date(now.getTime() + 31 * 86_400_000);
    const expired = await as(token).get('/app/v1/bk-us/me');
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'Unauthorized', details: { reason: 'expired' } });
    now = saved;

    const second = await signIn('chloe@example.com');
    expect((await as(second.token).send('POST', '/app/v1/bk-us/auth/logout')).statusCode).toBe(204);
    expect((await as(second.token).get('/app/v1/bk-us/me')).statusCode).toBe(401);
    expect((await as(token).get('/app/v1/bk-us/me')).statusCode).toBe(200);
  });

  it('locks an e-mail out after repeated wrong login codes (429 with retry-after)', async () => {
    const email = 'guesser@example.com';
    await app.inject({ method: 'POST', url: '/app/v1/bk-us/auth/start', payload: { email } });
    const right = lastCodeFor(email);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) {
      const miss = await app.inject({ method: 'POST', url: '/app/v1/bk-us/auth/verify', payload: { email, code: wrong } });
      expect(miss.json()).toMatchObject({ code: 'LoginCodeInvalid', statusCode: 401 });
    }
    // The fifth wrong entry burns the code and locks the e-mail out.
    expect((await app.inject({ method: 'POST', url: '/app/v1/bk-us/auth/verify', payload: { email, code: wrong } })).statusCode).toBe(401);
    const locked = await app.inject({ method: 'POST', url: '/app/v1/bk-us/auth/verify', payload: { email, code: right } });
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'RateLimited', statusCode: 429 });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await app.inject({ method: 'POST', url: '/app/v1/bk-us/auth/start', payload: { email } })).statusCode).toBe(429);

    const badEmail = await app.inject({ method: 'POST', url: '/app/v1/bk-us/auth/start', payload: { email: 'not-an-email' } });
    expect(badEmail.json()).toMatchObject({ code: 'ValidationError', details: { field: 'email' } });
    expect((await app.inject({ method: 'POST', url: '/app/v1/nope/auth/start', payload: { email } })).statusCode).toBe(404);
  });

  it('claims an unclaimed receipt once, within the window, only in its own program', async () => {
    const { token, guestId } = await signIn('claimer@example.com');
    const me = as(token);
    const sale = await unclaimedSale('U-1');

    const claimed = await me.send('POST', '/app/v1/bk-us/receipts/claim', { receiptCode: `http://tillpoint.test/r/${sale.receiptCode}` });
    expect(claimed.statusCode).toBe(200);
    expect(claimed.json()).toMatchObject({ transactionId: sale.transactionId, pointsEarned: 100, balance: 100 });
    expect(await ledgerSum(db.kysely, guestId)).toBe(100);
    const event = await db.kysely.selectFrom('outbox_events').selectAll().where('type', '=', 'receipt.claimed').executeTakeFirstOrThrow();
    expect(JSON.parse(event.payload)).toMatchObject({ transactionId: sale.transactionId, guestId, pointsEarned: 100 });
    const txn = await db.kysely.selectFrom('loyalty_transactions').selectAll().where('id', '=', sale.transactionId).executeTakeFirstOrThrow();
    expect(txn).toMatchObject({ guest_id: guestId, status: 'CLAIMED', points_earned: 100 });

    const again = await me.send('POST', '/app/v1/bk-us/receipts/claim', { receiptCode: sale.receiptCode });
    expect(again.json()).toMatchObject({ code: 'ReceiptAlreadyClaimed', statusCode: 409 });
    expect(await ledgerSum(db.kysely, guestId)).toBe(100);

    const foreign = await unclaimedSale('U-OTHER', other.key);
    const notHere = await me.send('POST', '/app/v1/bk-us/receipts/claim', { receiptCode: foreign.receiptCode });
    expect(notHere.json()).toMatchObject({ code: 'ReceiptNotFound', statusCode: 404 });

    const old = await unclaimedSale('U-OLD');
    const saved = now;
    now = new Date(now.getTime() + 31 * 86_400_000);
    const { token: lateToken } = await signIn('claimer@example.com');
    const late = await as(lateToken).send('POST', '/app/v1/bk-us/receipts/claim', { receiptCode: old.receiptCode });
    expect(late.json()).toMatchObject({ code: 'ReceiptClaimWindowClosed', statusCode: 422 });
    now = saved;

    const garbage = await me.send('POST', '/app/v1/bk-us/receipts/claim', { receiptCode: 'IIIIOOOOIIIIOOOO' });
    expect(garbage.json()).toMatchObject({ code: 'ValidationError', details: { field: 'receiptCode' } });
    expect(await ledgerSum(db.kysely, guestId)).toBe(100);
  });

  it('lets exactly one of two concurrent claims of a receipt win', async () => {
    const [a, b] = [await signIn('racer.a@example.com'), await signIn('racer.b@example.com')];
    const sale = await unclaimedSale('U-RACE');
    const results = await Promise.all([a, b].map((g) => as(g.token).send('POST', '/app/v1/bk-us/receipts/claim', { receiptCode: sale.receiptCode })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const totals = [await ledgerSum(db.kysely, a.guestId), await ledgerSum(db.kysely, b.guestId)].sort();
    expect(totals).toEqual([0, 100]);
    const events = await db.kysely
      .selectFrom('outbox_events')
      .select('id')
      .where('type', '=', 'receipt.claimed')
      .where('payload', 'like', `%${sale.transactionId}%`)
      .execute();
    expect(events).toHaveLength(1);
  });

  it('redeems promo codes in the app and at the POS: once per guest, up to max uses', async () => {
    await createPromoCode(db.kysely, programId, { code: 'nuggets2', incentiveId: 'ofr-drive-thru-nuggets', maxUses: 2 }, now);
    const [g1, g2, g3] = [await signIn('promo1@example.com'), await signIn('promo2@example.com'), await signIn('promo3@example.com')];
    const first = await as(g1.token).send('POST', '/app/v1/bk-us/promo-codes/redeem', { promoCode: 'NUGGETS2' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      incentive: { id: 'ofr-drive-thru-nuggets', kind: 'OFFER' },
      selected: true,
      selection: { offerId: 'ofr-drive-thru-nuggets' },
    });
    expect((await as(g1.token).send('POST', '/app/v1/bk-us/promo-codes/redeem', { promoCode: 'nuggets2' })).json()).toMatchObject({
      code: 'PromoCodeAlreadyRedeemed',
      statusCode: 409,
    });
    expect((await as(g2.token).send('POST', '/app/v1/bk-us/promo-codes/redeem', { promoCode: 'nuggets2' })).statusCode).toBe(200);
    expect((await as(g3.token).send('POST', '/app/v1/bk-us/promo-codes/redeem', { promoCode: 'nuggets2' })).json()).toMatchObject({
      code: 'PromoCodeNotRedeemable',
      details: { reason: 'used-up' },
    });
    expect((await as(g3.token).send('POST', '/app/v1/bk-us/promo-codes/redeem', { promoCode: 'NOPE' })).statusCode).toBe(404);
    const row = await db.kysely.selectFrom('promo_codes').select('uses').where('code', '=', 'NUGGETS2').executeTakeFirstOrThrow();
    expect(row.uses).toBe(2);

    await createPromoCode(db.kysely, programId, { code: 'FRIES-AT-TILL', incentiveId: 'rwd-small-fries', oncePerGuest: true }, now);
    const atTill = await pos('POST', '/loyalty/promo-code/redeem', { loyaltyId: ANA, promoCode: 'fries-at-till', posVendor: posVendor('PR-1') });
    expect(atTill.statusCode).toBe(200);
    expect(atTill.json()).toEqual({ incentiveId: 'rwd-small-fries', productId: '900101', productType: 'REWARD', name: 'Free Small Fries' });
    expect((await pos('POST', '/loyalty/promo-code/redeem', { loyaltyId: ANA, promoCode: 'FRIES-AT-TILL', posVendor: posVendor('PR-2') })).statusCode).toBe(
      409,
    );
    expect((await pos('POST', '/loyalty/promo-code/redeem', { promoCode: 'FRIES-AT-TILL', posVendor: posVendor('PR-3') })).statusCode).toBe(200);
    expect((await pos('POST', '/loyalty/promo-code/redeem', { promoCode: 'FRIES-AT-TILL', posVendor: posVendor('PR-4') }, other.key)).json()).toMatchObject({
      code: 'PromoCodeNotFound',
    });
    const missing = await pos('POST', '/loyalty/promo-code/redeem', { posVendor: posVendor('PR-5') });
    expect(missing.json()).toMatchObject({ code: 'ValidationError', details: { field: 'promoCode' } });

    await expect(createPromoCode(db.kysely, programId, { code: 'NUGGETS2', incentiveId: 'ofr-2-off-10' }, now)).rejects.toMatchObject({ code: 'Conflict' });
    await expect(createPromoCode(db.kysely, programId, { code: 'X', incentiveId: 'ofr-2-off-10' }, now)).rejects.toMatchObject({ details: { field: 'code' } });
  });

  it('rate-limits code look-ups per store and locks out after repeated misses (429)', async () => {
    const { code } = await (async () => {
      const { token } = await signIn('farhan@example.com');
      return (await as(token).send('POST', '/app/v1/bk-us/codes', { rewardIds: [] })).json();
    })();
    const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 10; i++) {
      const miss = await pos('POST', '/loyalty/identify', { identifier: wrong(i), posVendor: posVendor(`BF-${i}`, { storeId: '1001' }) });
      expect(miss.json().code).toBe('IdentifierNotFound');
    }
    const locked = await pos('POST', '/loyalty/identify', { identifier: code, posVendor: posVendor('BF-real', { storeId: '1001' }) });
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'RateLimited', statusCode: 429 });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Other stores are not locked out.
    expect((await pos('POST', '/loyalty/identify', { identifier: code, posVendor: posVendor('BF-real') })).statusCode).toBe(200);
  });

  describe('external identity provider', () => {
    const sign = (claims: Record<string, unknown>, opts: { key?: PrivateKey; exp?: number; aud?: string; kid?: string } = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? 'k1' })
        .setIssuer(ISSUER)
        .setAudience(opts.aud ?? AUDIENCE)
        .setIssuedAt(Math.floor(now.getTime() / 1000))
        .setExpirationTime(Math.floor(now.getTime() / 1000) + (opts.exp ?? 3600))
        .sign(opts.key ?? idpKey);

    it('maps sub to a guest, created on first sight, and links a verified e-mail', async () => {
      const token = await sign({ sub: 'user-1', email: 'idp.user@example.com', email_verified: true, name: 'Idp User' });
      const first = await as(token).get('/app/v1/bk-us/me');
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ name: 'Idp User', email: 'idp.user@example.com' });
      const again = await as(await sign({ sub: 'user-1' })).get('/app/v1/bk-us/me');
      expect(again.json().id).toBe(first.json().id);

      const anaViaIdp = await as(await sign({ sub: 'ana-at-idp', email: 'ana@example.com', email_verified: true })).get('/app/v1/bk-us/balance');
      expect(anaViaIdp.json()).toMatchObject({ balance: 3000 });
      // An unverified e-mail never links to an existing guest.
      const spoof = await as(await sign({ sub: 'spoofer', email: 'ana@example.com' })).get('/app/v1/bk-us/me');
      expect(spoof.json().id).not.toBe(ANA);
      expect(spoof.json().email).toBeNull();
    });

    it('refuses expired, tampered, foreign and wrong-audience tokens with 401', async () => {
      const expired = await as(await sign({ sub: 'user-1' }, { exp: -60 })).get('/app/v1/bk-us/me');
      expect(expired.json()).toMatchObject({ code: 'Unauthorized', statusCode: 401, details: { reason: 'expired' } });

      const good = await sign({ sub: 'user-1' });
      const [h, , s] = good.split('.');
      const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'someone-else', iss: ISSUER, aud: AUDIENCE, exp: 9_999_999_999 })).toString('base64url')}.${s}`;
      expect((await as(forged).get('/app/v1/bk-us/me')).statusCode).toBe(401);
      expect((await as(await sign({ sub: 'user-1' }, { key: strangerKey })).get('/app/v1/bk-us/me')).statusCode).toBe(401);
      expect((await as(await sign({ sub: 'user-1' }, { key: strangerKey, kid: 'unknown' })).get('/app/v1/bk-us/me')).statusCode).toBe(401);
      expect((await as(await sign({ sub: 'user-1' }, { aud: 'someone-else' })).get('/app/v1/bk-us/me')).statusCode).toBe(401);
      // The provider is configured for bk-us only.
      expect((await as(good).get('/app/v1/plk-ca/me')).statusCode).toBe(401);
    });
  });

  it('pages the ledger and documents every guest route in OpenAPI', async () => {
    const { token } = await signIn('claimer@example.com');
    const first = (await as(token).get('/app/v1/bk-us/ledger?limit=1')).json();
    expect(first.items).toHaveLength(1);
    expect(first.items[0]).toMatchObject({ kind: 'EARN', points: 100, balanceAfter: 100 });
    expect((await as(token).get('/app/v1/bk-us/transactions?limit=0')).json()).toMatchObject({ code: 'ValidationError', details: { field: 'limit' } });
    expect((await as(token).get('/app/v1/bk-us/ledger?cursor=bogus')).json()).toMatchObject({ code: 'ValidationError', details: { field: 'cursor' } });

    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of [
      '/app/v1/{program}/auth/start',
      '/app/v1/{program}/codes',
      '/app/v1/{program}/codes/{code}/qr.png',
      '/app/v1/{program}/receipts/claim',
      '/loyalty/promo-code/redeem',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/app/v1/{program}/receipts/claim'].post.responses['409']).toBeDefined();
  });

  it("explains eligibility with the guest's history as the POS decides it: a once-per-guest offer and a reward in cool-down", async () => {
    const plu = (p: string) => ({ partner: { pluType: 'constantPlu' as const, constantPlu: p } });
    await createIncentive(
      db.kysely,
      programId,
      { kind: 'OFFER', name: 'Once per guest', rules: [{ ruleId: 'max-redemption', args: { max: 1 } }], vendorConfigs: plu('920001') },
      now,
      'ofr-once-per-guest',
    );
    await createIncentive(
      db.kysely,
      programId,
      { kind: 'REWARD', name: 'Hourly cookie', pointCost: 100, rules: [{ ruleId: 'cool-down', args: { seconds: 3600 } }], vendorConfigs: plu('920002') },
      now,
      'rwd-cool-cookie',
    );
    await createIncentive(
      db.kysely,
      programId,
      { kind: 'OFFER', name: 'Web only', rules: [{ ruleId: 'authentication-required', args: { via: ['web'] } }], vendorConfigs: plu('920003') },
      now,
      'ofr-web-only',
    );
    const { token, guestId } = await signIn('history@example.com', 'Hale');
    await postEntries(db.kysely, programId, guestId, [{ kind: 'ADJUST', points: 500, transactionId: null, reason: 'test points' }], now.toISOString());
    const hale = as(token);
    const verdict = async (id: string, query = '') => {
      const list = (await hale.get(`/app/v1/bk-us/incentives${query}`)).json() as { rewards: { id: string }[]; offers: { id: string }[] };
      return [...list.rewards, ...list.offers].find((i) => i.id === id);
    };

    expect(await verdict('ofr-once-per-guest')).toMatchObject({ eligible: true, failures: [], checkedAtOrder: [] });
    expect(await verdict('rwd-cool-cookie')).toMatchObject({ eligible: true, failures: [] });
    // The channel is the one the POS will send: App by default, as for an order placed in the app.
    expect(await verdict('ofr-web-only')).toMatchObject({
      eligible: false,
      failures: [{ code: 'guest-not-authenticated', ruleId: 'authentication-required', incentiveId: 'ofr-web-only' }],
    });
    expect(await verdict('ofr-web-only', '?channel=Web')).toMatchObject({ eligible: true, failures: [] });
    expect((await hale.get('/app/v1/bk-us/incentives?channel=Kiosk')).json()).toMatchObject({ code: 'ValidationError', details: { field: 'channel' } });

    // A POS sale redeems both with the app's code.
    expect((await hale.send('PUT', '/app/v1/bk-us/selection', { rewardIds: ['rwd-cool-cookie'], offerId: 'ofr-once-per-guest' })).statusCode).toBe(200);
    const { code } = (await hale.send('POST', '/app/v1/bk-us/codes', {})).json();
    const identified = await pos('POST', '/loyalty/identify', { identifier: code, posVendor: posVendor('HIST-1') });
    expect(identified.statusCode).toBe(200);
    const txn = identified.json().transactionId as string;
    const claimed = await pos(
      'PUT',
      `/loyalty/transaction/pos/${txn}`,
      saleBody('HIST-1', [
        { price: '8.00' },
        { price: '0', productId: '920002', productType: 'reward', incentiveId: 'rwd-cool-cookie' },
        { price: '0', productId: '920001', productType: 'offer', incentiveId: 'ofr-once-per-guest' },
      ]),
    );
    expect(claimed.statusCode).toBe(200);
    expect(claimed.json()).toMatchObject({ pointsRedeemed: 100 });
    // What the sale redeemed leaves the pre-selection: the next code does not carry it again.
    expect((await hale.get('/app/v1/bk-us/selection')).json()).toMatchObject({ rewardIds: [], offerId: null, pointsReserved: 0 });
    // 500 − 100 redeemed + 80 earned; the buckets come from the expiry job's computation.
    expect((await hale.get('/app/v1/bk-us/balance')).json()).toMatchObject({
      balance: 480,
      buckets: [{ points: 480, expiresAt: new Date(now.getTime() + 180 * 86_400_000).toISOString(), due: false }],
    });

    // The app now says what the POS would say, in the RulesError vocabulary.
    expect(await verdict('ofr-once-per-guest')).toMatchObject({
      eligible: false,
      failures: [{ code: 'exceeds-max-redemption', ruleId: 'max-redemption', incentiveId: 'ofr-once-per-guest', currentValue: 2, targetValue: 1 }],
    });
    expect(await verdict('rwd-cool-cookie')).toMatchObject({
      eligible: false,
      failures: [{ code: 'cool-down-active', ruleId: 'cool-down', incentiveId: 'rwd-cool-cookie', currentValue: 0, targetValue: 3600 }],
    });
    const refused = await hale.send('PUT', '/app/v1/bk-us/selection', { rewardIds: [], offerId: 'ofr-once-per-guest' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      code: 'RulesError',
      details: { ruleEvaluation: [expect.objectContaining({ code: 'exceeds-max-redemption', ruleId: 'max-redemption' })] },
    });
    // So would a second sale.
    const again = await pos('POST', '/loyalty/identify', { identifier: guestId, posVendor: posVendor('HIST-2') });
    const validated = await pos(
      'POST',
      `/loyalty/transaction/pos/validate/${again.json().transactionId}`,
      saleBody('HIST-2', [{ price: '8.00' }, { price: '0', productId: '920001', productType: 'offer', incentiveId: 'ofr-once-per-guest' }], { channel: 'App' }),
    );
    expect(validated.json().details.ruleEvaluation).toEqual([expect.objectContaining({ code: 'exceeds-max-redemption', ruleId: 'max-redemption' })]);

    // An hour later the cool-down is over; the offer stays used up.
    now = new Date(now.getTime() + 3600_000);
    expect(await verdict('rwd-cool-cookie')).toMatchObject({ eligible: true, failures: [] });
    expect(await verdict('ofr-once-per-guest')).toMatchObject({ eligible: false });
  });
});
