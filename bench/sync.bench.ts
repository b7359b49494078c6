import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createDb, type Db } from '../src/adapters/db/database.ts';
import { migrateToLatest } from '../src/adapters/db/migrator.ts';
import { createRjrConnector } from '../src/adapters/manufacturers/rjr/rjr.connector.ts';
import { SIM_CHAIN_CLIENT } from '../src/simulators/rjr/simulator.ts';
import type { Cstore } from '../src/app/cstore/cstore.ts';
import { SYSTEM_ACTOR } from '../src/app/cstore/deps.ts';
import type { SyncRun } from '../src/app/cstore/model.ts';
import { addTerm } from '../src/app/cstore/locations.service.ts';
import { createProgram } from '../src/app/provisioning.ts';
import { syncMany } from '../src/cli/cstore.commands.ts';
import { loadConfig } from '../src/config.ts';
import { createCstore, cstoreConfigOf } from '../src/server.ts';
import { newId } from '../src/lib/ids.ts';
import { table, writeResults } from './support.ts';

/**
 * The daily RJR sync at chain scale on SQLite: LOCATIONS licensed live locations × PROMOTIONS
 * promotions each from the simulator (its own process, like the real API), first day (everything
 * new) and the next day (5 % of promotions change), with the changes of day one accepted in
 * between. Wall time, peak RSS and rows written per phase.
 */
const LOCATIONS = Number(process.env.BENCH_LOCATIONS ?? 2_000);
const PROMOTIONS = Number(process.env.BENCH_PROMOTIONS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_SYNC_CONCURRENCY ?? 8);
const BASE_DATE = '2026-12-01';
const TARGETS = { firstDaySeconds: 90, nextDaySeconds: 45, peakRssMiB: 400 };

interface Phase {
  phase: string;
  seconds: number;
  /** CPU seconds of the sync process (user + system) */
  cpuSeconds: number;
  peakRssMiB: number;
  rowsWritten: number;
  rows: Record<string, number>;
  succeeded?: number;
  failed?: number;
  added?: number;
  modified?: number;
  ended?: number;
}

