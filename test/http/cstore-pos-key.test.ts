import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyToRegister } from '../../src/adapters/db/repositories/update-batches.repository.ts';
import { inTransaction } from '../../src/adapters/db/tx.ts';
import { buildApp } from '../../src/adapters/http/app.ts';
import { Metrics } from '../../src/adapters/http/metrics.ts';
import { AdminAuthService } from '../../src/app/admin-auth.service.ts';
import { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { DEMO_ADMIN_EMAIL, DEMO_SLUG, demoAdminPassword, demoKey, seedDemo } from '../../src/demo/seed.ts';
import type { Promotion } from '../../src/domain/promotions/promotion.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { ANA, BEN, FARHAN, PARTNER_KEY, posVendor, seededRandom } from '../support/fixtures.ts';
import { appServices } from '../support/services.ts';

/**
 * A c-store location linked to a Loyalty-API store: the store's POS keys report the location's
 * sales (docs/scan-data.md "Sales in by POS key") and its validate answers the promotions to apply
 * (docs/loyalty-api.md "Validate for a c-store basket").
 */

const CAMEL_BLUE = '012300000123';
const CAMEL_CRUSH = '012300000130';
const MARLBORO = '028200003843';
const NOW = new Date('2026-12-02T15:00:00.000Z'); // Wednesday 10:00 in New York

const promotion = (over: Partial<Promotion>): Promotion => ({
  manufacturer: 'rjr',
  externalId: 'BD-1',
  type: 'buydown',
  description: 'CAMEL $0.50 BUYDOWN',
  brand: 'Camel',
  upcs: [CAMEL_BLUE, CAMEL_CRUSH],
  startDate: '2026-11-01',
  endDate: '2026-12-31',
  amountCents: 50,
  quantity: 1,
  maxPerTransaction: null,
  status: 'active',
  lastModified: null,
  ...over,
});

interface Line {
  productId: string;
  price: string;
  quantity?: number;
  productType?: string;
  name?: string;
}

/** A Loyalty API transaction body of the c-store POS: UPCs as productId. */
const body = (posTxn: string, lines: Line[], over: Record<string, unknown> = {}, vendor: Record<string, unknown> = {}) => ({
  channel: 'Restaurant',
  created: '2026-12-02T14:59:00Z',
  transactionDetails: {
    currency: 'USD',
    order: lines.map((l, i) => ({
      name: l.name ?? `line ${i + 1}`,
      price: l.price,
      productId: l.productId,
      productType: l.productType ?? 'item',
      quantity: l.quantity ?? 1,
      referenceId: String(i + 1),
      tax: 0,
    })),
    payments: [{ amount: 2000, type: 'VISA' }],
    posVendor: posVendor(posTxn, { storeId: '9999', terminal: '3', ...vendor }),
  },
  ...over,
});

describe.each(ENGINES)('the c-store POS on the Loyalty API (%s)', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let programId: string;
  let storeId: string;
  let otherStoreId: string;
  let locationId: string;
  let auth: Record<string, string>;
  const clock = () => new Date(NOW);

  const pos = (method: 'POST' | 'PUT', url: string, payload: unknown, key = PARTNER_KEY) =>
    app.inject({ method, url, headers: { 'x-api-key': key }, payload: payload as object });
  const admin = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    app.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) });
  const identify = async (guest: string, posTxn: string, key = PARTNER_KEY) => {
    const r = await pos('POST', '/loyalty/identify', { identifier: guest, posVendor: posVendor(posTxn, { storeId: '9999', terminal: '3' }) }, key);
    expect(r.statusCode, r.body).toBe(200);
    return (r.json() as { transactionId: string }).transactionId;
  };
  const salesOf = async (transactionId: string) => {
    const sales = await db.kysely.selectFrom('cstore_sales').selectAll().where('pos_transaction_id', '=', transactionId).execute();
    const lines = sales.length
      ? await db.kysely
          .selectFrom('cstore_sale_lines')
          .selectAll()
          .where(
            'sale_id',
            'in',
            sales.map((s) => s.id),
          )
          .orderBy('line_number')
          .execute()
      : [];
    return { sales, lines };
  };
  const link = (target: string | null, location = locationId) => admin('PATCH', `/admin/v1/cstore/locations/${location}`, { storeId: target });

  beforeAll(async () => {
    db = await openTestDb(engine);
    await seedDemo(db.kysely, NOW);
    const loyalty = new LoyaltyService({ db, randomIndex: seededRandom(), publicUrl: 'http://tillpoint.test', clock, configTtlMs: 0 });
    app = await buildApp({
      ...appServices(db, {}, { clock }),
      db,
      loyalty,
      adminAuth: new AdminAuthService(db.kysely, clock),
      metrics: new Metrics(),
      version: 'test',
      logger: false,
    });
    const login = await app.inject({ method: 'POST', url: '/admin/v1/auth/login', payload: { email: DEMO_ADMIN_EMAIL, password: demoAdminPassword() } });
    auth = { authorization: `Bearer ${(login.json() as { token: string }).token}` };
    programId = ((await admin('GET', '/admin/v1/programs')).json() as { id: string; slug: string }[]).find((p) => p.slug === DEMO_SLUG)!.id;
    const stores = (await admin('GET', `/admin/v1/programs/${programId}/stores`)).json() as { id: string; externalId: string }[];
    storeId = stores.find((s) => s.externalId === '9999')!.id;
    otherStoreId = stores.find((s) => s.externalId === '1001')!.id;
    const created = await admin('POST', `/admin/v1/cstore/programs/${programId}/locations`, {
      name: 'Times Square Fuel',
      address: '1 Broadway, New York, NY 10036',
      timeZone: 'America/New_York',
      posSystem: 'other',
    });
    expect(created.statusCode, created.body).toBe(201);
    locationId = (created.json() as { id: string; storeId: string | null }).id;
    expect(created.json()).toMatchObject({ storeId: null });
    // The register's accepted state: a Camel buydown and a Camel 2-pack multipack.
    await inTransaction(db.kysely, (trx) =>
      applyToRegister(
        trx,
        locationId,
        'batch-test',
        NOW.toISOString(),
        [promotion({}), promotion({ externalId: 'MP-1', type: 'multipack', description: 'CAMEL 2 PACKS SAVE $1.00', quantity: 2, amountCents: 100 })].map(
          (p) => ({ manufacturer: p.manufacturer, externalId: p.externalId, promotion: JSON.stringify(p) }),
        ),
        [],
      ),
    );
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const camelBasket = (posTxn: string) => body(posTxn, [{ productId: CAMEL_BLUE, price: '8.99', quantity: 2, name: 'Camel Blue' }], { loyaltyId: ANA });

  it('an unlinked store answers validate as before, and records no c-store sale', async () => {
    const txn = await identify(ANA, 'V-0');
    const before = await pos('POST', `/loyalty/transaction/pos/validate/${txn}`, camelBasket('V-0'));
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).not.toHaveProperty('eligibleDiscounts');
    const sale = await pos('POST', '/loyalty/transaction/pos', body('U-0', [{ productId: CAMEL_BLUE, price: '8.99' }]));
    expect(sale.statusCode, sale.body).toBe(200);
    expect((await salesOf('U-0')).sales).toHaveLength(0);

    // Linked, the same validate prices the tobacco lines; unlinked again, byte for byte as before.
    expect((await link(storeId)).statusCode).toBe(200);
    const linked = await pos('POST', `/loyalty/transaction/pos/validate/${txn}`, camelBasket('V-0'));
    expect(linked.json()).toHaveProperty('eligibleDiscounts');
    expect((await link(null)).json()).toMatchObject({ storeId: null });
    const after = await pos('POST', `/loyalty/transaction/pos/validate/${txn}`, camelBasket('V-0'));
    expect(after.body).toBe(before.body);
  });

  it('links a location to a store of its program through the admin API, audited, one location per store', async () => {
    const r = await link(storeId);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ id: locationId, storeId });
    expect((await admin('GET', `/admin/v1/cstore/locations/${locationId}`)).json()).toMatchObject({ storeId });

    const audit = await db.kysely
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('entity_id', '=', locationId)
      .where('action', '=', 'location.updated')
      .execute();
    expect(audit.some((a) => String(a.after).includes(storeId))).toBe(true);

    const second = await admin('POST', `/admin/v1/cstore/programs/${programId}/locations`, {
      name: 'Second',
      address: '2 Broadway',
      timeZone: 'America/New_York',
      posSystem: 'other',
      storeId,
    });
    expect(second.statusCode, second.body).toBe(409);
    expect(second.json()).toMatchObject({ code: 'Conflict', details: { field: 'storeId' } });
    const unknown = await link('00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'ValidationError', details: { field: 'storeId' } });
    expect((await link('not-a-store')).json()).toMatchObject({ details: { field: 'storeId' } });
  });

  it('records an anonymous sale’s UPC lines as a c-store sale; a replay records nothing more; another basket under the id keeps the first', async () => {
    const sale = body('U-1', [
      { productId: CAMEL_BLUE, price: '8.99', quantity: 2, name: 'Camel Blue' },
      { productId: '2001', price: '3.49', name: 'Coffee' }, // a PLU, not a UPC: not a c-store line
      { productId: '012300000124', price: '1.00', name: 'Bad check digit' }, // refused as UPC, the sale goes on
      { productId: `0${MARLBORO}`, price: '9.49', name: 'Marlboro' }, // EAN-13 form
    ]);
    const first = await pos('POST', '/loyalty/transaction/pos', sale);
    expect(first.statusCode, first.body).toBe(200);
    const { sales, lines } = await salesOf('U-1');
    expect(sales).toHaveLength(1);
    expect(sales[0]).toMatchObject({
      location_id: locationId,
      register_id: '3',
      sold_at: '2026-12-02T14:59:00.000Z',
      local_date: '2026-12-02',
      tender: 'credit',
      loyalty_id: null,
      age_verification: 'none',
    });
    expect(Number(sales[0]!.total_cents)).toBe(2 * 899 + 949);
    expect(lines.map((l) => [l.upc, Number(l.quantity), Number(l.unit_price_cents), l.description])).toEqual([
      [CAMEL_BLUE, 2, 899, 'Camel Blue'],
      [MARLBORO, 1, 949, 'Marlboro'],
    ]);

    const again = await pos('POST', '/loyalty/transaction/pos', sale);
    expect(again.body).toBe(first.body);
    const other = await pos('POST', '/loyalty/transaction/pos', body('U-1', [{ productId: MARLBORO, price: '9.49', quantity: 5 }]));
    expect(other.statusCode).toBe(200);
    expect((other.json() as { transactionId: string }).transactionId).toBe((first.json() as { transactionId: string }).transactionId);
    const still = await salesOf('U-1');
    expect(still.sales.map((s) => s.id)).toEqual(sales.map((s) => s.id));
    expect(still.lines).toHaveLength(2);
  });

  it('records a CLAIMED sale with the guest’s loyalty id once, refuses another body, and records its void negative', async () => {
    const txn = await identify(FARHAN, 'C-1');
    const claim = { ...body('C-1', [{ productId: CAMEL_BLUE, price: '8.99', quantity: 2, name: 'Camel Blue' }], { loyaltyId: FARHAN }), status: 'CLAIMED' };
    const first = await pos('PUT', `/loyalty/transaction/pos/${txn}`, claim);
    expect(first.statusCode, first.body).toBe(200);
    const retry = await pos('PUT', `/loyalty/transaction/pos/${txn}`, claim);
    expect(retry.body).toBe(first.body);
    const { sales, lines } = await salesOf('C-1');
    expect(sales).toHaveLength(1);
    expect(sales[0]).toMatchObject({ register_id: '3', loyalty_id: FARHAN, sold_at: '2026-12-02T14:59:00.000Z' });
    expect(lines.map((l) => Number(l.quantity))).toEqual([2]);

    const changed = await pos('PUT', `/loyalty/transaction/pos/${txn}`, { ...claim, transactionDetails: { ...claim.transactionDetails, payments: [] } });
    expect(changed.statusCode).toBe(400);
    expect(changed.json()).toMatchObject({ code: 'TransactionNotClaimable' });
    expect((await salesOf('C-1')).sales).toHaveLength(1);

    expect((await pos('PUT', `/loyalty/transaction/pos/${txn}/void`, {})).statusCode).toBe(200);
    expect((await pos('POST', `/loyalty/transaction/pos/${txn}/void`, {})).statusCode).toBe(200);
    const voided = await salesOf('C-1-void');
    expect(voided.sales).toHaveLength(1);
    expect(voided.sales[0]).toMatchObject({ register_id: '3', loyalty_id: FARHAN });
    expect(Number(voided.sales[0]!.total_cents)).toBe(-2 * 899);
    expect(voided.lines.map((l) => [l.upc, Number(l.quantity), l.kind])).toEqual([[CAMEL_BLUE, -2, 'void']]);
  });

  it('records a back-office void of a claimed sale as the POS void would', async () => {
    const txn = await identify(FARHAN, 'C-3');
    const claim = { ...body('C-3', [{ productId: MARLBORO, price: '9.49', name: 'Marlboro' }], { loyaltyId: FARHAN }), status: 'CLAIMED' };
    expect((await pos('PUT', `/loyalty/transaction/pos/${txn}`, claim)).statusCode).toBe(200);
    const voided = await admin('POST', `/admin/v1/programs/${programId}/transactions/${txn}/void`, { reason: 'customer returned it' });
    expect(voided.statusCode, voided.body).toBe(200);
    const { sales, lines } = await salesOf('C-3-void');
    expect(sales).toHaveLength(1);
    expect(lines.map((l) => [l.upc, Number(l.quantity)])).toEqual([[MARLBORO, -1]]);
  });

  it('records nothing for a transaction voided before its claim (a second code scanned)', async () => {
    const txn = await identify(BEN, 'C-2');
    expect((await pos('PUT', `/loyalty/transaction/pos/${txn}/void`, {})).statusCode).toBe(200);
    expect((await salesOf('C-2-void')).sales).toHaveLength(0);
  });

  it('validate prices 2 packs of a promoted UPC with the accepted buydown and multipack, per unit, in eligibleDiscounts', async () => {
    const txn = await identify(ANA, 'V-1');
    const r = await pos(
      'POST',
      `/loyalty/transaction/pos/validate/${txn}`,
      body('V-1', [
        { productId: '2001', price: '3.49', name: 'Coffee' },
        { productId: CAMEL_BLUE, price: '8.99', quantity: 2, name: 'Camel Blue' },
        { productId: MARLBORO, price: '9.49', name: 'Marlboro' },
      ]),
    );
    expect(r.statusCode, r.body).toBe(200);
    const answer = r.json() as { eligibleDiscounts: unknown[] };
    expect(answer).toMatchObject({ transactionId: txn, loyaltyId: ANA });
    expect(answer.eligibleDiscounts).toEqual([
      {
        details: {
          displayName: 'CAMEL $0.50 BUYDOWN',
          type: 'OFFER',
          discountType: 'buydown',
          funding: 'manufacturer',
          quantity: 2,
          unitAmount: 50,
          amount: 100,
        },
        orderReferenceId: '2',
        productId: CAMEL_BLUE,
        referenceId: 'rjr:BD-1',
      },
      {
        details: {
          displayName: 'CAMEL 2 PACKS SAVE $1.00',
          type: 'OFFER',
          discountType: 'multipack',
          funding: 'manufacturer',
          quantity: 2,
          unitAmount: 50,
          amount: 100,
        },
        orderReferenceId: '2',
        productId: CAMEL_BLUE,
        referenceId: 'rjr:MP-1',
      },
    ]);
    // Validate changes nothing: no c-store sale either.
    expect((await salesOf('V-1')).sales).toHaveLength(0);
  });

  it('validate under an NCR key keeps NCR’s own answer and adds the c-store discounts after it', async () => {
    const txn = await identify(ANA, 'V-2', demoKey('ncr'));
    const r = await pos(
      'POST',
      `/loyalty/transaction/pos/validate/${txn}`,
      body('V-2', [{ productId: CAMEL_CRUSH, price: '9.09', name: 'Camel Crush' }]),
      demoKey('ncr'),
    );
    expect(r.statusCode, r.body).toBe(200);
    expect((r.json() as { eligibleDiscounts: { referenceId: string; details: { amount: number } }[] }).eligibleDiscounts).toEqual([
      expect.objectContaining({
        referenceId: 'rjr:BD-1',
        orderReferenceId: '1',
        details: expect.objectContaining({ amount: 50, unitAmount: 50, quantity: 1 }),
      }),
    ]);
  });

  it('a store of another location is still unlinked: its sales are not this location’s', async () => {
    const r = await pos('POST', '/loyalty/transaction/pos', body('U-9', [{ productId: CAMEL_BLUE, price: '8.99' }], {}, { storeId: '1001' }));
    expect(r.statusCode, r.body).toBe(200);
    expect((await salesOf('U-9')).sales).toHaveLength(0);
    expect(otherStoreId).not.toBe(storeId);
  });
});
