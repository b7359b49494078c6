import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import { insertLocation } from '../../src/adapters/db/repositories/locations.repository.ts';
import type { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { createApiKey, createProgram, createStore } from '../../src/app/provisioning.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { newId } from '../../src/lib/ids.ts';
import { parse } from 'csv-parse/sync';
import { ledgerRows } from '../../src/adapters/db/repositories/exports.repository.ts';
import { EXPORT_COLUMNS } from '../../src/app/admin/exports.ts';
import { type AdminClient, demoOwner, userWithRole } from '../support/admin.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { locationRow } from '../support/locations.ts';
import { BEN, FARHAN, PARTNER_KEY, posVendor, saleBody, testApp } from '../support/fixtures.ts';

const DAY = 86_400_000;

describe.each(ENGINES)('Admin dashboard, exports, support claims and incentive preview on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let loyalty: LoyaltyService;
  let owner: AdminClient;
  let programId: string;
  // 12:00 in New York, 11:00 in Chicago (the default zone: the three demo stores' zones tie, alphabetical first).
  const start = new Date('2026-11-25T17:00:00Z');
  let now = start;
  const clock = () => now;

  beforeAll(async () => {
    db = await openTestDb(engine);
    await seedDemo(db.kysely, new Date(start.getTime() - 100 * DAY));
    programId = (await findProgramBySlug(db.kysely, 'bk-us'))!.id;
    ({ app, loyalty } = await testApp(db, { clock, seed: 3, publicUrl: 'http://tillpoint.test' }));
    owner = await demoOwner(app);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const pos = (method: 'POST' | 'PUT', url: string, body: unknown, key = PARTNER_KEY) =>
    app.inject({ method, url, headers: { 'x-api-key': key }, payload: body as object });
  const P = () => `/programs/${programId}`;
  // One user per role for the whole file (each costs two scrypt hashes): created on first use,
  // while the clock is at the sales' day, so their sessions outlive the tests that move it back.
  const users = new Map<string, Promise<AdminClient & { id: string }>>();
  const as = (role: 'support' | 'read_only' | 'program_manager') => {
    if (!users.has(role)) users.set(role, userWithRole(app, db, role, [programId]));
    return users.get(role)!;
  };
  let claimedTxn: string;
  let unclaimed: { transactionId: string; receiptCode: string };

  it('counts a claimed sale with a reward and an unclaimed sale on the local day of the chosen zone', async () => {
    now = start;
    const { code } = await loyalty.createCode(programId, FARHAN, ['rwd-whopper']);
    const identified = await pos('POST', '/loyalty/identify', { identifier: code, posVendor: posVendor('D-1') });
    expect(identified.statusCode).toBe(200);
    claimedTxn = identified.json().transactionId;
    const claimed = await pos(
      'PUT',
      `/loyalty/transaction/pos/${claimedTxn}`,
      saleBody('D-1', [{ price: '6.49' }, { price: '0', productId: '900102', productType: 'reward' }]),
    );
    expect(claimed.json()).toMatchObject({ pointsEarned: 64, pointsRedeemed: 700 });
    const detail = await owner.call('GET', `${P()}/transactions/${claimedTxn}`);
    expect(detail.body.posAnswer).toEqual(claimed.json());
    expect(detail.body.events).toEqual([
      expect.objectContaining({ type: 'transaction.claimed', at: start.toISOString(), data: expect.objectContaining({ transactionId: claimedTxn }) }),
    ]);

    // 22:30 in New York on the 25th, already the 26th in UTC.
    now = new Date('2026-11-26T03:30:00Z');
    const anonymous = await pos('POST', '/loyalty/transaction/pos', saleBody('D-2', [{ price: '10.00' }]));
    expect(anonymous.statusCode).toBe(200);
    unclaimed = anonymous.json();

    const ny = await owner.call('GET', `${P()}/dashboard?from=2026-11-24&to=2026-11-26&timeZone=America/New_York`);
    expect(ny.status).toBe(200);
    expect(ny.body).toMatchObject({ timeZone: 'America/New_York', from: '2026-11-24', to: '2026-11-26', asOf: now.toISOString() });
    expect(ny.body.sales).toEqual([
      { day: '2026-11-24', claimed: 0, unclaimed: 0, voided: 0, claimedCents: 0, unclaimedCents: 0 },
      { day: '2026-11-25', claimed: 1, unclaimed: 1, voided: 0, claimedCents: 649, unclaimedCents: 1000 },
      { day: '2026-11-26', claimed: 0, unclaimed: 0, voided: 0, claimedCents: 0, unclaimedCents: 0 },
    ]);
    expect(ny.body.points[1]).toMatchObject({ day: '2026-11-25', earned: 64, redeemed: 700 });
    expect(ny.body.totals).toEqual({ earned: 64, redeemed: 700, claimedSales: 1, unclaimedSales: 1, claimedCents: 649 });
    expect(ny.body.topRewards).toEqual([{ incentiveId: 'rwd-whopper', name: 'Free Whopper', kind: 'REWARD', redeemed: 1, sales: 1, points: 700 }]);

    const utc = await owner.call('GET', `${P()}/dashboard?from=2026-11-24&to=2026-11-26&timeZone=UTC`);
    expect(utc.body.sales.map((s: { unclaimed: number }) => s.unclaimed)).toEqual([0, 0, 1]);
    // Half-hour zone: 22:30 and 09:00 in Kolkata fall on the 25th and the 26th.
    const kolkata = await owner.call('GET', `${P()}/dashboard?from=2026-11-25&to=2026-11-26&timeZone=Asia/Kolkata`);
    expect(kolkata.body.sales.map((s: { day: string; claimed: number; unclaimed: number }) => [s.day, s.claimed, s.unclaimed])).toEqual([
      ['2026-11-25', 1, 0],
      ['2026-11-26', 0, 1],
    ]);
    expect(kolkata.body.points.map((p: { earned: number }) => p.earned)).toEqual([64, 0]);
    // A range across a change of the zone's minute offset (Nepal: +05:30 → +05:45 on 1986-01-01) maps each row to its day.
    const nepal = await owner.call('GET', `${P()}/dashboard?from=1985-12-31&to=1986-01-01&timeZone=Asia/Kathmandu`);
    expect(nepal.status).toBe(200);
    expect(nepal.body.sales.map((s: { day: string; claimed: number }) => [s.day, s.claimed])).toEqual([
      ['1985-12-31', 0],
      ['1986-01-01', 0],
    ]);

    // Default: the last 30 days up to today in the stores' zone (Chicago: still the 25th at 21:30).
    const byDefault = await owner.call('GET', `${P()}/dashboard`);
    expect(byDefault.body).toMatchObject({ timeZone: 'America/Chicago', from: '2026-10-27', to: '2026-11-25' });
    expect(byDefault.body.sales).toHaveLength(30);
    expect(byDefault.body.totals).toMatchObject({ claimedSales: 1, unclaimedSales: 1 });
  });

  it('refuses a bad range, zone or top with a 400 naming the field', async () => {
    const bad = async (query: string, field: string) => {
      const res = await owner.call('GET', `${P()}/dashboard?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body, query).toMatchObject({ code: 'ValidationError', details: { field } });
    };
    await bad('from=2026-11-31', 'from');
    await bad('from=2026-11-20&to=2026-11-10', 'from');
    await bad('from=2025-01-01&to=2026-11-10', 'to');
    await bad('timeZone=Mars/Olympus', 'timeZone');
    await bad('top=0', 'top');
    await bad('since=yesterday', 'since');
  });

  it('lets support claim a missed sale for a guest, audited, once', async () => {
    const support = await as('support');
    const readOnly = await as('read_only');
    expect((await readOnly.call('POST', `${P()}/guests/${BEN}/claims`, { receiptCode: unclaimed.receiptCode })).status).toBe(403);
    const before = (await support.call('GET', `${P()}/guests/${BEN}`)).body.guest.balance as number;
    const res = await support.call('POST', `${P()}/guests/${BEN}/claims`, {
      receiptCode: `http://tillpoint.test/r/${unclaimed.receiptCode}`,
      reason: 'ticket 812',
    });
    expect(res.status).toBe(201);
    expect(res.body.claim).toMatchObject({ transactionId: unclaimed.transactionId, receiptCode: unclaimed.receiptCode, pointsEarned: 100 });
    expect(res.body.guest.balance).toBe(before + 100);
    const again = await support.call('POST', `${P()}/guests/${BEN}/claims`, { receiptCode: unclaimed.receiptCode });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ReceiptAlreadyClaimed');
    const missing = await support.call('POST', `${P()}/guests/${BEN}/claims`, { receiptCode: 'ABCDEFGHJKMNPQRS' });
    expect(missing.status).toBe(404);
    const malformed = await support.call('POST', `${P()}/guests/${BEN}/claims`, { receiptCode: 'nope' });
    expect(malformed.body).toMatchObject({ code: 'ValidationError', details: { field: 'receiptCode' } });

    const audit = await owner.call('GET', `/audit?programId=${programId}&action=receipt.claim`);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        actor: { type: 'admin', id: support.id },
        entityType: 'guest',
        entityId: BEN,
        reason: 'ticket 812',
        after: expect.objectContaining({ transactionId: unclaimed.transactionId, pointsEarned: 100 }),
      }),
    ]);
    const ledger = (await owner.call('GET', `${P()}/guests/${BEN}`)).body.ledger.items[0];
    expect(ledger).toMatchObject({ kind: 'EARN', points: 100, transactionId: unclaimed.transactionId, reason: 'receipt claimed by support: ticket 812' });

    expect((await owner.call('GET', `${P()}/guests/${BEN}`)).body.tier).toBeNull();
    await owner.call('PATCH', P(), {
      tiers: {
        windowDays: 365,
        tiers: [
          { name: 'Member', minPoints: 0 },
          { name: 'Silver', minPoints: 100 },
          { name: 'Gold', minPoints: 1000 },
        ],
      },
    });
    expect((await support.call('GET', `${P()}/guests/${BEN}`)).body.tier).toEqual({
      name: 'Silver',
      minPoints: 100,
      pointsInWindow: 100,
      next: { name: 'Gold', minPoints: 1000, pointsToGo: 900 },
    });

    const sale = await owner.call('GET', `${P()}/transactions/${unclaimed.transactionId}`);
    expect(sale.body).toMatchObject({ status: 'CLAIMED', guestId: BEN, posAnswer: null });
    expect(sale.body.events.map((e: { type: string }) => e.type)).toEqual(['receipt.claimed']);

    const ny = await owner.call('GET', `${P()}/dashboard?from=2026-11-25&to=2026-11-25&timeZone=America/New_York`);
    expect(ny.body.sales[0]).toMatchObject({ claimed: 2, unclaimed: 0 });
    expect(ny.body.points[0]).toMatchObject({ earned: 164 });
  });

  it('shows the points the expiry job will take in the next 30 days, by local day', async () => {
    // Inactivity, 180 days: a credit 170 days ago expires in 10 days; one 181 days ago is due now.
    const support = await as('support');
    const at = now;
    const guest = async (name: string, daysAgo: number, points: number) => {
      now = new Date(at.getTime() - daysAgo * DAY);
      const g = await support.call('POST', `${P()}/guests`, { name });
      expect((await support.call('POST', `${P()}/guests/${g.body.id}/adjustments`, { points, reason: 'welcome bonus' })).status).toBe(201);
      return g.body.id as string;
    };
    await guest('Soon', 170, 300);
    await guest('Overdue', 181, 40);
    now = at;
    const res = await owner.call('GET', `${P()}/dashboard?timeZone=UTC`);
    expect(res.body.expiring).toMatchObject({ policy: { kind: 'inactivity', days: 180 }, horizonDays: 30, dueNow: { points: 40, guests: 1 } });
    const expected = new Date(at.getTime() + 10 * DAY).toISOString().slice(0, 10);
    expect(res.body.expiring.days.filter((d: { points: number }) => d.points > 0)).toEqual([{ day: expected, points: 300, guests: 1 }]);
    expect(res.body.expiring.total).toBe(300);
  });

  it('lists pending promotions per location and sync failures of the last 24 hours', async () => {
    const iso = (ms: number) => new Date(now.getTime() - ms).toISOString();
    const location = async (name: string) => {
      const id = newId();
      await insertLocation(db.kysely, locationRow({ id, programId, name, integrationStatus: 'pilot', createdAt: iso(DAY) }));
      return id;
    };
    const north = await location('North');
    const south = await location('South');
    const run = async (locationId: string, ago: number, status: 'failed' | 'succeeded', error: string | null) => {
      const id = newId();
      await db.kysely
        .insertInto('sync_runs')
        .values({
          id,
          program_id: programId,
          location_id: locationId,
          manufacturer: 'rjr',
          trigger: 'schedule',
          as_of: iso(ago),
          started_at: iso(ago),
          finished_at: iso(ago),
          duration_ms: 5,
          status,
          pages: 0,
          added: 0,
          modified: 0,
          ended: 0,
          rejected: 0,
          superseded: 0,
          error_code: error ? 'Unavailable' : null,
          error,
          rejected_records: '[]',
          batch_id: null,
        })
        .execute();
      return id;
    };
    const syncRun = await run(north, 2 * DAY, 'succeeded', null);
    await run(north, 3 * 3_600_000, 'failed', 'first');
    await run(north, 3_600_000, 'failed', 'manufacturer API answered 503');
    await run(south, 25 * 3_600_000, 'failed', 'too old to count');
    await run(south, 2 * 3_600_000, 'succeeded', null);
    for (const [i, kind] of (['add', 'add', 'modify', 'end'] as const).entries()) {
      await db.kysely
        .insertInto('promotion_changes')
        .values({
          id: newId(),
          program_id: programId,
          location_id: north,
          manufacturer: 'rjr',
          external_id: `PR-${i}`,
          kind,
          before: null,
          after: '{}',
          status: 'pending',
          reason: null,
          sync_run_id: syncRun,
          batch_id: null,
          created_at: iso(DAY - i),
          decided_at: null,
          decided_by: null,
        })
        .execute();
    }
    const res = await owner.call('GET', `${P()}/dashboard`);
    expect(res.body.pendingPromotions).toEqual([{ locationId: north, name: 'North', add: 2, modify: 1, end: 1, total: 4, oldestAt: iso(DAY) }]);
    expect(res.body.syncFailures).toEqual({
      since: iso(DAY),
      total: 2,
      locations: [
        { locationId: north, name: 'North', failures: 2, lastAt: iso(3_600_000), lastErrorCode: 'Unavailable', lastError: 'manufacturer API answered 503' },
      ],
    });
  });

  it('streams the transactions, ledger and balances as CSV with the documented columns', async () => {
    const readOnly = await as('read_only');
    const tx = await readOnly.call('GET', `${P()}/exports/transactions.csv?from=2026-11-25&to=2026-11-26`);
    expect(tx.status).toBe(200);
    expect(tx.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(tx.headers['content-disposition']).toBe('attachment; filename="bk-us-transactions-2026-11-25_2026-11-26.csv"');
    const rows = parse(tx.text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...EXPORT_COLUMNS.transactions]);
    expect(tx.text.split('\r\n')[0]).toBe(EXPORT_COLUMNS.transactions.join(','));
    expect(rows.map((r) => [r.transaction_id, r.status, r.subtotal, r.subtotal_minor, r.currency, r.store_id])).toEqual([
      [claimedTxn, 'CLAIMED', '6.49', '649', 'USD', '9999'],
      [unclaimed.transactionId, 'CLAIMED', '10.00', '1000', 'USD', '9999'],
    ]);

    // A name a spreadsheet would run as a formula is written as text.
    const support = await as('support');
    const evil = await support.call('POST', `${P()}/guests`, { name: '=HYPERLINK("http://evil.test","x")', email: 'evil@example.com' });
    await support.call('POST', `${P()}/guests/${evil.body.id}/adjustments`, { points: 1, reason: '+1 for the trouble' });
    const balances = parse((await readOnly.call('GET', `${P()}/exports/balances.csv`)).text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(balances[0]!)).toEqual([...EXPORT_COLUMNS.balances]);
    expect(balances.find((b) => b.guest_id === evil.body.id)).toMatchObject({
      name: `'=HYPERLINK("http://evil.test","x")`,
      balance: '1',
      as_of: now.toISOString(),
    });
    expect(balances.find((b) => b.guest_id === FARHAN)).toMatchObject({ email: 'farhan@example.com' });

    const ledger = parse((await readOnly.call('GET', `${P()}/exports/ledger.csv?from=${encodeURIComponent(now.toISOString())}`)).text, {
      columns: true,
    }) as Record<string, string>[];
    expect(ledger.map((l) => [l.guest_id, l.kind, l.points, l.reason])).toEqual([
      [BEN, 'EARN', '100', 'receipt claimed by support: ticket 812'],
      [evil.body.id, 'ADJUST', '1', "'+1 for the trouble"],
    ]);

    const bad = await readOnly.call('GET', `${P()}/exports/ledger.csv?from=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'ValidationError', details: { field: 'from' } });
  });

  it('reads the ledger export page by page, in id order, without gaps or repeats', async () => {
    const all = [];
    for await (const row of ledgerRows(db.kysely, programId, {}, 3)) all.push(row);
    const count = await db.kysely
      .selectFrom('points_ledger')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('program_id', '=', programId)
      .executeTakeFirstOrThrow();
    expect(all).toHaveLength(Number(count.n));
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    const ids = all.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('keeps other programs out: 404 for a program the user does not have', async () => {
    const otherId = await createProgram(db.kysely, { slug: 'other', name: 'Other', currency: 'CAD', earnRateMilli: 10_000, expiry: { kind: 'none' } }, now);
    await createStore(db.kysely, otherId, { externalId: '9999', name: 'Other 9999', timeZone: 'America/Toronto' }, now);
    const otherKey = (await createApiKey(db.kysely, otherId, 'partner', 'test', now)).key;
    const sale = await pos('POST', '/loyalty/transaction/pos', saleBody('O-1', [{ price: '99.00' }]), otherKey);
    expect(sale.statusCode).toBe(200);
    const local = await as('read_only');
    for (const url of [`/programs/${otherId}/dashboard`, `/programs/${otherId}/exports/transactions.csv`, `/programs/${otherId}/exports/balances.csv`]) {
      expect((await local.call('GET', url)).status, url).toBe(404);
    }
    const mine = await local.call('GET', `${P()}/dashboard?timeZone=UTC`);
    expect(mine.body.totals.unclaimedSales + mine.body.totals.claimedSales).toBe(2);
    const csv = await local.call('GET', `${P()}/exports/transactions.csv`);
    expect(csv.text).not.toContain('O-1');
    const theirs = await owner.call('GET', `/programs/${otherId}/dashboard`);
    expect(theirs.body).toMatchObject({ timeZone: 'America/Toronto', totals: { unclaimedSales: 1, claimedSales: 0 } });
  });

  it('shows a draft reward as each vendor’s identify line and receipt, and what identify really answers matches it', async () => {
    const manager = await as('program_manager');
    const readOnly = await as('read_only');
    expect(
      (await readOnly.call('POST', `/programs/${programId}/incentives/preview`, { incentive: { kind: 'OFFER', name: 'x', vendorConfigs: {} } })).status,
    ).toBe(403);
    const draft = {
      kind: 'REWARD',
      name: 'Free Shake',
      pointCost: 400,
      rules: [{ ruleId: 'service-mode', args: { modes: ['EAT_IN'] } }],
      vendorConfigs: {
        partner: { pluType: 'constantPlu', constantPlu: '7001' },
        winrest: { pluType: 'constantPlu', constantPlu: '1501', priceCents: 350 },
        ncr: { pluType: 'constantPlu', constantPlu: '7001' },
      },
    };
    const res = await manager.call('POST', `/programs/${programId}/incentives/preview`, { incentive: draft, sample: { balance: 1000, subtotalCents: 1250 } });
    expect(res.status).toBe(200);
    const byVendor = Object.fromEntries(res.body.vendors.map((v: { vendor: string }) => [v.vendor, v]));
    expect(byVendor.partner.orderLine).toMatchObject({ name: 'Free Shake', productId: '7001', incentiveId: 'draft', referenceId: '00', productType: 'REWARD' });
    expect(byVendor.winrest.orderLine).toMatchObject({ productId: '1501', quantity: '1', price: '350' });
    expect(byVendor.ncr.identify.eligibleDiscounts).toEqual([
      { details: { displayName: 'Free Shake', type: 'REWARD' }, productId: '7001', referenceId: 'draft' },
    ]);
    expect(byVendor.partner.identify.balances).toEqual([{ amount: 600, currency: 'points' }]);
    // bk-us earns 10 points per $1: $12.50 → 125; 1000 − 400 + 125 = 725
    expect(byVendor.partner.receipt).toMatchObject({ pointsRedeemed: expect.stringContaining('400'), totalPoints: expect.stringContaining('725') });

    // The preview of a saved reward is what identify answers for a guest who picked it.
    const saved = await manager.call('POST', `/programs/${programId}/incentives/preview`, {
      id: 'rwd-whopper',
      incentive: { kind: 'REWARD', name: 'Free Whopper', pointCost: 700, vendorConfigs: { partner: { pluType: 'constantPlu', constantPlu: '900102' } } },
    });
    expect(saved.body.vendors[0].orderLine).toMatchObject({
      name: 'Free Whopper',
      productId: '900102',
      incentiveId: 'rwd-whopper',
      referenceId: '00',
      productType: 'REWARD',
    });

    const bad = await manager.call('POST', `/programs/${programId}/incentives/preview`, {
      incentive: { ...draft, vendorConfigs: { partner: { pluType: 'constantPlu' } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'ValidationError', details: { field: 'incentive.vendorConfigs.partner.constantPlu' } });
    expect(await db.kysely.selectFrom('incentives').select('id').where('name', '=', 'Free Shake').execute()).toEqual([]);
  });
});