/** The simulator as a separate process; resolves with its URL. */
async function startSimulator(): Promise<{ url: string; child: ChildProcess; stop: () => void }> {
  const bin = new URL('../bin/tillpoint.mjs', import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    [
      bin,
      'rjr-simulator',
      '--port',
      '0',
      '--seed',
      'bench',
      '--outlets',
      String(LOCATIONS),
      '--promotions',
      String(PROMOTIONS),
      '--base-date',
      BASE_DATE,
      '--change-rate',
      '0.05',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (l) => {
      const m = /simulator on (http:\/\/\S+)/.exec(l);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  return { url, child, stop: () => child.kill('SIGINT') };
}

/** Samples this process's RSS while `fn` runs. */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number; peakRssMiB: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    const cpu = process.cpuUsage(c0);
    return {
      value,
      seconds: Math.round((performance.now() - t0) / 10) / 100,
      cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
      peakRssMiB: Math.round(peak / 2 ** 20),
    };
  } finally {
    clearInterval(timer);
  }
}

async function counts(db: Db): Promise<Record<string, number>> {
  const k = db.kysely;
  const n = async (q: Promise<{ n: string | number } | undefined>) => Number((await q)?.n ?? 0);
  const changes = await k
    .selectFrom('promotion_changes')
    .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy('status')
    .execute();
  const by = Object.fromEntries(changes.map((c) => [c.status, Number(c.n)]));
  return {
    changes: Object.values(by).reduce((a, b) => a + b, 0),
    pending: by.pending ?? 0,
    accepted: by.accepted ?? 0,
    superseded: by.superseded ?? 0,
    syncRuns: await n(
      k
        .selectFrom('sync_runs')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirst(),
    ),
    register: await n(
      k
        .selectFrom('location_promotions')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirst(),
    ),
    batches: await n(
      k
        .selectFrom('update_batches')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirst(),
    ),
  };
}

/** Rows inserted, plus rows whose status a phase changed (accepted, superseded) and register rows rewritten. */
function written(before: Record<string, number>, after: Record<string, number>): { total: number; rows: Record<string, number> } {
  const d = (k: string) => after[k]! - before[k]!;
  const rows = {
    changesInserted: d('changes'),
    changesDecided: d('accepted') + d('superseded'),
    syncRuns: d('syncRuns'),
    registerNet: d('register'),
    batches: d('batches'),
  };
  // Register rows are upserted per accepted add/modify and deleted per end: count the accepted changes once more.
  const total = rows.changesInserted + rows.changesDecided * 2 + rows.syncRuns + rows.batches;
  return { total, rows };
}

async function seed(cstore: Cstore, simUrl: string, at: Date): Promise<string[]> {
  const db = cstore.deps.db.kysely;
  const programId = await createProgram(db, { slug: 'bench-chain', name: 'Bench chain', currency: 'USD', earnRateMilli: 0, expiry: { kind: 'none' } }, at);
  const iso = at.toISOString();
  const ids: string[] = [];
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < LOCATIONS; i += 500) {
      const part = Array.from({ length: Math.min(500, LOCATIONS - i) }, (_, j) => {
        const id = newId();
        ids.push(id);
        return {
          id,
          program_id: programId,
          name: `Bench #${String(i + j + 1).padStart(4, '0')}`,
          address: `${i + j + 1} Bench Rd`,
          time_zone: 'America/New_York',
          pos_system: (['passport', 'commander', 'radiant', 'other'] as const)[(i + j) % 4]!,
          outlet_ids: JSON.stringify({ rjr: String(7_000_001 + i + j) }),
          auto_accept: 0,
          integration_status: 'live' as const,
          sync_time: null,
          outbox_dir: null,
          enrollment_error: null,
          enrollment_error_at: null,
          agent_token_hash: null,
          agent_token_prefix: null,
          batch_seq: 0,
          created_at: iso,
          updated_at: iso,
          register_store_id: null,
          register_ids: 'manufacturer' as const,
          register_id_start: 1,
        };
      });
      await trx.insertInto('locations').values(part).execute();
      await trx
        .insertInto('scan_data_licenses')
        .values(
          part.map((l) => ({
            id: newId(),
            program_id: programId,
            term: '1y' as const,
            bought_at: iso,
            location_id: l.id,
            assigned_at: iso,
            assigned_by: 'bench',
            starts_at: iso,
            expires_at: addTerm(iso, '1y'),
          })),
        )
        .execute();
    }
  });
  await cstore.enrollments.put(
    programId,
    {
      mode: 'chain',
      accountNumber: SIM_CHAIN_CLIENT.accountNumber,
      clientId: SIM_CHAIN_CLIENT.clientId,
      clientSecret: SIM_CHAIN_CLIENT.clientSecret,
      baseUrl: simUrl,
    },
    SYSTEM_ACTOR,
  );
  return ids;
}

