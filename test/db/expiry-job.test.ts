import { randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerSum, postEntries } from '../../src/adapters/db/repositories/points-ledger.repository.ts';
import { ExpiryService, timeOrderedIds } from '../../src/app/expiry.service.ts';
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
    const ledger = await db.kysely
      .selectFrom('points_ledger')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('program_id', '=', programId)
      .executeTakeFirstOrThrow();
    const events = await db.kysely
      .selectFrom('outbox_events')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('program_id', '=', programId)
      .executeTakeFirstOrThrow();
    return { ledger: Number(ledger.n), events: Number(events.n) };
  }
  async function balance(guestId: string) {
    return (await db.kysely.selectFrom('guests').select('balance').where('id', '=', guestId).executeTakeFirstOrThrow()).balance;
  }

  it('monthly buckets: expires what was earned seven months back, oldest spent first, once', async () => {
    const programId = await createProgram(
      db.kysely,
      { slug: 'monthly', name: 'M', currency: 'USD', earnRateMilli: 10_000, expiry: { kind: 'monthly-buckets', months: 6 } },
      at('2025-12-01T00:00:00Z'),
    );
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
    const event = await db.kysely
      .selectFrom('outbox_events')
      .selectAll()
      .where('program_id', '=', programId)
      .where('type', '=', 'points.expired')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.payload)).toMatchObject({
      guestId: ana,
      points: 70,
      balance: 50,
      buckets: [{ points: 70, earnedMonth: '2026-01', expiresAt: '2026-08-01T00:00:00.000Z' }],
    });

    // A second run the same day writes nothing at all; a forced rerun finds nothing due.
    const before = await counts(programId);
    expect((await service.runProgram(programId, { kind: 'monthly-buckets', months: 6 }, at('2026-08-02T09:00:00Z'))).skipped).toBe('done-today');
    expect(await service.runProgram(programId, { kind: 'monthly-buckets', months: 6 }, now, { force: true })).toMatchObject({
      skipped: null,
      guestsExpired: 0,
      pointsExpired: 0,
    });
    // Later in the month nothing new can be due.
    expect((await service.runProgram(programId, { kind: 'monthly-buckets', months: 6 }, at('2026-08-20T03:15:00Z'))).skipped).toBe('nothing-new');
    expect(await counts(programId)).toEqual(before);

    // The guest app's view of what is left.
    expect(await service.bucketsFor(programId, { kind: 'monthly-buckets', months: 6 }, ana, now)).toEqual([
      { points: 50, expiresAt: '2026-10-01T00:00:00.000Z', earnedMonth: '2026-03', due: false },
    ]);
  });

  it('inactivity: the whole balance of guests idle for N days, in batches, once a day', async () => {
    const programId = await createProgram(
      db.kysely,
      { slug: 'idle', name: 'I', currency: 'USD', earnRateMilli: 10_000, expiry: { kind: 'inactivity', days: 180 } },
      at('2025-01-01T00:00:00Z'),
    );
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
    const events = await db.kysely
      .selectFrom('outbox_events')
      .select('payload')
      .where('program_id', '=', programId)
      .where('type', '=', 'points.expired')
      .execute();
    expect(events.map((e) => (JSON.parse(e.payload) as { points: number }).points).sort()).toEqual([100, 101, 102, 103, 104]);

    const before = await counts(programId);
    const again = await expirePointsJob.run({ db, now: () => at('2026-02-01T23:00:00Z') });
    expect(again.find((r) => r.programId === programId)!.skipped).toBe('done-today');
    expect(await counts(programId)).toEqual(before);
  });

  it('a run under way elsewhere is left alone, a stale one is taken over', async () => {
    const programId = await createProgram(
      db.kysely,
      { slug: 'twice', name: 'T', currency: 'USD', earnRateMilli: 10_000, expiry: { kind: 'inactivity', days: 30 } },
      at('2025-01-01T00:00:00Z'),
    );
    const g = await createGuest(db.kysely, programId, { name: 'G' }, at('2025-01-01T00:00:00Z'));
    await earn(programId, g, 40, '2025-02-01T00:00:00.000Z');
    await db.kysely
      .insertInto('expiry_runs')
      .values({
        id: '00000000-0000-4000-8000-000000000001',
        program_id: programId,
        run_date: '2025-06-01',
        policy: '{}',
        cutoff: '',
        started_at: '2025-06-01T03:00:00.000Z',
        finished_at: null,
        guests_expired: 0,
        points_expired: 0,
      })
      .execute();
    const service = new ExpiryService(db.kysely);
    expect((await service.runProgram(programId, { kind: 'inactivity', days: 30 }, at('2025-06-01T03:10:00Z'))).skipped).toBe('running-elsewhere');
    expect(await balance(g)).toBe(40);
    expect(await service.runProgram(programId, { kind: 'inactivity', days: 30 }, at('2025-06-01T04:00:00Z'))).toMatchObject({
      skipped: null,
      pointsExpired: 40,
    });
    expect(await balance(g)).toBe(0);
  });
  it('pages and multi-row writes: 1,203 guests over several pages expire exactly as one page would', async () => {
    const policy = { kind: 'monthly-buckets', months: 6 } as const;
    const programId = await createProgram(
      db.kysely,
      { slug: 'many', name: 'Many', currency: 'USD', earnRateMilli: 10_000, expiry: policy },
      at('2025-12-01T00:00:00Z'),
    );
    // Guest i earned 100 + i in January (due on 1 August) and, every third guest, spent 150 in March;
    // every fifth guest earned 40 more in July (not due). Every seventh guest has nothing.
    const guests: { id: string; program_id: string; name: string; email: null; balance: number; last_activity_at: string; created_at: string }[] = [];
    const ledger: {
      id: string;
      program_id: string;
      guest_id: string;
      transaction_id: null;
      kind: 'EARN' | 'REDEEM';
      points: number;
      balance_after: number;
      reason: null;
      created_at: string;
    }[] = [];
    const expected = new Map<string, number>();
    for (let i = 0; i < 1203; i++) {
      const id = randomUUID();
      let balance = 0;
      const entry = (kind: 'EARN' | 'REDEEM', points: number, iso: string) => {
        balance += points;
        ledger.push({
          id: randomUUID(),
          program_id: programId,
          guest_id: id,
          transaction_id: null,
          kind,
          points,
          balance_after: balance,
          reason: null,
          created_at: iso,
        });
      };
      if (i % 7 !== 0) {
        entry('EARN', 100 + i, '2026-01-15T12:00:00.000Z');
        if (i % 3 === 0) entry('REDEEM', -Math.min(150, 100 + i), '2026-03-01T12:00:00.000Z');
      }
      const dueNow = balance;
      if (i % 5 === 0) entry('EARN', 40, '2026-07-10T12:00:00.000Z');
      if (dueNow > 0) expected.set(id, dueNow);
      guests.push({
        id,
        program_id: programId,
        name: `G${i}`,
        email: null,
        balance,
        last_activity_at: '2026-07-10T12:00:00.000Z',
        created_at: '2025-12-15T00:00:00.000Z',
      });
    }
    for (let i = 0; i < guests.length; i += 200)
      await db.kysely
        .insertInto('guests')
        .values(guests.slice(i, i + 200))
        .execute();
    for (let i = 0; i < ledger.length; i += 200)
      await db.kysely
        .insertInto('points_ledger')
        .values(ledger.slice(i, i + 200))
        .execute();

    const service = new ExpiryService(db.kysely);
    // 600 per page: three pages, and the first two write more than 500 rows (two statements each).
    const report = await service.runProgram(programId, policy, at('2026-08-02T03:15:00Z'), { batchSize: 600 });
    const totalDue = [...expected.values()].reduce((s, n) => s + n, 0);
    expect(report).toMatchObject({
      skipped: null,
      guestsScanned: guests.filter((g) => g.balance > 0).length,
      guestsExpired: expected.size,
      pointsExpired: totalDue,
    });

    const expire = await db.kysely
      .selectFrom('points_ledger')
      .select(['guest_id', 'points', 'balance_after', 'reason'])
      .where('program_id', '=', programId)
      .where('kind', '=', 'EXPIRE')
      .execute();
    expect(new Map(expire.map((e) => [e.guest_id, -e.points]))).toEqual(expected);
    expect(expire.every((e) => e.reason === 'monthly-buckets: earned 2026-01')).toBe(true);
    const drift = await db.kysely
      .selectFrom('guests as g')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('g.program_id', '=', programId)
      .where(sql<boolean>`(select coalesce(sum(l.points), 0) from points_ledger l where l.guest_id = g.id) <> g.balance`)
      .executeTakeFirstOrThrow();
    expect(Number(drift.n)).toBe(0);
    const byGuest = new Map(guests.map((g) => [g.id, g.balance]));
    for (const e of expire) expect(e.balance_after).toBe(byGuest.get(e.guest_id)! - expected.get(e.guest_id)!);
    const events = await db.kysely
      .selectFrom('outbox_events')
      .select(['id', 'payload'])
      .where('program_id', '=', programId)
      .where('type', '=', 'points.expired')
      .execute();
    expect(events).toHaveLength(expected.size);
    expect(new Set(events.map((e) => e.id)).size).toBe(expected.size);
    for (const e of events) {
      const data = JSON.parse(e.payload) as { guestId: string; points: number; balance: number };
      expect(data.points).toBe(expected.get(data.guestId));
      expect(data.balance).toBe(byGuest.get(data.guestId)! - data.points);
    }

    // Nothing is due any more, whatever the page size.
    const before = await counts(programId);
    expect(await service.runProgram(programId, policy, at('2026-08-02T03:15:00Z'), { force: true, batchSize: 7 })).toMatchObject({
      guestsExpired: 0,
      pointsExpired: 0,
    });
    expect(await counts(programId)).toEqual(before);
  });

  it('a sale that spends expiring points while the run is under way is never lost', async () => {
    const policy = { kind: 'monthly-buckets', months: 6 } as const;
    const programId = await createProgram(
      db.kysely,
      { slug: 'race', name: 'R', currency: 'USD', earnRateMilli: 10_000, expiry: policy },
      at('2025-12-01T00:00:00Z'),
    );
    const guest = await createGuest(db.kysely, programId, { name: 'Racer', points: 100 }, at('2026-01-15T12:00:00Z'));
    const service = new ExpiryService(db.kysely);
    const now = at('2026-08-02T03:15:00Z');

    if (engine === 'postgres') {
      // The sale holds the guest's row (an uncommitted redeem of 80 of the 100 due points); the
      // run's page must wait for it, then expire only the 20 left, not the 100 it would have read.
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let holding!: () => void;
      const held = new Promise<void>((r) => (holding = r));
      const sale = db.kysely.transaction().execute(async (trx) => {
        await postEntries(trx, programId, guest, [{ kind: 'REDEEM', points: -80, transactionId: null }], '2026-08-01T12:00:00.000Z', { touchActivity: true });
        holding();
        await gate;
      });
      await held;
      const run = service.runProgram(programId, policy, now);
      for (let i = 0; i < 100; i++) {
        const waiting = await sql<{
          n: string;
        }>`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db.kysely);
        if (Number(waiting.rows[0]!.n) > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      release();
      await sale;
      expect(await run).toMatchObject({ skipped: null, guestsExpired: 1, pointsExpired: 20 });
    } else {
      // SQLite: another connection is in the middle of the sale; the run's page read an older
      // snapshot, so its write is refused (the page rolls back) rather than overwriting the sale.
      const other = new SQLite(db.url.slice('sqlite:'.length));
      other.pragma('busy_timeout = 5000');
      other.exec('begin immediate');
      other.prepare('update guests set balance = balance - 80 where id = ?').run(guest);
      other
        .prepare(
          'insert into points_ledger (id, program_id, guest_id, transaction_id, kind, points, balance_after, reason, created_at) values (?, ?, ?, null, ?, ?, ?, null, ?)',
        )
        .run(randomUUID(), programId, guest, 'REDEEM', -80, 20, '2026-08-01T12:00:00.000Z');
      await sql`pragma busy_timeout = 100`.execute(db.kysely);
      try {
        await expect(service.runProgram(programId, policy, now)).rejects.toThrow();
      } finally {
        other.exec('commit');
        other.close();
        await sql`pragma busy_timeout = 5000`.execute(db.kysely);
      }
      expect(await balance(guest)).toBe(20);
      expect(await service.runProgram(programId, policy, now, { force: true })).toMatchObject({ skipped: null, guestsExpired: 1, pointsExpired: 20 });
    }
    expect(await balance(guest)).toBe(0);
    expect(await ledgerSum(db.kysely, guest)).toBe(0);
    const kinds = await db.kysely.selectFrom('points_ledger').select(['kind', 'points']).where('guest_id', '=', guest).orderBy('created_at').execute();
    expect(kinds).toEqual([
      { kind: 'ADJUST', points: 100 },
      { kind: 'REDEEM', points: -80 },
      { kind: 'EXPIRE', points: -20 },
    ]);
  });
});

describe('timeOrderedIds', () => {
  it('makes UUID-shaped ids that sort in the order they were made', () => {
    const next = timeOrderedIds(Date.parse('2026-11-26T03:15:00Z'));
    const ids = Array.from({ length: 2000 }, () => next());
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(timeOrderedIds(Date.parse('2026-11-26T03:15:00Z'))()).not.toBe(ids[0]);
  });
});
