import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL, demoAdminPassword, seedDemo } from '../../src/demo/seed.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { capturingSender, testApp } from '../support/fixtures.ts';
import { tillpoint } from '../support/server-process.ts';

/**
 * Issue 4's "done when": a newcomer, with only the README and the OpenAPI document, creates a
 * program, a store, a POS key and a reward with rules, signs a guest up, pre-selects the reward,
 * gets a code and runs a sale that the POS identifies and claims. Public HTTP only, from the owner
 * login `npm start` prints; README.md "From zero to a sale" is the same walk as curl commands
 * (executed by test/docs/readme-walkthrough.test.ts).
 */
describe.each(ENGINES)('from zero to a sale on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  // Wednesday 25 November 2026, 11:00 in Chicago.
  let now = new Date('2026-11-25T17:00:00Z');
  const clock = () => now;
  const { sent, sender } = capturingSender();

  beforeAll(async () => {
    db = await openTestDb(engine);
    await seedDemo(db.kysely, now); // what `npm start` does on an empty database: it prints the owner login
    ({ app } = await testApp(db, { clock, seed: 11, publicUrl: 'http://127.0.0.1:3000', guest: { sender, clock, configTtlMs: 0 } }));
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const call = async (method: InjectOptions['method'], url: string, headers: Record<string, string>, body?: unknown) => {
    const res = await app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.body ? (res.json() as any) : undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const basket = (
    posTxn: string,
    status: 'PENDING' | 'CLAIMED',
    lines: { name: string; price: string; productId: string; productType: string; incentiveId?: string }[],
  ) => ({
    channel: 'Restaurant',
    created: now.toISOString(),
    serviceMode: 'TAKEOUT',
    status,
    transactionDetails: {
      currency: 'USD',
      order: lines.map((l, i) => ({ quantity: 1, referenceId: String(i + 1), tax: 0, ...l })),
      payments: [{ amount: 950, type: 'CARD' }],
      posVendor: { posType: 'Partner', storeId: 'T-01', terminal: '1', transactionId: posTxn, operator: '7' },
    },
  });

  it('creates a program, a store, a POS key and a reward; signs a guest up; the POS identifies and claims a sale with the reward', async () => {
    // 0. The owner login that `npm start` prints.
    const login = await call('POST', '/admin/v1/auth/login', {}, { email: DEMO_ADMIN_EMAIL, password: demoAdminPassword() });
    expect(login.status).toBe(200);
    const admin = (method: InjectOptions['method'], url: string, body?: unknown) =>
      call(method, `/admin/v1${url}`, { authorization: `Bearer ${login.body.token}` }, body);

    // 1. A program: 10 points per dollar, points expire after 180 days without a visit.
    const program = await admin('POST', '/programs', {
      slug: 'taco-town',
      name: 'Taco Town',
      currency: 'USD',
      earnRateMilli: 10_000,
      expiry: { kind: 'inactivity', days: 180 },
    });
    expect(program.status).toBe(201);
    const P = program.body.id as string;

    // 2. A store: the POS sends its externalId as posVendor.storeId.
    const store = await admin('POST', `/programs/${P}/stores`, { externalId: 'T-01', name: 'Taco Town Loop', timeZone: 'America/Chicago' });
    expect(store.status).toBe(201);
    expect(store.body).toMatchObject({ externalId: 'T-01', loyaltyEnabled: true });

    // 3. A POS key, shown once.
    const issued = await admin('POST', `/programs/${P}/keys`, { vendor: 'partner', environment: 'production' });
    expect(issued.status).toBe(201);
    const KEY = issued.body.key as string;
    expect(KEY).toMatch(/^tpk_production_partner_/);

    // 4. A reward with rules: 50 points, orders of $8 or more, Monday to Friday; PLU 5001 at the POS.
    const reward = await admin('POST', `/programs/${P}/incentives`, {
      kind: 'REWARD',
      name: 'Free Taco',
      pointCost: 50,
      rules: [
        { ruleId: 'subtotal-spend', args: { minimumCents: 800 } },
        { ruleId: 'day-of-the-week', args: { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] } },
      ],
      vendorConfigs: { partner: { pluType: 'constantPlu', constantPlu: '5001' } },
    });
    expect(reward.status).toBe(201);
    const REWARD = reward.body.id as string;

    // 5. A guest signs up in the app with the e-mail login code (the log sender prints it).
    const B = '/app/v1/taco-town';
    expect((await call('POST', `${B}/auth/start`, {}, { email: 'rosa@example.com' })).status).toBe(202);
    const loginCode = sent.at(-1)!;
    expect(loginCode).toMatchObject({ email: 'rosa@example.com', programSlug: 'taco-town', signUp: true });
    const verified = await call('POST', `${B}/auth/verify`, {}, { email: 'rosa@example.com', code: loginCode.code, name: 'Rosa' });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ signedUp: true, guest: { name: 'Rosa', email: 'rosa@example.com' } });
    const GUEST = verified.body.guest.id as string;
    const guest = (method: InjectOptions['method'], url: string, body?: unknown) =>
      call(method, `${B}${url}`, { authorization: `Bearer ${verified.body.token}` }, body);

    // 6. Support credits a welcome bonus (with a reason; audited).
    const found = await admin('GET', `/programs/${P}/guests?email=rosa@example.com`);
    expect(found.body.items.map((g: { id: string }) => g.id)).toEqual([GUEST]);
    const adjusted = await admin('POST', `/programs/${P}/guests/${GUEST}/adjustments`, { points: 100, reason: 'welcome bonus' });
    expect(adjusted.status).toBe(201);
    expect(adjusted.body.guest.balance).toBe(100);

    // 7. The app lists the reward as eligible (the basket rule is left to the POS), pre-selects it and makes a code.
    const offered = await guest('GET', '/incentives?storeId=T-01');
    expect(offered.body.rewards).toEqual([expect.objectContaining({ id: REWARD, eligible: true, failures: [], checkedAtOrder: ['subtotal-spend'] })]);
    const selected = await guest('PUT', '/selection', { rewardIds: [REWARD] });
    expect(selected.status).toBe(200);
    expect(selected.body).toMatchObject({ rewardIds: [REWARD], pointsReserved: 50 });
    const created = await guest('POST', '/codes', {});
    expect(created.status).toBe(201);
    const CODE = created.body.code as string;
    expect(CODE).toMatch(/^\d{6}$/);

    // 8. The POS identifies the guest by the code: the balance net of the reward, the reward's PLU.
    const pos = (method: InjectOptions['method'], url: string, body: unknown) => call(method, url, { 'x-api-key': KEY }, body);
    const identified = await pos('POST', '/loyalty/identify', {
      identifier: CODE,
      posVendor: { posType: 'Partner', storeId: 'T-01', terminal: '1', transactionId: 'S-1', operator: '7' },
    });
    expect(identified.status).toBe(200);
    expect(identified.body).toMatchObject({
      balances: [{ amount: 50, currency: 'points' }],
      loyaltyUser: { id: GUEST, name: 'Rosa' },
      order: [{ productId: '5001', incentiveId: REWARD, productType: 'REWARD', quantity: '1' }],
    });
    const TXN = identified.body.transactionId as string;

    // 9. Validate: a $5 basket is refused by the reward's rule; $9.50 passes.
    const taco = { name: 'Free Taco', price: '0', productId: '5001', productType: 'reward', incentiveId: REWARD };
    const small = await pos(
      'POST',
      `/loyalty/transaction/pos/validate/${TXN}`,
      basket('S-1', 'CLAIMED', [{ name: 'Burrito', price: '5.00', productId: '101', productType: 'item' }, taco]),
    );
    expect(small.status).toBe(400);
    expect(small.body).toMatchObject({
      code: 'RulesError',
      details: {
        ruleEvaluation: [{ code: 'insufficient-subtotal-spend', ruleId: 'subtotal-spend', incentiveId: REWARD, currentValue: 500, targetValue: 800 }],
      },
    });
    const lines = [{ name: 'Burrito Bowl', price: '9.50', productId: '102', productType: 'item' }, taco];
    const validated = await pos('POST', `/loyalty/transaction/pos/validate/${TXN}`, basket('S-1', 'CLAIMED', lines));
    expect(validated.status).toBe(200);
    expect(validated.body).toMatchObject({ pointsEarned: 95, pointsRedeemed: 50 });

    // 10. PENDING reserves and previews, CLAIMED commits: −50 for the taco, +95 for $9.50.
    const pending = await pos('PUT', `/loyalty/transaction/pos/${TXN}`, basket('S-1', 'PENDING', lines));
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ pointsEarned: 95, pointsRedeemed: 50 });
    const claimed = await pos('PUT', `/loyalty/transaction/pos/${TXN}`, basket('S-1', 'CLAIMED', lines));
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ points: 145, pointsEarned: 95, pointsRedeemed: 50, loyaltyId: GUEST, transactionId: TXN });
    expect(claimed.body.receiptCode).toMatch(/^[0-9A-HJ-NP-Z]{16}$/);

    // 11. The guest sees it: the code used, the balance, the sale with its redemption and earn.
    expect((await guest('GET', `/codes/${CODE}`)).body).toMatchObject({ status: 'used', transactionId: TXN });
    // The redeemed reward has left the pre-selection: nothing is reserved any more.
    expect((await guest('GET', '/balance')).body).toMatchObject({ balance: 145, pointsReserved: 0, available: 145 });
    const history = await guest('GET', '/transactions');
    expect(history.body.items).toEqual([
      expect.objectContaining({
        id: TXN,
        status: 'CLAIMED',
        store: { id: 'T-01', name: 'Taco Town Loop' },
        pointsEarned: 95,
        pointsRedeemed: 50,
        receiptCode: claimed.body.receiptCode,
        // both entries of the sale carry the same instant, in no particular order
        ledger: expect.arrayContaining([expect.objectContaining({ kind: 'REDEEM', points: -50 }), expect.objectContaining({ kind: 'EARN', points: 95 })]),
      }),
    ]);
    expect((await guest('GET', '/ledger')).body.items.map((e: { kind: string; points: number }) => [e.kind, e.points])).toEqual(
      expect.arrayContaining([
        ['ADJUST', 100],
        ['REDEEM', -50],
        ['EARN', 95],
      ]),
    );
    // … and so does the back office.
    const sales = await admin('GET', `/programs/${P}/transactions?storeExternalId=T-01&status=CLAIMED`);
    expect(sales.body.items.map((t: { id: string }) => t.id)).toEqual([TXN]);

    // On a Saturday the app explains why the reward is not available, as the POS would.
    now = new Date('2026-11-28T17:00:00Z');
    const weekend = await guest('GET', '/incentives?storeId=T-01');
    expect(weekend.body.rewards).toEqual([
      expect.objectContaining({
        id: REWARD,
        eligible: false,
        failures: [expect.objectContaining({ code: 'invalid-day-of-the-week', ruleId: 'day-of-the-week', currentValue: 'SAT' })],
      }),
    ]);
  });

  it('gives a deployment started without --demo its first owner: `tillpoint admin create-user`', async () => {
    const { stdout } = await tillpoint([
      'admin',
      'create-user',
      '--email',
      'First.Owner@Taco.example',
      '--name',
      'First owner',
      '--json',
      '--database',
      db.url,
    ]);
    const { user, password } = JSON.parse(stdout) as { user: { id: string; email: string; role: string; programIds: unknown }; password: string };
    expect(user).toMatchObject({ email: 'first.owner@taco.example', role: 'owner', programIds: '*' });
    expect(password.length).toBeGreaterThanOrEqual(20);
    const login = await call('POST', '/admin/v1/auth/login', {}, { email: 'first.owner@taco.example', password });
    expect(login.status).toBe(200);
    const audit = await call('GET', `/admin/v1/audit?action=admin_user.create&entityId=${user.id}`, { authorization: `Bearer ${login.body.token}` });
    expect(audit.body.items).toEqual([
      expect.objectContaining({ entityType: 'admin_user', entityId: user.id, actor: expect.objectContaining({ type: 'cli' }) }),
    ]);
    expect(JSON.stringify(audit.body)).not.toContain(password);
    await expect(tillpoint(['admin', 'create-user', '--email', 'first.owner@taco.example', '--database', db.url])).rejects.toMatchObject({
      stderr: expect.stringContaining('already exists'),
    });
  }, 60_000);

  it('documents every route of the walk in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const walk: [string, string][] = [
      ['post', '/admin/v1/auth/login'],
      ['post', '/admin/v1/programs'],
      ['post', '/admin/v1/programs/{programId}/stores'],
      ['post', '/admin/v1/programs/{programId}/keys'],
      ['post', '/admin/v1/programs/{programId}/incentives'],
      ['get', '/admin/v1/programs/{programId}/guests'],
      ['post', '/admin/v1/programs/{programId}/guests/{guestId}/adjustments'],
      ['post', '/app/v1/{program}/auth/start'],
      ['post', '/app/v1/{program}/auth/verify'],
      ['get', '/app/v1/{program}/incentives'],
      ['put', '/app/v1/{program}/selection'],
      ['post', '/app/v1/{program}/codes'],
      ['post', '/loyalty/identify'],
      ['post', '/loyalty/transaction/pos/validate/{loyaltyTransactionId}'],
      ['put', '/loyalty/transaction/pos/{loyaltyTransactionId}'],
      ['get', '/app/v1/{program}/balance'],
      ['get', '/app/v1/{program}/transactions'],
    ];
    for (const [method, path] of walk) expect(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
  });
});