export async function main(): Promise<Phase[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tillpoint-sync-bench-'));
  const db = createDb(`sqlite:${join(dir, 'bench.db')}`);
  const sim = await startSimulator();
  try {
    await migrateToLatest(db);
    let now = new Date(`${BASE_DATE}T15:00:00.000Z`);
    const connector = createRjrConnector({ baseUrl: sim.url, timeoutMs: 30_000 });
    const config = loadConfig();
    const cstore = createCstore(db, config, { clock: () => now, config: { ...cstoreConfigOf(config), rjrBaseUrl: sim.url }, connectorFor: () => connector });
    const loadBefore = loadavg()[0]!;
    const ids = await seed(cstore, sim.url, now);
    const targets = ids.map((id) => ({ id, name: id }));
    process.stdout.write(`${LOCATIONS} live locations × ${PROMOTIONS} promotions, simulator ${sim.url}, concurrency ${CONCURRENCY}\n`);

    const phases: Phase[] = [];
    const syncPhase = async (name: string) => {
      const before = await counts(db);
      const m = await measured(() => syncMany(cstore, targets, { trigger: 'cli', concurrency: CONCURRENCY }));
      const w = written(before, await counts(db));
      const runs: SyncRun[] = m.value;
      const failed = runs.filter((r) => r.status !== 'succeeded');
      if (failed.length) process.stderr.write(`${failed.length} runs did not succeed, e.g. ${failed[0]!.errorCode}: ${failed[0]!.error}\n`);
      const sum = (k: 'added' | 'modified' | 'ended') => runs.reduce((s, r) => s + r[k], 0);
      const p: Phase = {
        phase: name,
        seconds: m.seconds,
        cpuSeconds: m.cpuSeconds,
        peakRssMiB: m.peakRssMiB,
        rowsWritten: w.total,
        rows: w.rows,
        succeeded: runs.length - failed.length,
        failed: failed.length,
        added: sum('added'),
        modified: sum('modified'),
        ended: sum('ended'),
      };
      phases.push(p);
      process.stdout.write(`${name}: ${p.seconds} s, peak RSS ${p.peakRssMiB} MiB, ${p.rowsWritten} rows, +${p.added} ~${p.modified} -${p.ended}\n`);
    };

    await syncPhase('first day');
    {
      const before = await counts(db);
      const actor = { type: 'cli' as const, id: 'bench', name: 'Bench' };
      const m = await measured(async () => {
        for (const id of ids) await cstore.review.accept(id, { all: true }, actor);
      });
      const w = written(before, await counts(db));
      phases.push({
        phase: 'accept all (between days)',
        seconds: m.seconds,
        cpuSeconds: m.cpuSeconds,
        peakRssMiB: m.peakRssMiB,
        rowsWritten: w.total,
        rows: w.rows,
      });
      process.stdout.write(`accept: ${m.seconds} s, peak RSS ${m.peakRssMiB} MiB\n`);
    }
    await fetch(`${sim.url}/_sim/day`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: 1 }) });
    now = new Date(now.getTime() + 86_400_000);
    await syncPhase('next day (5 % changes)');

    const simPeak = (() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${sim.child.pid}/status`, 'utf8'));
        return m ? Math.round(Number(m[1]) / 1024) : null;
      } catch {
        return null;
      }
    })();
    const processPeak = Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20);
    const first = phases[0]!;
    const next = phases[2]!;
    const verdict = {
      firstDay: first.seconds < TARGETS.firstDaySeconds,
      nextDay: next.seconds < TARGETS.nextDaySeconds,
      peakRss: processPeak < TARGETS.peakRssMiB,
    };
    const md = [
      `${LOCATIONS.toLocaleString('en-US')} licensed live locations × ${PROMOTIONS} promotions from the RJR simulator (separate process, ${PROMOTIONS / 100} pages of 100 per outlet), SQLite (WAL), ${CONCURRENCY} locations synced at a time. Each location: token (cached) → every page → validate → diff against register state and pending → changes + sync-run record in one transaction.`,
      '',
      table(
        ['phase', 'wall time s', 'CPU s (sync process)', 'peak RSS MiB (sync process)', 'rows written', 'added', 'modified', 'ended', 'runs ok / failed'],
        phases.map((p) => [
          p.phase,
          p.seconds,
          p.cpuSeconds,
          p.peakRssMiB,
          p.rowsWritten,
          p.added ?? '',
          p.modified ?? '',
          p.ended ?? '',
          p.succeeded === undefined ? '' : `${p.succeeded} / ${p.failed}`,
        ]),
      ),
      '',
      `Peak RSS of the sync process over the whole run: ${processPeak} MiB; of the simulator process: ${simPeak ?? 'n/a'} MiB.`,
      '',
      `Machine load average (1 min) at start ${loadBefore.toFixed(2)}, at end ${loadavg()[0]!.toFixed(2)} — other work on the machine inflates wall times.`,
      '',
      `Rows written = changes inserted + sync runs + batches + 2 × changes decided (status update and the register row upserted or deleted).`,
      '',
      `Targets (SQLite, 2 cores): first day < ${TARGETS.firstDaySeconds} s — ${verdict.firstDay ? 'met' : 'MISSED'}; next day < ${TARGETS.nextDaySeconds} s — ${verdict.nextDay ? 'met' : 'MISSED'}; peak RSS < ${TARGETS.peakRssMiB} MB — ${verdict.peakRss ? 'met' : 'MISSED'}.`,
    ].join('\n');
    const base = writeResults(
      'sync',
      {
        locations: LOCATIONS,
        promotions: PROMOTIONS,
        concurrency: CONCURRENCY,
        phases,
        loadAverage: { start: loadBefore, end: loadavg()[0] },
        processPeakRssMiB: processPeak,
        simulatorPeakRssMiB: simPeak,
        targets: TARGETS,
        verdict,
      },
      md,
    );
    process.stdout.write(`\n${md}\n\nwritten ${base}.json and .md\n`);
    return phases;
  } finally {
    sim.stop();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
