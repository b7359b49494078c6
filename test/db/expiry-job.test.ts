import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerSum, postEntries } from '../../src/adapters/db/repositories/points-ledger.repository.ts';
import { ExpiryService } from '../../src/app/expiry.service.ts';
import { createGuest, createProgram } from '../../src/app/provisioning.ts';
import { expirePointsJob } from '../../src/jobs/expire-points.job.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';

const at = (iso: string) => new Date(iso);

describe.each(ENGINES)('points expiry job on %s', (engine) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(engine);
  });
  afterAll(() => db.drop());

  async function earn(programId: string, guestId: string, points: number, iso: string, kind: 'EARN' | 'REDEEM' = 'EARN') {
    await db.kysely.transaction().execute((trx) => postEntries(trx, programId, guestId, [{ kind, points, transactionId: null }], iso, { touchActivity: true }));
  }
  async function counts(programId: string) {
    const ledger = await db.kysely.selectFrom('points_ledger').select((eb) => eb.fn.countAll<string | number>().as('n')).where('program_id', '=', programId).executeTakeFirstOrThrow();
    const events = await db.kysely.selectFrom('outbox_events').select((eb) => eb.fn.countAll<string | number>().as('n')).where('program_id', '=', programId).executeTakeFirstOrThrow();
    return { ledger: Number(ledger.n), events: Number(events.n) };
  }
  async function balance(guestId: string) {
    return (await db.kysely.selectFrom('guests').select('balance').where('id', '=', guestId).executeTakeFirstOrThrow()).balance;
  }

  it('monthly buckets: expires what was earned seven months back, oldest spent first, once', async () => {
    const programId = await createProgram(db.kysely, { slug: 'monthly', name: 'M', currency: 'USD', earnRateMilli: 10_000, expiry: { kind: 'monthly-buckets', months: 6 } }, at('2025-12-01T00:00:00Z'));
    const ana = await createGuest(db.kysely, programId, { name: 'Ana', points: 100 }, at('2026-01-15T12:00:00Z'));
    await earn(programId, ana, 50, '2026-03-10T12:00:00.000Z');
    await earn(programId, ana, -30, '2026-04-01T12:00:00.000Z', 'REDEEM');
    const ben = await createGuest(db.kysely, programId, { name: 'Ben', points: 80 }, at('2026-07-20T12:00:00Z'));
    const now = at('2026-08-02T03:15:00Z');

    const service = new ExpiryService(db.kysely);
    const report = await service.runProgram(programId, { kind: 'monthly-buckets', months: 6 }, now);
    expect(report).toMatchObject({ skipped: null, guestsExpired: 1, pointsExpired: 70 });
    expect(await balance(ana)).toBe(50);
    expect(await ledgerSum(db.kysely, ana)).toBe(50);
    expect(await balance(ben)).toBe(80);

    const expire = await db.kysely.selectFrom('points_ledger').selectAll().where('guest_id', '=', ana).where('kind', '=', 'EXPIRE').execute();
    expect(expire).toHaveLength(1);
    expect(expire[0]).toMatchObject({ points: -70, balance_after: 50, reason: 'monthly-buckets: earned 2026-01' });
    const event = await db.kysely.selectFrom('outbox_events').selectAll().where('program_id', '=', programId).where('type', '=', 'points.expired').executeTakeFirstOrThrow();
    expect(JSON.parse(event.payload)).toMatchObject({ guestId: ana, points: 70, balance: 50, buckets: [{ points: 70, earnedMonth: '2026-01', expiresAt: '2026-08-01T00:00:00.000Z' }] });

    // A second run the same day writes nothing at all; a forced rerun finds nothing due.
    const before = await counts(programId);
    expect((await service.runProgram(programId, { kind: 'monthly-buckets', months: 6 }, at('2026-08-02T09:00:00Z'))).skipped).toBe('done-today');
    expect(await service.runProgram(programId, { kind: 'monthly-buckets', months: 6 }, now, { force: true })).toMatchObject({ skipped: null, guestsExpired: 0, pointsExpired: 0 });
    // Later in the month nothing new can be due.
    expect((await service.runProgram(programId, { kind: 'monthly-buckets', months: 6 }, at('2026-08-20T03:15:00Z'))).skipped).toBe('nothing-new');
    expect(await counts(programId)).toEqual(before);

    // The guest app's view of what is left.
    expect(await service.bucketsFor(programId, { kind: 'monthly-buckets', months: 6 }, ana, now)).toEqual([
      { points: 50, expiresAt: '2026-10-01T00:00:00.000Z', earnedMonth: '2026-03', due: false },
    ]);
  });

  it('inactivity: the whole balance of guests idle for N days, in batches, once a day', async () => {
    const programId = await createProgram(db.kysely, { slug: 'idle', name: 'I', currency: 'USD', earnRateMilli: 10_000, expiry: { kind: 'inactivity', days: 180 } }, at('2025-01-01T00:00:00Z'));
    const idle: string[] = [];
    for (let i = 0; i < 5; i++) {
      const g = await createGuest(db.kysely, programId, { name: `Idle ${i}` }, at('2025-06-01T00:00:00Z'));
      await earn(programId, g, 100 + i, '2025-07-01T00:00:00.000Z');
      idle.push(g);
    }
    const active = await createGuest(db.kysely, programId, { name: 'Active' }, at('2025-06-01T00:00:00Z'));
    await earn(programId, active, 300, '2026-01-10T00:00:00.000Z');

    const reports = await expirePointsJob.run({ db, now: () => at('2026-02-01T03:15:00Z'), options: { batchSize: 2 } });
    const mine = reports.find((r) => r.programId === programId)!;
    expect(mine).toMatchObject({ skipped: null, guestsExpired: 5, pointsExpired: 510, guestsScanned: 6 });
    for (const g of idle) {
      expect(await balance(g)).toBe(0);
      expect(await ledgerSum(db.kysely, g)).toBe(0);
    }
    expect(await balance(active)).toBe(300);
    const events = await db.kysely.selectFrom('outbox_events').select('payload').where('program_id', '=', programId).where('type', '=', 'points.expired').execute();
    expect(events.map((e) => (JSON.parse(e.payload) as { points: number }).points).sort()).toEqual([100, 101, 102, 103, 104]);

    const before = await counts(programId);
    const again = await expirePointsJob.run({ db, now: () => at('2026-02-01T23:00:00Z') });
    expect(again.find((r) => r.programId === programId)!.skipped).toBe('done-today');
    expect(await counts(programId)).toEqual(before);
  });

  it('a run under way elsewhere is left alone, a stale one is taken over', async () => {
    const programId = await createProgram(db.kysely, { slug: 'twice', name: 'T', currency: 'USD', earnRateMilli: 10_000, expiry: { kind: 'inactivity', days: 30 } }, at('2025-01-01T00:00:00Z'));
    const g = await createGuest(db.kysely, programId, { name: 'G' }, at('2025-01-01T00:00:00Z'));
    await earn(programId, g, 40, '2025-02-01T00:00:00.000Z');
    await db.kysely
      .insertInto('expiry_runs')
      .values({ id: '00000000-0000-4000-8000-000000000001', program_id: programId, run_date: '2025-06-01', policy: '{}', cutoff: '', started_at: '2025-06-01T03:00:00.000Z', finished_at: null, guests_expired: 0, points_expired: 0 })
      .execute();
    const service = new ExpiryService(db.kysely);
    expect((await service.runProgram(programId, { kind: 'inactivity', days: 30 }, at('2025-06-01T03:10:00Z'))).skipped).toBe('running-elsewhere');
    expect(await balance(g)).toBe(40);
    expect(await service.runProgram(programId, { kind: 'inactivity', days: 30 }, at('2025-06-01T04:00:00Z'))).toMatchObject({ skipped: null, pointsExpired: 40 });
    expect(await balance(g)).toBe(0);
  });
});
