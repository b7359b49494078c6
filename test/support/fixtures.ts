import { Metrics } from '../../src/adapters/http/metrics.ts';
import { buildApp } from '../../src/adapters/http/app.ts';
import { AdminAuthService } from '../../src/app/admin-auth.service.ts';
import { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { seedDemo, demoKey, DEMO_GUESTS } from '../../src/demo/seed.ts';
import type { LoginCodeMessage, LoginCodeSender } from '../../src/app/guest/login-code-sender.ts';
import type { GuestOptions } from '../../src/app/guest/guest-options.ts';
import type { TestDb } from './engines.ts';
import { appServices } from './services.ts';

export const FARHAN = DEMO_GUESTS[0]!.id;
export const ANA = DEMO_GUESTS[1]!.id;
export const BEN = DEMO_GUESTS[2]!.id;
export const CHLOE = DEMO_GUESTS[3]!.id;
export const PARTNER_KEY = demoKey('partner');

/** Deterministic randomness for codes in tests. */
export function seededRandom(seed = 42): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/**
 * An app to inject into, as the composition root builds it, on the test's clock, with a seeded
 * code generator and no configuration cache (a test sees its own admin changes at once).
 */
export async function testApp(db: TestDb, opts: { clock?: () => Date; seed?: number; publicUrl?: string; guest?: GuestOptions } = {}) {
  const loyalty = new LoyaltyService({
    db,
    randomIndex: seededRandom(opts.seed),
    publicUrl: opts.publicUrl ?? 'http://tillpoint.test',
    clock: opts.clock,
    configTtlMs: 0,
  });
  const adminAuth = new AdminAuthService(db.kysely, opts.clock);
  const app = await buildApp({
    ...appServices(db),
    db,
    loyalty,
    adminAuth,
    metrics: new Metrics(),
    version: 'test',
    logger: false,
    ...(opts.guest ? { guest: opts.guest } : {}),
  });
  return { app, loyalty, adminAuth };
}

/** The demo program on a test database, and an app to inject into. */
export async function demoApp(db: TestDb, opts: { now?: () => Date } = {}) {
  await seedDemo(db.kysely);
  return testApp(db, { clock: opts.now });
}

export const posVendor = (transactionId: string, over: Record<string, unknown> = {}) => ({
  posType: 'Partner',
  storeId: '9999',
  terminal: '1',
  transactionId,
  operator: '7',
  ...over,
});

export interface LineSpec {
  price: string | number;
  productId?: string;
  productType?: string;
  quantity?: number;
  referenceId?: string;
  parentReferenceId?: string;
  incentiveId?: string;
  name?: string;
}

/** A transaction body in the generic dialect. */
export function saleBody(posTxn: string, lines: LineSpec[], over: Record<string, unknown> = {}) {
  return {
    channel: 'Restaurant',
    created: '2026-11-25T12:00:00Z',
    serviceMode: 'EAT_IN',
    status: 'CLAIMED',
    transactionDetails: {
      currency: 'USD',
      order: lines.map((l, i) => ({
        name: l.name ?? `line ${i + 1}`,
        price: l.price,
        productId: l.productId ?? `P${i + 1}`,
        productType: l.productType ?? 'item',
        quantity: l.quantity ?? 1,
        referenceId: l.referenceId ?? String(i + 1),
        ...(l.parentReferenceId ? { parentReferenceId: l.parentReferenceId } : {}),
        ...(l.incentiveId ? { incentiveId: l.incentiveId } : {}),
        tax: 0,
      })),
      payments: [{ amount: 1000, type: 'CASH' }],
      posVendor: posVendor(posTxn),
    },
    ...over,
  };
}

/** A login-code sender that keeps what it was asked to send, for tests to read the codes from. */
export function capturingSender(): { sent: LoginCodeMessage[]; sender: LoginCodeSender } {
  const sent: LoginCodeMessage[] = [];
  return { sent, sender: { id: 'test', send: async (m) => void sent.push(m) } };
}
