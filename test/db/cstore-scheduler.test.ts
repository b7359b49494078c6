import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/adapters/db/database.ts';
import { createCstore } from '../../src/server.ts';
import { claimDay, dueLocations, RJR_SYNC_LOCATION_QUEUE, rjrSyncJob } from '../../src/jobs/rjr-sync.job.ts';
import { EXPIRE_POINTS_JOB_ID, JOBS, RJR_SYNC_JOB_ID } from '../../src/jobs/index.ts';
import { startScheduler } from '../../src/jobs/scheduler.ts';
import { ENGINES } from '../support/engines.ts';
import { type CstoreHarness, TEST_SECRET_KEY, cstoreHarness } from '../support/cstore.ts';

const SCHEDULER_WORKER = new URL('../support/job-scheduler-worker.mjs', import.meta.url).pathname;

/** A server process running the scheduler `serve` starts; driven line by line over stdin/stdout. */
function startSchedulerProcess(url: string, simUrl: string, nowIso: string) {
  const child = spawn(process.execPath, [SCHEDULER_WORKER, url, simUrl, nowIso], {
    env: { ...process.env, TILLPOINT_SECRET_KEY: TEST_SECRET_KEY },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const synced: { pid: number; locationId: string; status: string }[] = [];
  const events: string[] = [];
  const waiters: { want: string; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('{')) return void synced.push(JSON.parse(line) as (typeof synced)[number]);
    const w = waiters.findIndex((x) => line.startsWith(x.want));
    if (w >= 0) waiters.splice(w, 1)[0]!.resolve(line);
    else events.push(line);
  });
  const next = (want: string) =>
    new Promise<string>((resolve, reject) => {
      const i = events.findIndex((e) => e.startsWith(want));
      if (i >= 0) return resolve(events.splice(i, 1)[0]!);
      waiters.push({ want, resolve });
      setTimeout(() => reject(new Error(`worker ${child.pid}: no "${want}" within 20 s (synced ${JSON.stringify(synced)})`)), 20_000).unref();
    });
  return {
    synced,
    ready: next('ready'),
    tick: async () => {
      child.stdin!.write('tick\n');
      await next('ticked');
    },
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.stdin!.write('stop\n');
      return exited;
    },
  };
}

