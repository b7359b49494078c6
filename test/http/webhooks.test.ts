import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import { enqueueEvent } from '../../src/adapters/db/repositories/outbox.repository.ts';
import { backoffMs, startDeliveryLoop, WebhookDeliverer, type DeliveryConfig } from '../../src/app/events/delivery.ts';
import { Webhook } from 'standardwebhooks';
import { signWebhook, WEBHOOK_HEADERS } from '../../src/app/events/signing.ts';
import type { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { webhookDeliveryJob } from '../../src/jobs/webhook-delivery.job.ts';
import { loadSecretKey } from '../../src/lib/secret-key.ts';
import { type AdminClient, demoOwner } from '../support/admin.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { ANA, demoApp, FARHAN, PARTNER_KEY, saleBody } from '../support/fixtures.ts';
import { webhookReceiver } from '../support/receiver.ts';

const BASE = 1_000;
const WORKER = new URL('../support/delivery-worker.mjs', import.meta.url).pathname;

describe.each(ENGINES)('Events and webhook delivery on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let loyalty: LoyaltyService;
  let owner: AdminClient;
  let programId: string;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  let now: Date;
  const secrets = loadSecretKey({ keyText: null, production: false }).box;
  const deliverer = (config: Partial<DeliveryConfig> = {}) =>
    new WebhookDeliverer({ db: db.kysely, secrets, clock: () => now, random: () => 0.5, config: { baseBackoffMs: BASE, timeoutMs: 2_000, ...config } });

  beforeAll(async () => {
    db = await openTestDb(engine);
    ({ app, loyalty } = await demoApp(db));
    owner = await demoOwner(app);
    programId = (await findProgramBySlug(db.kysely, 'bk-us'))!.id;
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  let webhookIds: string[] = [];
  beforeEach(async () => {
    receiver = await webhookReceiver();
    now = new Date();
    // Every test starts with a clean slate: earlier tests' events are dispatched and their webhooks off.
    for (const id of webhookIds) await owner.call('PATCH', `/programs/${programId}/webhooks/${id}`, { active: false });
    webhookIds = [];
    await deliverer().runOnce();
  });
  afterEach(async () => {
    await receiver.close();
  });

  const subscribe = async (eventTypes: string[], path = '/hook') => {
    const res = await owner.call('POST', `/programs/${programId}/webhooks`, { url: `${receiver.url}${path}`, eventTypes, description: 'test' });
    expect(res.status, res.text).toBe(201);
    webhookIds.push(res.body.webhook.id);
    return res.body as { webhook: { id: string; secretPrefix: string }; secret: string };
  };
  const adjust = (points: number, guest = ANA) => owner.call('POST', `/programs/${programId}/guests/${guest}/adjustments`, { points, reason: 'webhook test' });
  const later = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };

  it('delivers an event once, signed, with its id and type in headers; the secret is shown only once', async () => {
    const { webhook, secret } = await subscribe(['points.adjusted']);
    expect(secret).toMatch(/^whsec_/);
    expect(secret.startsWith(webhook.secretPrefix)).toBe(true);
    const listed = await owner.call('GET', `/programs/${programId}/webhooks`);
    expect(listed.text).not.toContain(secret);
    const stored = await db.kysely.selectFrom('webhook_subscriptions').select('secret_enc').where('id', '=', webhook.id).executeTakeFirstOrThrow();
    expect(stored.secret_enc).not.toContain(secret.slice(6));

    await adjust(40);
    const round = await deliverer().runOnce();
    expect(round).toMatchObject({ dispatched: 1, delivered: 1, retrying: 0, dead: 0 });
    expect(receiver.received).toHaveLength(1);
    const req = receiver.received[0]!;
    const envelope = JSON.parse(req.body);
    expect(envelope).toMatchObject({ type: 'points.adjusted', programId, data: { guestId: ANA, points: 40, reason: 'webhook test', adjustedBy: 'admin' } });
    expect(req.headers['webhook-id']).toBe(envelope.id);
    expect(req.headers[WEBHOOK_HEADERS.eventType]).toBe('points.adjusted');
    expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    // The receiver verifies with the off-the-shelf Standard Webhooks library and the secret it was shown.
    expect(new Webhook(secret).verify(req.body, req.headers as Record<string, string>)).toEqual(envelope);
    expect(() =>
      new Webhook(`whsec_${Buffer.from('another secret of 32 bytes here!').toString('base64')}`).verify(req.body, req.headers as Record<string, string>),
    ).toThrow(/No matching signature/);
    expect(() => new Webhook(secret).verify(req.body.replace('40', '41'), req.headers as Record<string, string>)).toThrow(/No matching signature/);

    expect(await deliverer().runOnce()).toMatchObject({ dispatched: 0, delivered: 0 });
    expect(receiver.received).toHaveLength(1);
    const deliveries = await owner.call('GET', `/programs/${programId}/webhook-deliveries?webhookId=${webhook.id}`);
    expect(deliveries.body.items).toEqual([expect.objectContaining({ eventId: envelope.id, status: 'delivered', attempts: 1, lastStatusCode: 200 })]);
  });

  it('writes transaction.claimed and transaction.voided inside the sale’s own transactions, and only to subscribers of those types', async () => {
    await subscribe(['transaction.claimed', 'transaction.voided'], '/sales');
    await subscribe(['points.adjusted'], '/points');
    const principal = { keyId: 'k', programId, vendor: 'partner', environment: 'demo' };
    const id = await app.inject({
      method: 'POST',
      url: '/loyalty/identify',
      headers: { 'x-api-key': PARTNER_KEY },
      payload: { identifier: FARHAN, posVendor: { posType: 'Partner', storeId: '9999', terminal: '1', transactionId: 'W-1' } },
    });
    const txn = id.json().transactionId as string;
    const claim = await app.inject({
      method: 'PUT',
      url: `/loyalty/transaction/pos/${txn}`,
      headers: { 'x-api-key': PARTNER_KEY },
      payload: saleBody('W-1', [{ price: '5.00' }]),
    });
    expect(claim.statusCode).toBe(200);
    await loyalty.void(principal, txn);

    await deliverer().runOnce();
    expect(receiver.received.map((r) => `${r.path} ${r.headers[WEBHOOK_HEADERS.eventType]}`)).toEqual(
      expect.arrayContaining(['/sales transaction.claimed', '/sales transaction.voided']),
    );
    expect(receiver.received).toHaveLength(2);
    const claimed = JSON.parse(receiver.received.find((r) => r.headers[WEBHOOK_HEADERS.eventType] === 'transaction.claimed')!.body);
    expect(claimed.data).toMatchObject({ transactionId: txn, guestId: FARHAN, pointsEarned: 50, pointsRedeemed: 0, posTransactionId: 'W-1' });
    const voided = JSON.parse(receiver.received.find((r) => r.headers[WEBHOOK_HEADERS.eventType] === 'transaction.voided')!.body);
    expect(voided.data).toMatchObject({ transactionId: txn, previousStatus: 'CLAIMED', pointsTakenBack: 50, voidedBy: 'pos' });

    // A refused change leaves no event behind.
    const before = await db.kysely.selectFrom('outbox_events').select('id').execute();
    expect((await adjust(-10_000_000, ANA)).status).toBe(400);
    expect(await db.kysely.selectFrom('outbox_events').select('id').execute()).toHaveLength(before.length);
  });

  it('retries with exponential backoff and delivers when the receiver recovers', async () => {
    await subscribe(['points.adjusted']);
    let calls = 0;
    receiver.respondWith(() => (++calls <= 2 ? 503 : 200));
    await adjust(1);
    const start = now.getTime();

    expect(await deliverer().runOnce()).toMatchObject({ dispatched: 1, retrying: 1 });
    let row = await db.kysely.selectFrom('webhook_deliveries').selectAll().where('status', '=', 'pending').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ attempts: 1, last_status_code: 503 });
    expect(row.last_error).toContain('HTTP 503');
    expect(Date.parse(row.next_attempt_at) - start).toBe(backoffMs(1, { baseBackoffMs: BASE, maxBackoffMs: 1e9 }, () => 0.5));

    expect(await deliverer().runOnce()).toMatchObject({ delivered: 0, retrying: 0 }); // not due yet
    later(BASE);
    expect(await deliverer().runOnce()).toMatchObject({ retrying: 1 });
    row = await db.kysely.selectFrom('webhook_deliveries').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(Date.parse(row.next_attempt_at) - now.getTime()).toBe(2 * BASE);
    later(2 * BASE);
    expect(await deliverer().runOnce()).toMatchObject({ delivered: 1 });
    row = await db.kysely.selectFrom('webhook_deliveries').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200 });
    // Every attempt carried the same event id: the receiver de-duplicates on it.
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(receiver.received.map((r) => r.headers[WEBHOOK_HEADERS.attempt])).toEqual(['1', '2', '3']);
  });

  it('gives up after N attempts into the dead-letter view, and re-sends on request', async () => {
    const { webhook } = await subscribe(['points.adjusted']);
    receiver.respondWith(() => 500);
    await adjust(2);
    for (let i = 0; i < 3; i++) {
      await deliverer({ maxAttempts: 3 }).runOnce();
      later(10 * BASE);
    }
    const dead = await owner.call('GET', `/programs/${programId}/webhook-deliveries?status=dead&webhookId=${webhook.id}`);
    expect(dead.body.items).toEqual([expect.objectContaining({ status: 'dead', attempts: 3, lastStatusCode: 500, deadAt: expect.any(String) })]);
    const deliveryId = dead.body.items[0].id as string;
    expect(await deliverer({ maxAttempts: 3 }).runOnce()).toMatchObject({ delivered: 0, retrying: 0, dead: 0 });

    const detail = await owner.call('GET', `/programs/${programId}/webhook-deliveries/${deliveryId}`);
    expect(detail.body.event).toMatchObject({ type: 'points.adjusted', data: { points: 2 } });

    receiver.respondWith(() => 204);
    const resent = await owner.call('POST', `/programs/${programId}/webhook-deliveries/${deliveryId}/resend`);
    expect(resent.body).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await owner.call('POST', `/programs/${programId}/webhook-deliveries/${deliveryId}/resend`)).status).toBe(409);
    expect(await deliverer({ maxAttempts: 3 }).runOnce()).toMatchObject({ delivered: 1 });
    const audit = await owner.call('GET', `/audit?entityType=webhook_delivery&entityId=${deliveryId}`);
    expect(audit.body.items).toEqual([expect.objectContaining({ action: 'webhook_delivery.resend' })]);
  });

  it('treats a receiver that does not answer in time as a failure to retry', async () => {
    await subscribe(['points.adjusted']);
    receiver.respondWith(() => 'hang');
    await adjust(3);
    expect(await deliverer({ timeoutMs: 200 }).runOnce()).toMatchObject({ retrying: 1 });
    const row = await db.kysely.selectFrom('webhook_deliveries').selectAll().where('status', '=', 'pending').executeTakeFirstOrThrow();
    expect(row.last_error).toContain('no answer within 200 ms');
  });

  it('sends deliveries of a switched-off webhook to the dead letters; a rotated secret signs later attempts', async () => {
    const { webhook, secret } = await subscribe(['points.adjusted']);
    receiver.respondWith(() => 500);
    await adjust(4);
    await deliverer().runOnce();
    const rotated = await owner.call('POST', `/programs/${programId}/webhooks/${webhook.id}/rotate-secret`);
    expect(rotated.status).toBe(201);
    const fresh = rotated.body.secret as string;
    expect(fresh).not.toBe(secret);
    receiver.respondWith(() => 200);
    later(BASE);
    await deliverer().runOnce();
    const last = receiver.received.at(-1)!;
    const headers = last.headers as Record<string, string>;
    expect(new Webhook(fresh).verify(last.body, headers)).toMatchObject({ type: 'points.adjusted' });
    expect(() => new Webhook(secret).verify(last.body, headers)).toThrow(/No matching signature/);

    receiver.respondWith(() => 500);
    await adjust(5);
    await deliverer().runOnce();
    await owner.call('PATCH', `/programs/${programId}/webhooks/${webhook.id}`, { active: false });
    later(BASE);
    expect(await deliverer().runOnce()).toMatchObject({ dead: 1 });
    const dead = await owner.call('GET', `/programs/${programId}/webhook-deliveries?status=dead&webhookId=${webhook.id}`);
    expect(dead.body.items[0]).toMatchObject({ lastError: 'webhook is disabled' });
  });

  it('several worker processes deliver each event exactly once when nothing fails', async () => {
    await subscribe(['*']);
    const seen = new Map<string, number>();
    receiver.respondWith((r) => {
      const id = r.headers['webhook-id'] as string;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      return 200;
    });
    await db.kysely.transaction().execute(async (trx) => {
      for (let i = 0; i < 40; i++) await enqueueEvent(trx, programId, 'points.expired', { guestId: ANA, points: i }, new Date().toISOString());
    });
    const run = promisify(execFile);
    const outputs = await Promise.all(Array.from({ length: 3 }, () => run(process.execPath, [WORKER, db.url], { env: process.env, timeout: 60_000 })));
    expect(outputs.every((o) => /rounds \d+/.test(o.stdout))).toBe(true);
    expect(seen.size).toBe(40);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const rows = await db.kysely.selectFrom('webhook_deliveries').select(['status']).where('event_type', '=', 'points.expired').execute();
    expect(rows).toHaveLength(40);
    expect(rows.every((c) => c.status === 'delivered')).toBe(true);
  });

  it('keeps delivering in a loop beside serve until stopped', async () => {
    await subscribe(['points.adjusted']);
    const loop = startDeliveryLoop(deliverer(), { intervalMs: 20 });
    try {
      await adjust(7);
      for (let i = 0; i < 100 && receiver.received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await loop.stop();
    }
    expect(receiver.received).toHaveLength(1);
  });

  it('signs with a secret issued before Standard Webhooks (base64url) under the same key, which receivers read as base64', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const old = `whsec_${key.toString('base64url')}`;
    const body = '{"id":"evt_1"}';
    const at = new Date();
    const headers = signWebhook(old, 'evt_1', at, body);
    expect(new Webhook(`whsec_${key.toString('base64')}`).verify(body, headers)).toEqual({ id: 'evt_1' });
  });

  it('runs as a job object', async () => {
    await subscribe(['points.adjusted']);
    await adjust(6);
    expect(webhookDeliveryJob.id).toBe('webhook-delivery');
    expect(await webhookDeliveryJob.run({ db, secrets })).toMatchObject({ dispatched: 1, delivered: 1 });
  });
});
