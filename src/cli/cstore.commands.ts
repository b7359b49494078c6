import Table from 'cli-table3';
import cliProgress from 'cli-progress';
import { type Command, Option } from 'commander';
import pLimit from 'p-limit';
import { createDb } from '../adapters/db/database.ts';
import { migrateToLatest } from '../adapters/db/migrator.ts';
import { findProgramBySlug } from '../adapters/db/repositories/config.repository.ts';
import { locationsByIds, syncingLocations } from '../adapters/db/repositories/locations.repository.ts';
import type { RjrSimulator } from '../simulators/rjr/simulator.ts';
import type { Cstore } from '../app/cstore/cstore.ts';
import type { Logger } from '../app/ports/logger.ts';
import type { SyncRun } from '../app/cstore/model.ts';
import { loadConfig } from '../config.ts';
import type { CstoreDemoInfo } from '../demo/cstore-seed.ts';
import { DEMO_ADMIN_EMAIL, demoAdminPassword } from '../demo/seed.ts';
import { AppError } from '../errors.ts';
import type { Runtime } from '../server.ts';

/**
 * The c-store commands: `tillpoint sync rjr` (on demand, with a progress bar and a summary
 * table) and `tillpoint rjr-simulator`; plus what `serve --demo` adds for the c-store side (the
 * simulator and the `quickstop` demo chain).
 */

const databaseOption = () => new Option('--database <url>', 'sqlite:PATH or postgres://… (default: TILLPOINT_DATABASE_URL or sqlite:./data/tillpoint.db)');

export interface SyncTarget {
  id: string;
  name: string;
}

/** Which locations a `sync rjr` covers: the named ones, or every pilot/live location (of one program). */
export async function syncTargets(cstore: Cstore, opts: { location?: string[]; all?: boolean; program?: string }): Promise<SyncTarget[]> {
  const db = cstore.deps.db.kysely;
  if (opts.location?.length && opts.all) throw new AppError('ValidationError', 'use --location or --all, not both');
  if (!opts.location?.length && !opts.all) throw new AppError('ValidationError', 'name locations with --location <id…>, or use --all');
  let programId: string | null = null;
  if (opts.program) {
    const p = await findProgramBySlug(db, opts.program);
    if (!p) throw new AppError('NotFound', `no program "${opts.program}"`);
    programId = p.id;
  }
  if (opts.location?.length) {
    const rows = await locationsByIds(db, opts.location);
    const missing = opts.location.filter((id) => !rows.some((r) => r.id === id && (!programId || r.programId === programId)));
    if (missing.length) throw new AppError('LocationNotFound', `no location ${missing.join(', ')}`);
    return opts.location.map((id) => rows.find((r) => r.id === id)!).map((r) => ({ id: r.id, name: r.name }));
  }
  return (await syncingLocations(db, programId)).map((r) => ({ id: r.id, name: r.name }));
}

/** Runs the syncs `concurrency` at a time; `onDone` after each. */
export async function syncMany(
  cstore: Cstore,
  targets: SyncTarget[],
  opts: { trigger: SyncRun['trigger']; concurrency: number; onDone?: (t: SyncTarget, run: SyncRun) => void },
): Promise<SyncRun[]> {
  const limit = pLimit(Math.max(1, opts.concurrency));
  return Promise.all(
    targets.map((t) =>
      limit(async () => {
        const run = await cstore.syncLocation(t.id, { trigger: opts.trigger });
        opts.onDone?.(t, run);
        return run;
      }),
    ),
  );
}