describe.each(ENGINES)('RJR sync scheduling on %s', (engine) => {
  let h: CstoreHarness;
  const locations: string[] = [];
  beforeAll(async () => {
    h = await cstoreHarness(engine, { promotionsPerOutlet: 4 });
    for (let i = 0; i < 6; i++) locations.push(await h.pilotLocation());
  });
  afterAll(() => h.close());

  const runsPerLocation = async () => {
    const rows = await h.db.kysely.selectFrom('sync_runs').select(['location_id', 'trigger']).where('trigger', '=', 'schedule').execute();
    const count = new Map<string, number>();
    for (const r of rows) count.set(r.location_id, (count.get(r.location_id) ?? 0) + 1);
    return locations.map((l) => count.get(l) ?? 0);
  };

  it('is not due before the store-local sync time, then due once per store-local day', async () => {
    const db = h.db.kysely;
    // 07:00 UTC is 02:00 in New York: before the default 03:00.
    expect(await dueLocations(db, new Date('2026-12-02T07:00:00Z'), '03:00')).toEqual([]);
    const due = await dueLocations(db, new Date('2026-12-02T08:30:00Z'), '03:00');
    expect(due.map((d) => d.locationId).sort()).toEqual([...locations].sort());
    expect(new Set(due.map((d) => d.day))).toEqual(new Set(['2026-12-02']));
    // A location may choose its own time.
    await db.updateTable('locations').set({ sync_time: '05:00' }).where('id', '=', locations[0]!).execute();
    expect((await dueLocations(db, new Date('2026-12-02T08:30:00Z'), '03:00')).map((d) => d.locationId)).not.toContain(locations[0]);
    await db.updateTable('locations').set({ sync_time: null }).where('id', '=', locations[0]!).execute();
  });

  it('two schedulers with their own connections sync each location exactly once', async () => {
    const other = createDb(h.db.url);
    try {
      const mine = h.cstore;
      const theirs = createCstore(other, undefined, {
        clock: mine.deps.clock,
        config: mine.deps.config,
        connectorFor: mine.deps.connectorFor,
        log: mine.deps.log,
      });
      const [a, b] = await Promise.all([rjrSyncJob.run({ cstore: mine, workerId: 'a' }), rjrSyncJob.run({ cstore: theirs, workerId: 'b' })]);
      expect(a.runs.length + b.runs.length).toBe(locations.length);
      expect([...a.runs, ...b.runs].every((r) => r.status === 'succeeded')).toBe(true);
      expect(await runsPerLocation()).toEqual(locations.map(() => 1));
      const again = await Promise.all([rjrSyncJob.run({ cstore: mine, workerId: 'a' }), rjrSyncJob.run({ cstore: theirs, workerId: 'b' })]);
      expect(again.map((r) => r.due)).toEqual([0, 0]);
      expect(await runsPerLocation()).toEqual(locations.map(() => 1));
    } finally {
      await other.close();
    }
  });

  it('takes over a claim its process abandoned, once it is stale', async () => {
    const db = h.db.kysely;
    const loc = { locationId: locations[1]!, day: '2026-12-09' };
    const t0 = new Date('2026-12-09T12:00:00Z');
    expect(await claimDay(db, loc, 'dead-process', t0, 60_000)).toBe(true);
    expect(await claimDay(db, loc, 'x', new Date(t0.getTime() + 30_000), 60_000)).toBe(false);
    const [p, q] = await Promise.all([
      claimDay(db, loc, 'p', new Date(t0.getTime() + 120_000), 60_000),
      claimDay(db, loc, 'q', new Date(t0.getTime() + 120_000), 60_000),
    ]);
    expect([p, q].filter(Boolean)).toHaveLength(1);
  });

  it('reports every tick, location sync and expiry run to its observer (the /metrics counters)', async () => {
    h.nextDay();
    const seen: string[] = [];
    const observer = {
      jobRun: (job: string, outcome: string) => void seen.push(`job ${job} ${outcome}`),
      syncRun: (status: string) => void seen.push(`sync ${status}`),
      pointsExpired: () => {},
    };
    const quiet = { info: () => {}, warn: () => {}, error: () => {} };
    const scheduler = await startScheduler({
      db: h.db,
      databaseUrl: h.db.url,
      cstore: h.cstore,
      log: quiet,
      observer,
      workerId: 'observed',
      pgBoss: { pollingIntervalSeconds: 0.5 },
    });
    try {
      await scheduler.trigger(RJR_SYNC_JOB_ID);
      await scheduler.trigger(EXPIRE_POINTS_JOB_ID);
      const deadline = Date.now() + 20_000;
      while (seen.filter((l) => l.startsWith('sync')).length < locations.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(seen.filter((l) => l === 'sync succeeded')).toHaveLength(locations.length);
      expect(seen).toContain('job expire-points ok');
      expect(seen).toContain('job rjr-sync ok');
      // croner runs whole rounds; pg-boss one queued job per location after the tick
      if (engine === 'postgres') expect(seen.filter((l) => l === 'job rjr-sync-location ok')).toHaveLength(locations.length);
    } finally {
      await scheduler.stop();
      if (engine === 'postgres') await sql`drop schema if exists ${sql.id(`${h.db.schema}_pgboss`)} cascade`.execute(h.db.kysely);
    }
  }, 60_000);

  it(`serve's scheduler in two processes (${engine === 'postgres' ? 'pg-boss' : 'croner'}) syncs each due location once that day`, async () => {
    h.nextDay();
    const now = h.clock.now.toISOString();
    const before = await runsPerLocation();
    const procs = [startSchedulerProcess(h.db.url, h.sim.url, now), startSchedulerProcess(h.db.url, h.sim.url, now)];
    try {
      const kinds = await Promise.all(procs.map((p) => p.ready));
      expect(kinds).toEqual(engine === 'postgres' ? ['ready pg-boss', 'ready pg-boss'] : ['ready croner', 'ready croner']);
      // Both fire the tick, as both crons would (pg-boss itself fires a cron once across processes).
      await Promise.all(procs.map((p) => p.tick()));
      // On pg-boss the tick only queues the locations; the processes' workers sync them.
      const deadline = Date.now() + 30_000;
      while (procs.reduce((n, p) => n + p.synced.length, 0) < locations.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const synced = procs.flatMap((p) => p.synced);
      expect(synced.map((s) => s.locationId).sort()).toEqual([...locations].sort());
      expect(synced.every((s) => s.status === 'succeeded')).toBe(true);
      // Another tick the same day finds nothing due. Croner's tick is the round itself (over by
      // "ticked"). On pg-boss the first ticks' jobs (a second one per location may be queued while
      // the first runs) are left to finish, then the tick queues none (it queues before "ticked").
      const jobs = async (states?: string[]) => {
        const table = (t: string) => sql.table(`${h.db.schema}_pgboss.${t}`);
        const inState = states ? sql`and state in (${sql.join(states)})` : sql``;
        const count = (t: string) => sql`(select count(*) from ${table(t)} where name = ${RJR_SYNC_LOCATION_QUEUE} ${inState})`;
        const { rows } = await sql<{ n: string | number }>`select ${count('job')} + ${states ? sql`0` : count('archive')} as n`.execute(h.db.kysely);
        return Number(rows[0]!.n);
      };
      let queuedBefore = 0;
      if (engine === 'postgres') {
        const settled = Date.now() + 30_000;
        while ((await jobs(['created', 'retry', 'active'])) > 0 && Date.now() < settled) await new Promise((r) => setTimeout(r, 100));
        expect(await jobs(['created', 'retry', 'active'])).toBe(0);
        queuedBefore = await jobs();
      }
      await Promise.all(procs.map((p) => p.tick()));
      if (engine === 'postgres') expect(await jobs()).toBe(queuedBefore);
      expect(procs.flatMap((p) => p.synced)).toHaveLength(locations.length);
      expect(await runsPerLocation()).toEqual(before.map((n) => n + 1));
      const claims = await h.db.kysely.selectFrom('sync_claims').select(['claimed_by', 'finished_at', 'run_id']).where('day', '=', now.slice(0, 10)).execute();
      expect(claims).toHaveLength(locations.length);
      expect(claims.every((c) => c.finished_at && c.run_id && c.claimed_by.startsWith('proc-'))).toBe(true);
      if (engine === 'postgres') {
        const schema = `${h.db.schema}_pgboss`;
        const schedules = await sql<{ name: string; cron: string }>`select name, cron from ${sql.table(`${schema}.schedule`)} order by name`.execute(
          h.db.kysely,
        );
        // every job of the registry, once across the processes, on its own schedule
        expect(schedules.rows).toEqual(JOBS.map((j) => ({ name: j.id, cron: j.schedule })).sort((a, b) => a.name.localeCompare(b.name)));
        expect(schedules.rows.map((r) => r.name)).toEqual(['expire-points', 'rjr-sync', 'scandata-weekly']);
      }
    } finally {
      expect(await Promise.all(procs.map((p) => p.stop()))).toEqual([0, 0]);
      if (engine === 'postgres') await sql`drop schema if exists ${sql.id(`${h.db.schema}_pgboss`)} cascade`.execute(h.db.kysely);
    }
  }, 90_000);
});
