import { adminUserIdByEmail } from '../adapters/db/repositories/admin-users.repository.ts';
import { findProgramBySlug } from '../adapters/db/repositories/config.repository.ts';
import { topGuestsByBalance } from '../adapters/db/repositories/guests.repository.ts';
import type { Tx } from '../adapters/db/tx.ts';
import { AdminAuthService } from '../app/admin-auth.service.ts';
import { createApiKey, createGuest, createIncentive, createProgram, createStore, type NewIncentive } from '../app/provisioning.ts';
import { type PluConfig, primaryPlu } from '../domain/incentive.ts';
import { sha256 } from '../lib/ids.ts';

/**
 * The demo program `bk-us`: three stores in three time zones, a key per POS vendor, guests with
 * balances, three rewards and three offers. Seeding is idempotent; the demo keys are derived, so
 * they can be printed again on every start (never do this for a real program).
 */
export const DEMO_SLUG = 'bk-us';
export const DEMO_VENDORS = ['partner', 'tillster', 'ncr', 'winrest'] as const;

export const DEMO_STORES = [
  { externalId: '9999', name: 'Times Square', timeZone: 'America/New_York' },
  { externalId: '1001', name: 'Chicago Loop', timeZone: 'America/Chicago' },
  { externalId: '2002', name: 'Santa Monica', timeZone: 'America/Los_Angeles' },
];

export const DEMO_GUESTS = [
  { id: '4711fc2a-3a8f-414f-a9e7-44dd5231dca7', name: 'Farhan', email: 'farhan@example.com', points: 14464 },
  { id: '0c8e2b1e-5a43-4f4e-9d55-2f6a5f4b7c10', name: 'Ana', email: 'ana@example.com', points: 3000 },
  { id: '9b7f3c2d-1e2f-4a6b-8c9d-0e1f2a3b4c5d', name: 'Ben', email: 'ben@example.com', points: 0 },
  { id: 'e1d2c3b4-a596-4877-8899-aabbccddeeff', name: 'Chloe', email: 'chloe@example.com', points: 800 },
];

/**
 * One PLU per vendor. Winrest has no reward PLUs: its config holds the PLU of the product given
 * away, and `priceCents` is the price the POS rings it at before its 100% discount. NCR may list
 * upsize PLUs (a sizeBasedPlu config: the first size is the reward's, later ones are upsizes).
 */
const plu = (p: string, winrest = p, opts: { winrestPriceCents?: number; ncr?: PluConfig } = {}): Record<string, PluConfig> => ({
  partner: { pluType: 'constantPlu', constantPlu: p },
  tillster: { pluType: 'constantPlu', constantPlu: p },
  ncr: opts.ncr ?? { pluType: 'constantPlu', constantPlu: p },
  winrest: { pluType: 'constantPlu', constantPlu: winrest, ...(opts.winrestPriceCents === undefined ? {} : { priceCents: opts.winrestPriceCents }) },
});

export const DEMO_INCENTIVES: (NewIncentive & { id: string })[] = [
  {
    id: 'rwd-small-fries',
    kind: 'REWARD',
    name: 'Free Small Fries',
    pointCost: 250,
    vendorConfigs: plu('900101', '1201', {
      winrestPriceCents: 300,
      ncr: {
        pluType: 'sizeBasedPlu',
        sizeBasedPlu: [
          { size: 'small', plu: '900101' },
          { size: 'medium', plu: '900111' },
          { size: 'large', plu: '900121' },
        ],
      },
    }),
  },
  { id: 'rwd-whopper', kind: 'REWARD', name: 'Free Whopper', pointCost: 700, vendorConfigs: plu('900102', '1001', { winrestPriceCents: 649 }) },
  { id: 'rwd-whopper-meal', kind: 'REWARD', name: 'Free Whopper Meal', pointCost: 1200, vendorConfigs: plu('900103', '2001', { winrestPriceCents: 999 }) },
  {
    id: 'ofr-2-off-10',
    kind: 'OFFER',
    name: '$2 off orders of $10 or more',
    rules: [{ ruleId: 'subtotal-spend', args: { minimumCents: 1000 } }],
    vendorConfigs: plu('900201'),
  },
  {
    id: 'ofr-drive-thru-nuggets',
    kind: 'OFFER',
    name: 'Drive-thru: free 4pc nuggets',
    rules: [{ ruleId: 'service-mode', args: { modes: ['DRIVE_THRU'] } }],
    vendorConfigs: plu('900202'),
  },
  { id: 'ofr-free-cookie', kind: 'OFFER', name: 'Free cookie with any order', vendorConfigs: plu('900203', '1401') },
];