/** The summary table `sync rjr` prints: one row per location, then totals. */
export function summaryTable(targets: SyncTarget[], runs: SyncRun[]): string {
  const head = ['location', 'status', 'pages', 'add', 'modify', 'end', 'rejected', 'ms', 'note'];
  const rows = runs.map((r, i) => [
    targets[i]!.name.slice(0, 32),
    r.status,
    String(r.pages),
    String(r.added),
    String(r.modified),
    String(r.ended),
    String(r.rejected),
    String(r.durationMs),
    (r.error ?? (r.batchId ? `auto-accepted into batch ${r.batchId.slice(0, 8)}` : '')).slice(0, 90),
  ]);
  const sum = (k: 'pages' | 'added' | 'modified' | 'ended' | 'rejected') => String(runs.reduce((s, r) => s + r[k], 0));
  const count = (s: SyncRun['status']) => runs.filter((r) => r.status === s).length;
  const total = [
    'total',
    `${count('succeeded')} ok, ${count('failed')} failed, ${count('skipped')} skipped`,
    sum('pages'),
    sum('added'),
    sum('modified'),
    sum('ended'),
    sum('rejected'),
    '',
    '',
  ];
  const numeric = new Set([2, 3, 4, 5, 6, 7]);
  const table = new Table({
    head,
    // no frame: columns two spaces apart, one rule under the head
    chars: { ...NO_FRAME, mid: '─', middle: '  ', 'mid-mid': '  ' },
    colAligns: head.map((_, c) => (numeric.has(c) ? 'right' : 'left')),
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  table.push(...rows, total);
  const lines = table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd());
  // the same rule again above the totals
  lines.splice(lines.length - 1, 0, lines[1]!);
  return lines.join('\n') + '\n';
}

const NO_FRAME = Object.fromEntries(
  [
    'top',
    'top-mid',
    'top-left',
    'top-right',
    'bottom',
    'bottom-mid',
    'bottom-left',
    'bottom-right',
    'left',
    'left-mid',
    'mid',
    'mid-mid',
    'right',
    'right-mid',
    'middle',
  ].map((k) => [k, '']),
);

export function registerCstoreCommands(program: Command): void {
  const sync = program.command('sync').description('on-demand manufacturer syncs');
  sync
    .command('rjr')
    .description('fetch RJR promotions now and queue the changes for review (what the daily 03:00 sync does)')
    .option('--location <id...>', 'location ids to sync')
    .option('--all', 'every pilot and live location')
    .option('--program <slug>', 'only locations of this program')
    .option('--json', 'print the sync runs as JSON instead of a table')
    .addOption(databaseOption())
    .action(async (opts: { location?: string[]; all?: boolean; program?: string; json?: boolean; database?: string }) => {
      const config = loadConfig(opts);
      const db = createDb(config.databaseUrl);
      try {
        await migrateToLatest(db);
        const log: Logger = {
          debug: () => {},
          info: () => {},
          warn: () => {},
          error: (o, m) => process.stderr.write(`tillpoint: ${m} ${JSON.stringify(o)}\n`),
        };
        const { createCstore } = await import('../server.ts'); // the composition root (and Fastify) only when the command runs
        const cstore = createCstore(db, config, { log });
        const targets = await syncTargets(cstore, opts);
        if (!targets.length) {
          process.stdout.write('no pilot or live location to sync (set a location to pilot first)\n');
          return;
        }
        const bar = new cliProgress.SingleBar(
          {
            format: 'RJR sync |{bar}| {value}/{total} locations | {eta_formatted} left | {location}',
            hideCursor: true,
            stream: process.stderr,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(targets.length, 0, { location: '' });
        const runs = await syncMany(cstore, targets, {
          trigger: 'cli',
          concurrency: cstore.deps.config.syncConcurrency,
          onDone: (t) => bar.increment(1, { location: t.name }),
        });
        bar.stop();
        if (opts.json) process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
        else process.stdout.write('\n' + summaryTable(targets, runs));
        if (runs.some((r) => r.status === 'failed')) process.exitCode = 1;
      } finally {
        await db.close();
      }
    });

  program
    .command('rjr-simulator')
    .description('run the RJR Discount API simulator (docs/rjr-simulator.md) until interrupted')
    .option('--port <n>', 'TCP port', '4010')
    .option('--host <host>', 'interface', '127.0.0.1')
    .option('--seed <seed>', 'data seed (same seed, same promotions)', 'tillpoint')
    .option('--outlets <n>', 'number of outlets (7000001 …)', '50')
    .option('--promotions <n>', 'promotions per outlet', '40')
    .option('--day <n>', 'simulated day (0 = base date)', '0')
    .option('--base-date <YYYY-MM-DD>', 'calendar date of day 0 (default today)')
    .option('--change-rate <x>', 'share of promotions changing per day', '0.05')
    .action(
      async (opts: { port: string; host: string; seed: string; outlets: string; promotions: string; day: string; baseDate?: string; changeRate: string }) => {
        const { runSimulatorCli } = await import('../simulators/rjr/simulator.ts');
        const sim = await runSimulatorCli({
          port: opts.port,
          host: opts.host,
          seed: opts.seed,
          outlets: opts.outlets,
          promotionsPerOutlet: opts.promotions,
          day: opts.day,
          baseDate: opts.baseDate,
          changeRate: opts.changeRate,
        });
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await sim.close();
      },
    );
}

// ---- serve ----

async function startDemoSimulator(port: number): Promise<RjrSimulator> {
  const [{ startRjrSimulator }, { demoSimulatorOptions }] = await Promise.all([
    import('../simulators/rjr/simulator.ts'),
    import('../demo/cstore-simulator.ts'),
  ]);
  const opts = demoSimulatorOptions(new Date());
  try {
    return await startRjrSimulator({ ...opts, port });
  } catch (e) {
    if ((e as { code?: string }).code !== 'EADDRINUSE') throw e;
    return startRjrSimulator({ ...opts, port: 0 });
  }
}

export interface CstoreDemo {
  info: CstoreDemoInfo;
  close(): Promise<void>;
}

/**
 * What `serve --demo` adds for the c-store side, through the runtime's own use cases: the RJR
 * simulator in-process (`TILLPOINT_RJR_SIMULATOR_PORT`, a free port when taken) and the
 * `quickstop` chain. The scheduled jobs are the runtime's (`startWorkers`). `TILLPOINT_DEMO_CSTORE`
 * leaves out the week of sales (`chain`) or all of it (`off`: null).
 */
export async function startCstoreDemo(runtime: Runtime, opts: { baseUrl: string }): Promise<CstoreDemo | null> {
  if (runtime.config.demoCstore === 'off') return null;
  const [{ seedCstoreDemo }, { seedDemoSalesWeek }, { demoSimulatorAt, demoSimulatorDay }] = await Promise.all([
    import('../demo/cstore-seed.ts'),
    import('../demo/cstore-sales-week.ts'),
    import('../demo/cstore-simulator.ts'),
  ]);
  const sim = await startDemoSimulator(runtime.config.rjr.simulatorPort);
  const timer = setInterval(() => sim.setDay(demoSimulatorDay(new Date())), 60_000).unref();
  const now = new Date();
  const info = (await seedCstoreDemo(runtime.cstore, sim.url, now)).info;
  // The demo week of sales: the feed of a past day comes from a second simulator on that day.
  // A failure here leaves the demo without its week of sales, not without a server.
  const week =
    runtime.config.demoCstore === 'chain'
      ? null
      : await seedDemoSalesWeek(runtime.cstore, {
          now,
          simulatorAt: demoSimulatorAt,
        }).catch((e: unknown) => {
          process.stderr.write(`demo week of c-store sales not seeded: ${e instanceof Error ? e.message : String(e)}\n`);
          return null;
        });
  printCstoreDemo(info, opts.baseUrl);
  if (week && (week.seeded || week.transactions > 0))
    process.stdout.write(
      `  demo week of c-store sales at #102 and #103: ${week.transactions} transactions, RJR week ${week.week.rjr.start}…${week.week.rjr.end}, Altria week ${week.week.altria.start}…${week.week.altria.end}\n\n`,
    );
  return {
    info,
    async close() {
      clearInterval(timer);
      await sim.close();
    },
  };
}

export function printCstoreDemo(info: CstoreDemoInfo, baseUrl: string): void {
  const first = info.locations.find((l) => l.posSystem === 'passport') ?? info.locations[0]!;
  const A = `${baseUrl}/admin/v1/cstore`;
  const lines = [
    '',
    `Demo c-store chain ${info.program.slug} (program id ${info.program.id}); RJR simulator on ${info.simulatorUrl}`,
    '  location id                             name                       POS        RJR outlet  status  license            agent token',
    ...info.locations.map(
      (l) =>
        `  ${l.id}  ${l.name.padEnd(25)}  ${l.posSystem.padEnd(9)}  ${l.outletId.padEnd(10)}  ${l.status.padEnd(6)}  ${l.license.padEnd(17)}  ${l.agentToken}`,
    ),
    `  unassigned Scan Data license: ${info.freeLicenseId}`,
    '',
    'Walkthrough (docs/cstore.md): log in, then license, pilot, sync, review, accept, push:',
    `  TOKEN=$(curl -s ${baseUrl}/admin/v1/auth/login -H 'content-type: application/json' -d '{"email":"${DEMO_ADMIN_EMAIL}","password":"${demoAdminPassword()}"}' | jq -r .token)`,
    `  curl -s -X POST ${A}/licenses/${info.freeLicenseId}/assign -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"locationId":"${first.id}"}'`,
    `  curl -s -X POST ${A}/locations/${first.id}/status -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"status":"pilot"}'`,
    `  npx tillpoint sync rjr --location ${first.id}        (or: curl -X POST ${A}/locations/${first.id}/sync …)`,
    `  curl -s ${A}/locations/${first.id}/changes -H "authorization: Bearer $TOKEN"`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
