import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import { type AdminClient, demoOwner, userWithRole } from '../support/admin.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { ANA, demoApp, PARTNER_KEY, posVendor } from '../support/fixtures.ts';

describe.each(ENGINES)('Admin API: promo codes on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let owner: AdminClient;
  let programId: string;
  let otherProgramId: string;
  let otherIncentiveId: string;

  beforeAll(async () => {
    db = await openTestDb(engine);
    ({ app } = await demoApp(db));
    owner = await demoOwner(app);
    programId = (await findProgramBySlug(db.kysely, 'bk-us'))!.id;
    const other = await owner.call('POST', '/programs', { slug: 'tea-club', name: 'Tea Club', currency: 'EUR', earnRateMilli: 1000, expiry: { kind: 'none' } });
    expect(other.status).toBe(201);
    otherProgramId = other.body.id;
    const incentive = await owner.call('POST', `/programs/${otherProgramId}/incentives`, {
      kind: 'OFFER',
      name: 'Free tea',
      vendorConfigs: { partner: { pluType: 'constantPlu', constantPlu: '700001' } },
    });
    expect(incentive.status).toBe(201);
    otherIncentiveId = incentive.body.id;
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const redeemAtPos = (promoCode: string, txn: string, loyaltyId?: string) =>
    app.inject({
      method: 'POST',
      url: '/loyalty/promo-code/redeem',
      headers: { 'x-api-key': PARTNER_KEY },
      payload: { ...(loyaltyId ? { loyaltyId } : {}), promoCode, posVendor: posVendor(txn) },
    });

  it('creates a promo code (upper-case, audited) that guests and POS can redeem, and lists it with its uses', async () => {
    const created = await owner.call('POST', `/programs/${programId}/promo-codes`, {
      code: 'fries-week',
      incentiveId: 'rwd-small-fries',
      maxUses: 3,
      validUntil: '2099-01-01T00:00:00Z',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      programId,
      code: 'FRIES-WEEK',
      incentiveId: 'rwd-small-fries',
      maxUses: 3,
      uses: 0,
      oncePerGuest: true,
      validFrom: null,
      validUntil: '2099-01-01T00:00:00.000Z',
      active: true,
      disabledAt: null,
    });

    const redeemed = await redeemAtPos('Fries-Week', 'PC-1', ANA);
    expect(redeemed.statusCode).toBe(200);
    expect(redeemed.json()).toMatchObject({ incentiveId: 'rwd-small-fries', productType: 'REWARD' });

    const listed = await owner.call('GET', `/programs/${programId}/promo-codes`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([expect.objectContaining({ id: created.body.id, code: 'FRIES-WEEK', uses: 1 })]);
    expect((await owner.call('GET', `/programs/${programId}/promo-codes/fries-week`)).body).toMatchObject({ id: created.body.id, uses: 1 });
    expect((await owner.call('GET', `/programs/${programId}/promo-codes/${created.body.id}`)).body).toMatchObject({ code: 'FRIES-WEEK' });

    const audit = await owner.call('GET', `/audit?programId=${programId}&entityType=promo_code`);
    expect(audit.body.items).toEqual([
      expect.objectContaining({ action: 'promo_code.create', entityId: created.body.id, after: expect.objectContaining({ code: 'FRIES-WEEK' }) }),
    ]);
  });

  it('disables a promo code: no longer redeemable, audited once with the reason, filtered by active', async () => {
    const created = await owner.call('POST', `/programs/${programId}/promo-codes`, {
      code: 'NUGGETS-OFF',
      incentiveId: 'ofr-drive-thru-nuggets',
      oncePerGuest: false,
    });
    expect(created.status).toBe(201);
    expect((await redeemAtPos('NUGGETS-OFF', 'PC-2')).statusCode).toBe(200);

    const disabled = await owner.call('POST', `/programs/${programId}/promo-codes/nuggets-off/disable`, { reason: 'leaked on a forum' });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id: created.body.id, active: false, uses: 1, disabledAt: expect.any(String) });
    expect((await redeemAtPos('NUGGETS-OFF', 'PC-3')).json()).toMatchObject({ code: 'PromoCodeNotFound', statusCode: 404 });

    const again = await owner.call('POST', `/programs/${programId}/promo-codes/${created.body.id}/disable`);
    expect(again.status).toBe(200);
    expect(again.body.disabledAt).toBe(disabled.body.disabledAt);
    const audit = await owner.call('GET', `/audit?programId=${programId}&entityId=${created.body.id}`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['promo_code.disable', 'promo_code.create']);
    expect(audit.body.items[0]).toMatchObject({ reason: 'leaked on a forum', before: { active: true }, after: { active: false } });

    expect((await owner.call('GET', `/programs/${programId}/promo-codes?active=false`)).body.map((p: { code: string }) => p.code)).toEqual(['NUGGETS-OFF']);
    expect((await owner.call('GET', `/programs/${programId}/promo-codes?active=true`)).body.map((p: { code: string }) => p.code)).toEqual(['FRIES-WEEK']);
    expect((await owner.call('GET', `/programs/${programId}/promo-codes?incentiveId=rwd-small-fries`)).body).toHaveLength(1);
  });

  it('answers 4xx naming the field for bad input, 409 for a code taken, and never a 500', async () => {
    const post = (body: unknown) => owner.call('POST', `/programs/${programId}/promo-codes`, body);
    expect((await post({ code: 'FRIES-WEEK', incentiveId: 'rwd-small-fries' })).body).toMatchObject({
      code: 'Conflict',
      statusCode: 409,
      details: { field: 'code' },
    });
    expect((await post({ code: 'X', incentiveId: 'rwd-small-fries' })).body).toMatchObject({ statusCode: 400, details: { field: 'code' } });
    expect((await post({ code: 'SPACES IN', incentiveId: 'rwd-small-fries' })).body).toMatchObject({ statusCode: 400, details: { field: 'code' } });
    expect((await post({ code: 'NO-SUCH', incentiveId: 'nope' })).body).toMatchObject({ statusCode: 400, details: { field: 'incentiveId' } });
    expect((await post({ code: 'OTHER-PROGRAM', incentiveId: otherIncentiveId })).body).toMatchObject({ statusCode: 400, details: { field: 'incentiveId' } });
    expect((await post({ code: 'ZERO', incentiveId: 'rwd-small-fries', maxUses: 0 })).body).toMatchObject({ statusCode: 400, details: { field: 'maxUses' } });
    expect((await post({ code: 'BIG', incentiveId: 'rwd-small-fries', maxUses: 1e308 })).body).toMatchObject({
      statusCode: 400,
      details: { field: 'maxUses' },
    });
    expect((await post({ code: 'WHEN', incentiveId: 'rwd-small-fries', validFrom: 'tomorrow' })).body).toMatchObject({
      statusCode: 400,
      details: { field: 'validFrom' },
    });
    expect(
      (await post({ code: 'BACKWARDS', incentiveId: 'rwd-small-fries', validFrom: '2030-01-02T00:00:00Z', validUntil: '2030-01-01T00:00:00Z' })).body,
    ).toMatchObject({
      statusCode: 400,
      details: { field: 'validUntil' },
    });
    expect((await post({ code: 'EXTRA', incentiveId: 'rwd-small-fries', uses: 5 })).status).toBe(400);
    expect((await owner.call('GET', `/programs/${programId}/promo-codes/NOT-THERE`)).status).toBe(404);
    expect((await owner.call('POST', `/programs/${programId}/promo-codes/NOT-THERE/disable`)).status).toBe(404);
  });

  it('keeps programs apart: a user of another program sees 404, read_only may list but not create', async () => {
    const outsider = await userWithRole(app, db, 'program_manager', [otherProgramId]);
    expect((await outsider.call('GET', `/programs/${programId}/promo-codes`)).status).toBe(404);
    expect((await outsider.call('POST', `/programs/${programId}/promo-codes`, { code: 'SNEAKY', incentiveId: 'rwd-small-fries' })).status).toBe(404);
    expect((await outsider.call('POST', `/programs/${programId}/promo-codes/FRIES-WEEK/disable`)).status).toBe(404);
    // the code of one program is not a code of another
    expect((await outsider.call('GET', `/programs/${otherProgramId}/promo-codes/FRIES-WEEK`)).status).toBe(404);
    const mine = await outsider.call('POST', `/programs/${otherProgramId}/promo-codes`, { code: 'FRIES-WEEK', incentiveId: otherIncentiveId });
    expect(mine.status).toBe(201);

    const reader = await userWithRole(app, db, 'read_only', [programId]);
    expect((await reader.call('GET', `/programs/${programId}/promo-codes`)).status).toBe(200);
    expect((await reader.call('POST', `/programs/${programId}/promo-codes`, { code: 'READER', incentiveId: 'rwd-small-fries' })).status).toBe(403);
    expect((await reader.call('POST', `/programs/${programId}/promo-codes/FRIES-WEEK/disable`)).status).toBe(403);
  });

  it('documents the promo-code routes in /openapi.json', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { description?: string; responses: Record<string, unknown> }>>;
    };
    expect(doc.paths['/admin/v1/programs/{programId}/promo-codes']?.post?.description).toMatch(/^Requires `manage`/);
    expect(doc.paths['/admin/v1/programs/{programId}/promo-codes']?.get?.description).toMatch(/^Requires `read`/);
    expect(doc.paths['/admin/v1/programs/{programId}/promo-codes/{promoCodeId}/disable']?.post?.responses).toHaveProperty('200');
  });
});