export interface DemoInfo {
  admin: { email: string; password: string; role: string };
  program: { id: string; slug: string; name: string; earning: string; expiry: string };
  stores: typeof DEMO_STORES;
  keys: Record<string, string>;
  guests: { id: string; name: string; email: string; balance: number }[];
  incentives: { id: string; kind: string; name: string; pointCost: number; plu: Record<string, string | null> }[];
}

export const DEMO_ADMIN_EMAIL = 'admin@tillpoint.demo';
export const demoAdminPassword = (): string => `demo-${sha256(`tillpoint-demo-admin|${DEMO_SLUG}`).slice(0, 16)}`;

export const demoKey = (vendor: string): string => `tpk_demo_${vendor}_${sha256(`tillpoint-demo|${DEMO_SLUG}|${vendor}`).slice(0, 32)}`;

export async function seedDemo(db: Tx, now = new Date()): Promise<{ created: boolean; info: DemoInfo }> {
  let program = await findProgramBySlug(db, DEMO_SLUG);
  const created = !program;
  if (!program) {
    const programId = await createProgram(
      db,
      {
        slug: DEMO_SLUG,
        name: 'Royal Perks (demo)',
        currency: 'USD',
        earnRateMilli: 10_000,
        expiry: { kind: 'inactivity', days: 180 },
        claimWindowDays: 30,
        receiptTemplates: {
          default: {
            claimed: {
              header: 'Royal Perks',
              pointsEarned: 'Earned: {pointsEarned}',
              pointsRedeemed: 'Redeemed: {pointsRedeemed}',
              totalPoints: 'Balance: {balance}',
              identifier: 'Transaction ID: {transactionId}',
              footer: 'Crowns expire 180 days from last purchase. At participating U.S. restaurants.',
            },
            unclaimed: {
              header: 'Royal Perks',
              marketing: 'Scan within 30 days to earn {pointsEarned} Crowns for this order',
              identifier: 'Transaction ID: {transactionId}',
              qrCode: '{claimUrl}',
              footer: 'Receipt code {receiptCode}',
            },
          },
        },
      },
      now,
    );
    for (const s of DEMO_STORES) await createStore(db, programId, s, now);
    for (const v of DEMO_VENDORS) await createApiKey(db, programId, v, 'demo', now, demoKey(v));
    for (const g of DEMO_GUESTS) await createGuest(db, programId, g, now, g.id);
    for (const i of DEMO_INCENTIVES) await createIncentive(db, programId, i, now, i.id);
    if (!(await adminUserIdByEmail(db, DEMO_ADMIN_EMAIL))) {
      await new AdminAuthService(db, () => now).createUser({
        email: DEMO_ADMIN_EMAIL,
        name: 'Demo owner',
        password: demoAdminPassword(),
        role: 'owner',
        programIds: '*',
      });
    }
    program = (await findProgramBySlug(db, DEMO_SLUG))!;
  }
  const guests = await topGuestsByBalance(db, program.id, 20);
  return {
    created,
    info: {
      admin: { email: DEMO_ADMIN_EMAIL, password: demoAdminPassword(), role: 'owner' },
      program: {
        id: program.id,
        slug: program.slug,
        name: program.name,
        earning: `${program.earn.rateMilli / 1000} points per 1 ${program.currency}`,
        expiry: JSON.stringify(program.expiry),
      },
      stores: DEMO_STORES,
      keys: Object.fromEntries(DEMO_VENDORS.map((v) => [v, demoKey(v)])),
      guests: guests.map((g) => ({ id: g.id, name: g.name, email: g.email ?? '', balance: g.balance })),
      incentives: DEMO_INCENTIVES.map((i) => ({
        id: i.id,
        kind: i.kind,
        name: i.name,
        pointCost: i.pointCost ?? 0,
        plu: Object.fromEntries(Object.entries(i.vendorConfigs).map(([v, c]) => [v, primaryPlu(c)])),
      })),
    },
  };
}
