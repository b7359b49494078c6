import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import type { Engine } from '../../src/adapters/db/database.ts';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import type { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { demoKey } from '../../src/demo/seed.ts';
import { openTestDb, type TestDb } from './engines.ts';
import { demoApp } from './fixtures.ts';

/** Builders for vendor-dialect bodies, shaped like the vendors' own example payloads. */

export const KEYS = {
  ncr: demoKey('ncr'),
  winrest: demoKey('winrest'),
  tillster: demoKey('tillster'),
  partner: demoKey('partner'),
};
export type Vendor = keyof typeof KEYS;

export interface NcrLine {
  productId: string;
  price: number | string;
  quantity?: number;
  name?: string;
  productType?: string;
}

export interface NcrDiscount {
  orderReferenceId?: string;
  productId?: string;
  referenceId?: string;
}

export const ncrVendor = (posTxn: string, over: Record<string, unknown> = {}) => ({
  matchingId: `SMG-${posTxn}`,
  operator: '12',
  posType: 'NCR',
  storeId: '9999',
  terminal: '3',
  transactionId: posTxn,
  ...over,
});

/** An NCR update body: item lines numbered "1", "2", … and NCR's total pseudo-payments. */
export function ncrUpdate(posTxn: string, status: 'PENDING' | 'CLAIMED', lines: NcrLine[], discounts: NcrDiscount[], over: Record<string, unknown> = {}) {
  return {
    channel: 'Restaurant',
    created: '2026-11-25T13:39:47Z',
    serviceMode: 'TAKEOUT',
    status,
    transactionDetails: {
      currency: 'USD',
      appliedDiscounts: discounts.map((d) => ({ details: { displayName: 'loyalty' }, referenceId: '', ...d })),
      order: lines.map((l, i) => ({
        name: l.name ?? `item ${i + 1}`,
        price: l.price,
        productId: l.productId,
        productType: l.productType ?? 'item',
        quantity: l.quantity ?? 1,
        referenceId: String(i + 1),
        tax: 0,
      })),
      payments: [
        { amount: 500, type: 'CREDIT', ccToken: 'tok_1' },
        { amount: 400, type: 'CASH' },
        { amount: 1000, type: 'SUBTOTAL' },
        { amount: 300, type: 'DISCOUNTS' },
        { amount: 200, type: 'TAXES' },
      ],
      posVendor: ncrVendor(posTxn),
    },
    ...over,
  };
}

/** A generic/Winrest transaction body. */
export function genericSale(
  posType: string,
  posTxn: string,
  lines: Record<string, unknown>[],
  over: Record<string, unknown> = {},
  vendorOver: Record<string, unknown> = {},
) {
  return {
    channel: 'Restaurant',
    created: '2026-11-25T13:39:47Z',
    serviceMode: 'Eatin',
    status: 'CLAIMED',
    transactionDetails: {
      currency: 'USD',
      order: lines.map((l, i) => ({ name: `line ${i + 1}`, quantity: 1, referenceId: String(i + 1), tax: 0, productType: 'item', ...l })),
      payments: [{ amount: 1000, type: 'CASH' }],
      posVendor: { operator: '300', posType, storeId: '9999', terminal: '0', transactionId: posTxn, ...vendorOver },
    },
    ...over,
  };
}

export function caller(app: FastifyInstance) {
  return (method: 'POST' | 'PUT', url: string, body: unknown, vendor: Vendor = 'ncr') =>
    app.inject({ method, url, headers: { 'x-api-key': KEYS[vendor] }, payload: body as object });
}

export interface DemoHarness {
  db: TestDb;
  app: FastifyInstance;
  loyalty: LoyaltyService;
  /** the demo program `bk-us` */
  programId: string;
  /** an inject as the demo vendor's POS (`ncr` unless named) */
  call: ReturnType<typeof caller>;
  balanceOf(guestId: string): Promise<number>;
}

/** The demo app on a fresh database of `engine` for the suite it is called in (beforeAll/afterAll). */
export function demoHarness(engine: Engine): DemoHarness {
  const h = {
    balanceOf: async (id: string) => (await h.db.kysely.selectFrom('guests').select('balance').where('id', '=', id).executeTakeFirstOrThrow()).balance,
  } as DemoHarness;
  beforeAll(async () => {
    h.db = await openTestDb(engine);
    ({ app: h.app, loyalty: h.loyalty } = await demoApp(h.db));
    h.programId = (await findProgramBySlug(h.db.kysely, 'bk-us'))!.id;
    h.call = caller(h.app);
  });
  afterAll(async () => {
    await h.app?.close();
    await h.db?.drop();
  });
  return h;
}
