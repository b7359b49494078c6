import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import { WebhookDeliverer } from '../../src/app/events/delivery.ts';
import { loadSecretKey } from '../../src/lib/secret-key.ts';
import type { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { DEMO_ADMIN_EMAIL } from '../../src/demo/seed.ts';
import { type AdminClient, type Answer, demoOwner, userWithRole } from '../support/admin.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { demoApp, FARHAN, PARTNER_KEY, saleBody } from '../support/fixtures.ts';

/**
 * Two programs in one deployment: everything of program A (the demo) is attacked with program B's
 * admin users and POS key. Every answer must be 403/404 and carry none of A's data.
 */
describe.each(ENGINES)('Multi-program isolation on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let loyalty: LoyaltyService;
  let ownerA: AdminClient;
  let adminB: AdminClient;
  let managerB: AdminClient;

  const A = {} as Record<
    | 'programId'
    | 'storeId'
    | 'keyId'
    | 'keyPrefix'
    | 'incentiveId'
    | 'guestId'
    | 'transactionId'
    | 'receiptCode'
    | 'webhookId'
    | 'deliveryId'
    | 'userId'
    | 'code',
    string
  >;
  const B = {} as Record<'programId' | 'storeId' | 'key' | 'incentiveId' | 'guestId' | 'transactionId', string>;
  let secretsOfA: string[];
  let paths: { method: string; path: string }[];

  const pos = (method: 'POST' | 'PUT', url: string, key: string, body?: unknown) =>
    app.inject({ method, url, headers: { 'x-api-key': key }, ...(body === undefined ? {} : { payload: body as object }) });

  beforeAll(async () => {
    db = await openTestDb(engine);
    ({ app, loyalty } = await demoApp(db));
    ownerA = await demoOwner(app);

    // ---- program A: the demo, plus a sale, a webhook, a delivery and a live one-time code ----
    A.programId = (await findProgramBySlug(db.kysely, 'bk-us'))!.id;
    A.storeId = (
      await db.kysely.selectFrom('stores').select('id').where('program_id', '=', A.programId).where('external_id', '=', '9999').executeTakeFirstOrThrow()
    ).id;
    const keyA = await db.kysely
      .selectFrom('api_keys')
      .select(['id', 'key_prefix'])
      .where('program_id', '=', A.programId)
      .where('vendor', '=', 'partner')
      .executeTakeFirstOrThrow();
    A.keyId = keyA.id;
    A.keyPrefix = keyA.key_prefix;
    A.incentiveId = 'rwd-whopper';
    A.guestId = FARHAN;
    const id = await pos('POST', '/loyalty/identify', PARTNER_KEY, {
      identifier: FARHAN,
      posVendor: { posType: 'Partner', storeId: '9999', terminal: '1', transactionId: 'A-1' },
    });
    A.transactionId = id.json().transactionId;
    expect((await pos('PUT', `/loyalty/transaction/pos/${A.transactionId}`, PARTNER_KEY, saleBody('A-1', [{ price: '9.99' }]))).statusCode).toBe(200);
    A.receiptCode = (
      await db.kysely.selectFrom('loyalty_transactions').select('receipt_code').where('id', '=', A.transactionId).executeTakeFirstOrThrow()
    ).receipt_code;
    const hook = await ownerA.call('POST', `/programs/${A.programId}/webhooks`, { url: 'http://127.0.0.1:9/a-only', eventTypes: ['*'] });
    A.webhookId = hook.body.webhook.id;
    await ownerA.call('POST', `/programs/${A.programId}/guests/${FARHAN}/adjustments`, { points: 5, reason: 'program A only' });
    await new WebhookDeliverer({ db: db.kysely, secrets: loadSecretKey({ keyText: null, production: false }).box }).dispatch();
    A.deliveryId = (await db.kysely.selectFrom('webhook_deliveries').select('id').where('program_id', '=', A.programId).executeTakeFirstOrThrow()).id;
    A.userId = (await ownerA.call('GET', '/me')).body.userId;
    A.code = (await loyalty.createCode(A.programId, FARHAN, ['rwd-whopper'])).code;
    // The demo owner administers every program (it even creates B below), so its id appears in B's
    // audit log as the author of B; its e-mail and everything of program A must not.
    secretsOfA = [
      A.programId,
      A.storeId,
      A.keyId,
      A.keyPrefix,
      A.incentiveId,
      A.guestId,
      A.transactionId,
      A.receiptCode,
      A.webhookId,
      A.deliveryId,
      DEMO_ADMIN_EMAIL,
      'bk-us',
      'farhan@example.com',
      'Royal Perks',
      'Times Square',
      'a-only',
    ];

    // ---- program B, built through the admin API, with its own owner and manager ----
    const program = await ownerA.call('POST', '/programs', {
      slug: 'tea-house',
      name: 'Tea House',
      currency: 'GBP',
      earnRateMilli: 10_000,
      expiry: { kind: 'none' },
    });
    B.programId = program.body.id;
    adminB = await userWithRole(app, db, 'owner', [B.programId], 'owner@tea.example');
    managerB = await userWithRole(app, db, 'program_manager', [B.programId], 'manager@tea.example');
    B.storeId = (await adminB.call('POST', `/programs/${B.programId}/stores`, { externalId: 'T1', name: 'Tea One', timeZone: 'Europe/London' })).body.id;
    B.key = (await adminB.call('POST', `/programs/${B.programId}/keys`, { vendor: 'partner', environment: 'production' })).body.key;
    B.incentiveId = (
      await managerB.call('POST', `/programs/${B.programId}/incentives`, {
        kind: 'REWARD',
        name: 'Free Tea',
        pointCost: 10,
        vendorConfigs: { partner: { pluType: 'constantPlu', constantPlu: '900102' } },
      })
    ).body.id;
    B.guestId = (await adminB.call('POST', `/programs/${B.programId}/guests`, { name: 'Tess', email: 'tess@tea.example' })).body.id;
    await adminB.call('POST', `/programs/${B.programId}/guests/${B.guestId}/adjustments`, { points: 100, reason: 'welcome' });
    const idB = await pos('POST', '/loyalty/identify', B.key, {
      identifier: B.guestId,
      posVendor: { posType: 'Partner', storeId: 'T1', terminal: '1', transactionId: 'B-1' },
    });
    B.transactionId = idB.json().transactionId;

    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    paths = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })));
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  /** A's data in an answer, other than what the caller itself sent (404 messages name the id asked for). */
  const leaks = (res: Answer | { body: string }, sent: unknown = '') => {
    const text = 'text' in res ? res.text : res.body;
    const asked = typeof sent === 'string' ? sent : JSON.stringify(sent);
    return secretsOfA.filter((s) => text.includes(s) && !asked.includes(s));
  };

  const ENTITY: Record<string, keyof typeof A> = {
    storeId: 'storeId',
    keyId: 'keyId',
    incentiveId: 'incentiveId',
    guestId: 'guestId',
    transactionId: 'transactionId',
    webhookId: 'webhookId',
    deliveryId: 'deliveryId',
    userId: 'userId',
  };
  /** Bodies that pass validation, so the answer is about the ids and not the body. */
  const BODIES: Record<string, unknown> = {
    'PATCH /admin/v1/programs/{programId}': { claimWindowDays: 1 },
    'POST /admin/v1/programs/{programId}/stores': { externalId: 'Z9', name: 'z', timeZone: 'UTC' },
    'PATCH /admin/v1/programs/{programId}/stores/{storeId}': { name: 'hijacked' },
    'POST /admin/v1/programs/{programId}/keys': { vendor: 'ncr', environment: 'production' },
    'POST /admin/v1/programs/{programId}/incentives': { kind: 'OFFER', name: 'x', vendorConfigs: {} },
    'PATCH /admin/v1/programs/{programId}/incentives/{incentiveId}': { name: 'hijacked' },
    'POST /admin/v1/programs/{programId}/guests': { name: 'x' },
    'PATCH /admin/v1/programs/{programId}/guests/{guestId}': { birthdate: '1990-01-01' },
    'POST /admin/v1/programs/{programId}/guests/{guestId}/adjustments': { points: 1000, reason: 'steal' },
    'POST /admin/v1/programs/{programId}/guests/{guestId}/claims': { receiptCode: 'ABCDEFGHJKMNPQRS' },
    'POST /admin/v1/programs/{programId}/incentives/preview': { incentive: { kind: 'OFFER', name: 'x', vendorConfigs: {} } },
    'POST /admin/v1/programs/{programId}/transactions/{transactionId}/void': { reason: 'x' },
    'POST /admin/v1/programs/{programId}/webhooks': { url: 'https://evil.example/hook', eventTypes: ['*'] },
    'PATCH /admin/v1/programs/{programId}/webhooks/{webhookId}': { url: 'https://evil.example/hook' },
  };
  const fill = (path: string, programId: string) =>
    path
      .replace('/admin/v1', '')
      .replace(/\{(\w+)\}/g, (_m, name: string) =>
        name === 'programId' ? programId : ENTITY[name] ? A[ENTITY[name]] : '00000000-0000-4000-8000-000000000000',
      );

  it('answers 404 to program B’s users for every admin route under program A, with none of A’s data', async () => {
    const underPrograms = paths.filter((p) => p.path.startsWith('/admin/v1/programs/{programId}'));
    expect(underPrograms.length).toBeGreaterThan(25);
    for (const user of [adminB, managerB]) {
      for (const { method, path } of underPrograms) {
        const body = method === 'GET' ? undefined : (BODIES[`${method} ${path}`] ?? {});
        const url = fill(path, A.programId);
        const res = await user.call(method as 'GET', url, body);
        expect([403, 404], `${method} ${path} → ${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
        expect(leaks(res, url + JSON.stringify(body ?? null)), `${method} ${path}`).toEqual([]);
      }
    }
  });

  it('answers 404 when B’s users name A’s entities under program B', async () => {
    const withEntity = paths.filter((p) =>
      /^\/admin\/v1\/programs\/\{programId\}\/.*\{(storeId|keyId|incentiveId|guestId|transactionId|webhookId|deliveryId)\}/.test(p.path),
    );
    expect(withEntity.length).toBeGreaterThan(15);
    for (const { method, path } of withEntity) {
      const body = method === 'GET' ? undefined : (BODIES[`${method} ${path}`] ?? {});
      const url = fill(path, B.programId);
      const res = await adminB.call(method as 'GET', url, body);
      expect(res.status, `${method} ${path} → ${res.text.slice(0, 200)}`).toBe(404);
      expect(leaks(res, url + JSON.stringify(body ?? null)), `${method} ${path}`).toEqual([]);
    }
    for (const q of [`email=farhan@example.com`, `id=${FARHAN}`, `receiptCode=${A.receiptCode}`, 'q=farhan']) {
      const res = await adminB.call('GET', `/programs/${B.programId}/guests?${q}`);
      expect(res.body.items, q).toEqual([]);
    }
    for (const q of [`receiptCode=${A.receiptCode}`, `guestId=${FARHAN}`, `storeId=${A.storeId}`, 'storeExternalId=9999']) {
      const res = await adminB.call('GET', `/programs/${B.programId}/transactions?${q}`);
      expect(res.body.items, q).toEqual([]);
    }
  });

  it('shows B’s users only B in lists, the audit log and users; A’s users and programs stay out of reach', async () => {
    const programs = await adminB.call('GET', '/programs');
    expect(programs.body.map((p: { id: string }) => p.id)).toEqual([B.programId]);
    for (const url of ['stores', 'keys', 'incentives', 'guests', 'transactions', 'webhooks', 'webhook-deliveries']) {
      const res = await adminB.call('GET', `/programs/${B.programId}/${url}`);
      expect(res.status, url).toBe(200);
      expect(leaks(res), `${url}: ${res.text.slice(0, 300)}`).toEqual([]);
    }
    const audit = await adminB.call('GET', '/audit');
    expect(audit.body.items.length).toBeGreaterThan(0);
    expect(audit.body.items.every((e: { programId: string }) => e.programId === B.programId)).toBe(true);
    expect(leaks(audit)).toEqual([]);
    expect((await adminB.call('GET', `/audit?programId=${A.programId}`)).status).toBe(404);

    const users = await adminB.call('GET', '/users');
    expect(users.body.map((u: { email: string }) => u.email).sort()).toEqual(['manager@tea.example', 'owner@tea.example']);
    expect((await adminB.call('POST', `/users/${A.userId}/disable`)).status).toBe(404);
    const grant = await adminB.call('POST', '/users', {
      email: 'spy@tea.example',
      name: 'spy',
      password: 'long-enough-1',
      role: 'read_only',
      programIds: [A.programId],
    });
    expect(grant.status).toBe(404);
    expect(leaks(grant)).toEqual([]);
  });

  it('answers 404 to B’s POS key for A’s stores, guests, codes, incentives and transactions', async () => {
    const vendorAt = (storeId: string, txn: string) => ({ posType: 'Partner', storeId, terminal: '1', transactionId: txn });
    const sent = [A.transactionId, A.code, A.incentiveId, FARHAN].join(' ');
    const attempts = [
      await pos('POST', '/loyalty/identify', B.key, { identifier: FARHAN, posVendor: vendorAt('9999', 'X-1') }),
      await pos('POST', '/loyalty/identify', B.key, { identifier: FARHAN, posVendor: vendorAt('T1', 'X-2') }),
      await pos('POST', '/loyalty/identify', B.key, { identifier: A.code, posVendor: vendorAt('T1', 'X-3') }),
      await pos('POST', `/loyalty/transaction/pos/validate/${A.transactionId}`, B.key, saleBody('A-1', [{ price: '1.00' }])),
      await pos('PUT', `/loyalty/transaction/pos/${A.transactionId}`, B.key, saleBody('A-1', [{ price: '1.00' }])),
      await pos('PUT', `/loyalty/transaction/pos/${A.transactionId}/void`, B.key),
      await pos('POST', `/loyalty/transaction/pos/${A.transactionId}/void`, B.key),
      await pos('POST', '/loyalty/transaction/pos', B.key, saleBody('X-4', [{ price: '1.00' }])),
      await pos('POST', `/loyalty/transaction/pos/validate/${B.transactionId}`, B.key, {
        ...saleBody('B-1', [{ price: '0', productId: '900102', productType: 'reward', incentiveId: A.incentiveId }]),
      }),
      await pos('POST', `/loyalty/transaction/pos/${B.transactionId}/void`, PARTNER_KEY),
    ];
    for (const res of attempts) {
      expect([403, 404], `${res.statusCode} ${res.body}`).toContain(res.statusCode);
      expect(leaks({ body: res.body }, sent), res.body).toEqual([]);
    }
  });

  it('left program A exactly as it was', async () => {
    const farhan = await db.kysely.selectFrom('guests').select('balance').where('id', '=', FARHAN).executeTakeFirstOrThrow();
    const view = await ownerA.call('GET', `/programs/${A.programId}/guests/${FARHAN}`);
    expect(view.body.guest.balance).toBe(farhan.balance);
    expect(view.body.ledger.items.some((e: { reason: string | null }) => e.reason === 'steal')).toBe(false);
    expect((await ownerA.call('GET', `/programs/${A.programId}`)).body.claimWindowDays).toBe(30);
    expect((await ownerA.call('GET', `/programs/${A.programId}/stores/${A.storeId}`)).body.name).toBe('Times Square');
    expect((await ownerA.call('GET', `/programs/${A.programId}/incentives/${A.incentiveId}`)).body).toMatchObject({ name: 'Free Whopper', active: true });
    expect((await ownerA.call('GET', `/programs/${A.programId}/transactions/${A.transactionId}`)).body.status).toBe('CLAIMED');
    expect((await ownerA.call('GET', `/programs/${A.programId}/webhooks/${A.webhookId}`)).body.url).toBe('http://127.0.0.1:9/a-only');
    expect((await ownerA.call('GET', `/programs/${A.programId}/keys`)).body.every((k: { status: string }) => k.status === 'active')).toBe(true);
    const bActors = [(await adminB.call('GET', '/me')).body.userId, (await managerB.call('GET', '/me')).body.userId];
    const touched = await db.kysely.selectFrom('audit_log').select('id').where('program_id', '=', A.programId).where('actor_id', 'in', bActors).execute();
    expect(touched).toEqual([]);
    expect(await db.kysely.selectFrom('stores').select('id').where('program_id', '=', A.programId).where('external_id', '=', 'Z9').execute()).toEqual([]);
  });
});
