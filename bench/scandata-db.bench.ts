import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { createDb, type Engine } from '../src/adapters/db/database.ts';
import { migrateToLatest } from '../src/adapters/db/migrator.ts';
import { loadConfig } from '../src/config.ts';
import { createCstore } from '../src/server.ts';
import { addDays } from '../src/domain/calendar.ts';
import type { Promotion } from '../src/domain/promotions/promotion.ts';
import { weekContaining } from '../src/domain/scandata/week.ts';
import { newId } from '../src/lib/ids.ts';
import { makeOutlet, PROMOTIONS, UPCS } from './scandata.bench.ts';
import { rng, table, writeResults } from './support.ts';

/**
 * The scan-data week read back from the database (issue #12 targets): ROWS tobacco sale lines
 * across LOCATIONS locations, seeded into SQLite (a temp file) and PostgreSQL (a fresh schema) with
 * the RJR promotions accepted at every location, then the real pipeline in a child process of its
 * own (so its peak RSS is the pipeline's, not the seeding's): the product's `ScanDataService.generate`
 * for the chain's RJR account — the week read back (`saleLinesOfWeek`) → `priceSales` with the
 * promotions accepted at each sale's moment → RJR writer → file on disk → validator.
 *
 * `npm run bench -- scandata-db` (both engines; BENCH_SCANDATA_ENGINES=sqlite or postgres for one).
 */
const ROWS = Number(process.env.BENCH_SCANDATA_ROWS ?? 1_000_000);
const LOCATIONS = Number(process.env.BENCH_SCANDATA_LOCATIONS ?? 500);
/** Node options for the generating process only (e.g. `--max-old-space-size=128`), recorded with the figures. */
const CHILD_NODE_OPTIONS = process.env.BENCH_SCANDATA_NODE_OPTIONS ?? '';
const ENGINES = (process.env.BENCH_SCANDATA_ENGINES ?? 'sqlite,postgres').split(',') as Engine[];
const PG_URL = process.env.TILLPOINT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WEEK = weekContaining('2026-11-30', 'monday');
const TARGETS = { seconds: 60, peakRssMiB: 300 };
const PROGRAM = 'bench-chain';
const ACCOUNT = { accountNumber: '700123', retailerName: 'Bench Fuels', submitterName: 'Bench Fuels LLC' };

const locationId = (i: number) => `loc-${String(i).padStart(4, '0')}`;

/** The RJR promotions every location accepted (the synthetic bench's manufacturer-funded ones). */
const ACCEPTED: Promotion[] = PROMOTIONS.filter((p) => p.funding === 'manufacturer' && !p.loyaltyOnly).map(
  ({ funding: _f, loyaltyOnly: _l, ...p }): Promotion => ({ ...p, manufacturer: 'rjr', upcs: [...p.upcs], brand: null, lastModified: null }),
);

// ---- seeding -------------------------------------------------------------------------------

interface SaleRow {
  id: string;
  location_id: string;
  register_id: string;
  pos_transaction_id: string;
  sold_at: string;
  local_date: string;
  local_time: string;
  loyalty_id: string | null;
  line_count: number;
  total_cents: number;
}
interface LineRow {
  sale_id: string;
  line_number: number;
  upc: string;
  description: string;
  quantity: number;
  unit_price_cents: number;
}

/**
 * The week's sales in batches, in the order a chain's POS agents would post them: as they happen
 * (06:00–21:59 every day, baskets of 1–3 lines at random locations), so the tables hold them in
 * time order as they would in production. The same data every run; exactly ROWS lines.
 */
function* salesBatches(batchLines: number): Generator<{ sales: SaleRow[]; lines: LineRow[] }> {
  const r = rng(20261130);
  const txCount = new Array<number>(LOCATIONS).fill(0);
  // baskets per open second, a little above the need so that ROWS are reached before Sunday closes
  const perSecond = ((ROWS / 2) * 1.02) / (7 * 16 * 3600);
  const whole = Math.floor(perSecond);
  const fraction = Math.round((perSecond - whole) * 10_000);
  let sales: SaleRow[] = [];
  let lines: LineRow[] = [];
  let total = 0;
  for (let day = 0; day < 7 && total < ROWS; day++) {
    const localDate = addDays(WEEK.start, day);
    for (let second = 6 * 3600; second < 22 * 3600 && total < ROWS; second++) {
      const baskets = whole + (r(10_000) < fraction ? 1 : 0);
      const localTime = `${String(Math.floor(second / 3600)).padStart(2, '0')}:${String(Math.floor(second / 60) % 60).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}`;
      for (let k = 0; k < baskets && total < ROWS; k++) {
        const loc = r(LOCATIONS);
        const n = Math.min(1 + r(3), ROWS - total);
        const id = newId();
        let cents = 0;
        for (let i = 1; i <= n; i++) {
          const upc = UPCS[r(UPCS.length)]!;
          const quantity = r(40) === 0 ? -1 : 1 + r(3);
          const unit = 799 + r(300);
          cents += quantity * unit;
          lines.push({ sale_id: id, line_number: i, upc, description: `BRAND ${upc.slice(6, 11)} BOX`, quantity, unit_price_cents: unit });
        }
        sales.push({
          id,
          location_id: locationId(loc),
          register_id: String(1 + r(3)),
          pos_transaction_id: `T${++txCount[loc]!}`,
          sold_at: `${localDate}T${localTime}.000Z`, // the bench's stores keep UTC
          local_date: localDate,
          local_time: localTime,
          loyalty_id: r(7) === 0 ? `L-${r(100_000)}` : null,
          line_count: n,
          total_cents: cents,
        });
        total += n;
        if (lines.length >= batchLines) {
          yield { sales, lines };
          sales = [];
          lines = [];
        }
      }
    }
  }
  if (lines.length) yield { sales, lines };
  if (total < ROWS) throw new Error(`the synthetic week holds ${total} lines, fewer than ${ROWS}`);
}

const NOW = '2026-11-29T12:00:00.000Z';
const HASH = 'b'.repeat(64);

export function seedSqlite(path: string): void {
  const db = new SQLite(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.prepare(
    `insert into programs (id, slug, name, currency, earn_rate_milli, expiry_policy, created_at) values (?, ?, ?, 'USD', 1000, '{"kind":"never"}', ?)`,
  ).run(PROGRAM, PROGRAM, 'Bench Fuels', NOW);
  const loc = db.prepare(
    `insert into locations (id, program_id, name, address, time_zone, pos_system, outlet_ids, auto_accept, integration_status, batch_seq, created_at, updated_at)
     values (?, ?, ?, ?, 'UTC', 'ncr', ?, 1, 'active', 0, ?, ?)`,
  );
  const promo = db.prepare(
    'insert into location_promotions (location_id, manufacturer, external_id, promotion, batch_id, accepted_at) values (?, ?, ?, ?, ?, ?)',
  );
  const change = db.prepare(
    `insert into promotion_changes (id, program_id, location_id, manufacturer, external_id, kind, before, after, status, reason, sync_run_id, batch_id, created_at, decided_at, decided_by)
     values (?, ?, ?, ?, ?, 'add', null, ?, 'accepted', null, 'bench-sync', 'bench-batch', ?, ?, 'bench')`,
  );
  const sale = db.prepare(
    `insert into cstore_sales (id, location_id, register_id, pos_transaction_id, body_hash, sold_at, local_date, local_time, tender, loyalty_id, age_verification, line_count, total_cents, received_at)
     values (?, ?, ?, ?, '${HASH}', ?, ?, ?, 'cash', ?, 'scanned-id', ?, ?, ?)`,
  );
  const line = db.prepare(
    `insert into cstore_sale_lines (sale_id, line_number, kind, upc, description, unit_of_measure, quantity, unit_price_cents, category, manufacturer_name, sku, consumer_units)
     values (?, ?, 'sale', ?, ?, 'PACK', ?, ?, 'cigarettes', 'RJ Reynolds', null, 1)`,
  );
  db.transaction(() => {
    for (let i = 0; i < LOCATIONS; i++) {
      const id = locationId(i);
      loc.run(id, PROGRAM, `Store ${i}`, `${i} Main St, Winston-Salem, NC 27101`, JSON.stringify({ rjr: `S${i}` }), NOW, NOW);
      for (const p of ACCEPTED) {
        promo.run(id, p.manufacturer, p.externalId, JSON.stringify(p), 'bench-batch', NOW);
        change.run(newId(), PROGRAM, id, p.manufacturer, p.externalId, JSON.stringify(p), NOW, NOW);
      }
    }
  })();
  const batch = db.transaction((b: { sales: SaleRow[]; lines: LineRow[] }) => {
    for (const s of b.sales)
      sale.run(
        s.id,
        s.location_id,
        s.register_id,
        s.pos_transaction_id,
        s.sold_at,
        s.local_date,
        s.local_time,
        s.loyalty_id,
        s.line_count,
        s.total_cents,
        s.sold_at,
      );
    for (const l of b.lines) line.run(l.sale_id, l.line_number, l.upc, l.description, l.quantity, l.unit_price_cents);
  });
  for (const b of salesBatches(50_000)) batch(b);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** PostgreSQL: one INSERT … SELECT FROM unnest(arrays) per batch (a parameter per column, not per value). */
export async function seedPostgres(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(
      `insert into programs (id, slug, name, currency, earn_rate_milli, expiry_policy, created_at) values ($1, $1, 'Bench Fuels', 'USD', 1000, '{"kind":"never"}', $2)`,
      [PROGRAM, NOW],
    );
    const ids = Array.from({ length: LOCATIONS }, (_, i) => locationId(i));
    await c.query(
      `insert into locations (id, program_id, name, address, time_zone, pos_system, outlet_ids, auto_accept, integration_status, batch_seq, created_at, updated_at)
       select id, $2, 'Store ' || id, id || ' Main St', 'UTC', 'ncr', '{}', 1, 'active', 0, $3, $3 from unnest($1::text[]) as id`,
      [ids, PROGRAM, NOW],
    );
    for (const p of ACCEPTED) {
      await c.query(
        `insert into location_promotions (location_id, manufacturer, external_id, promotion, batch_id, accepted_at)
         select id, $2, $3, $4, 'bench-batch', $5 from unnest($1::text[]) as id`,
        [ids, p.manufacturer, p.externalId, JSON.stringify(p), NOW],
      );
      await c.query(
        `insert into promotion_changes (id, program_id, location_id, manufacturer, external_id, kind, before, after, status, reason, sync_run_id, batch_id, created_at, decided_at, decided_by)
         select gen_random_uuid()::text, $2, id, $3, $4, 'add', null, $5, 'accepted', null, 'bench-sync', 'bench-batch', $6, $6, 'bench' from unnest($1::text[]) as id`,
        [ids, PROGRAM, p.manufacturer, p.externalId, JSON.stringify(p), NOW],
      );
    }
    for (const b of salesBatches(50_000)) {
      const col = <T, K extends keyof T>(rows: T[], k: K) => rows.map((r) => r[k]);
      await c.query('begin');
      await c.query(
        `insert into cstore_sales (id, location_id, register_id, pos_transaction_id, body_hash, sold_at, local_date, local_time, tender, loyalty_id, age_verification, line_count, total_cents, received_at)
         select id, loc, reg, tx, '${HASH}', at, d, t, 'cash', loy, 'scanned-id', n, cents, at
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::bigint[])
           as u(id, loc, reg, tx, at, d, t, loy, n, cents)`,
        [
          col(b.sales, 'id'),
          col(b.sales, 'location_id'),
          col(b.sales, 'register_id'),
          col(b.sales, 'pos_transaction_id'),
          col(b.sales, 'sold_at'),
          col(b.sales, 'local_date'),
          col(b.sales, 'local_time'),
          col(b.sales, 'loyalty_id'),
          col(b.sales, 'line_count'),
          col(b.sales, 'total_cents'),
        ],
      );
      await c.query(
        `insert into cstore_sale_lines (sale_id, line_number, kind, upc, description, unit_of_measure, quantity, unit_price_cents, category, manufacturer_name, sku, consumer_units)
         select sid, ln, 'sale', upc, descr, 'PACK', q, unit, 'cigarettes', 'RJ Reynolds', null, 1
         from unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[], $6::bigint[]) as u(sid, ln, upc, descr, q, unit)`,
        [
          col(b.lines, 'sale_id'),
          col(b.lines, 'line_number'),
          col(b.lines, 'upc'),
          col(b.lines, 'description'),
          col(b.lines, 'quantity'),
          col(b.lines, 'unit_price_cents'),
        ],
      );
      await c.query('commit');
    }
    // what autovacuum does within a minute of a bulk load; the bench does not wait for it
    await c.query('analyze cstore_sales; analyze cstore_sale_lines; analyze location_promotions; analyze promotion_changes; analyze locations');
  } finally {
    await c.end();
  }
}

// ---- the pipeline (child process) -----------------------------------------------------------

interface PipelineFigures {
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  rows: number;
  fileMiB: number;
  violations: number;
  /** the submission's state (generated, or held for review) */
  state: string;
}

/** The clock the use case runs at: the Monday after the week, before RJR's Wednesday deadline. */
const CLOCK = () => new Date('2026-12-07T14:00:00.000Z');
const ACTOR = { type: 'cli' as const, id: 'bench', name: 'scandata-db bench' };

/** The RJR account of the bench chain, every location an outlet (as an admin would add it). */
async function addAccount(url: string): Promise<void> {
  const db = createDb(url);
  try {
    const cstore = createCstore(db, loadConfig({ database: url }, {}), { clock: CLOCK });
    await cstore.scanData.createAccount(
      PROGRAM,
      {
        manufacturer: 'rjr',
        ...ACCOUNT,
        outlets: Array.from({ length: LOCATIONS }, (_, i) => {
          const o = makeOutlet(locationId(i));
          return {
            locationId: o.locationId,
            outletNumber: o.outletNumber,
            name: o.name,
            address1: o.address1,
            city: o.city,
            state: o.state,
            zip: o.zip,
            phone: o.phone,
          };
        }),
      },
      ACTOR,
    );
  } finally {
    await db.close();
  }
}

/**
 * The product's own path: `ScanDataService.generate` (what `tillpoint scandata generate` and the
 * admin API run) — the week's sale lines (`saleLinesOfWeek`) priced with the promotions accepted
 * at each sale's moment (`loadPromotionsAt`), the RJR writer, the file, its validation, the
 * submission recorded.
 */
async function pipeline(url: string, dir: string): Promise<PipelineFigures> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const db = createDb(url, { poolSize: 2 });
  try {
    const cstore = createCstore(db, loadConfig({ database: url }, {}), { clock: CLOCK });
    const [account] = await cstore.scanData.accountsFor({ manufacturer: 'rjr' });
    const r = await cstore.scanData.generate(account!.id, WEEK.start, ACTOR, { outDir: dir });
    const used = process.cpuUsage(cpu0);
    const seconds = +((performance.now() - t0) / 1000).toFixed(2);
    return {
      seconds,
      cpuSeconds: +((used.user + used.system) / 1e6).toFixed(2),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      rows: r.submission.rows ?? 0,
      fileMiB: +(statSync(r.path).size / 2 ** 20).toFixed(1),
      violations: r.report?.violationCount ?? -1,
      state: r.submission.state,
    };
  } finally {
    await db.close();
  }
}

/**
 * The product's own command, compiled (`node dist/cli.js scandata generate`, what an operator or
 * cron runs), under GNU time for its wall time, CPU and peak RSS; rows, state and the validation
 * come from its summary line and exit code. Chosen when dist/ is built and /usr/bin/time exists;
 * otherwise the in-process pipeline below runs under tsx (whose loader alone adds ~100 MiB).
 */
function runCli(url: string, dir: string): Promise<PipelineFigures> {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const args = [
    '-f',
    'BENCH-TIME %e %U %S %M',
    process.execPath,
    cli,
    'scandata',
    'generate',
    '--manufacturer',
    'rjr',
    '--week',
    WEEK.start,
    '--database',
    url,
    '--out',
    dir,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn', ...(CHILD_NODE_OPTIONS ? { NODE_OPTIONS: CHILD_NODE_OPTIONS } : {}) },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const time = /BENCH-TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(err);
      const summary = /: (\d+) rows, \d+ transactions, \d+ outlets, (\w+)/.exec(err);
      const path = out.trim().split('\n').at(-1);
      if (!time || !summary || !path) return reject(new Error(`scandata generate exited with ${code}: ${err.slice(-2000)}`));
      resolve({
        seconds: Number(time[1]),
        cpuSeconds: +(Number(time[2]) + Number(time[3])).toFixed(2),
        peakRssMiB: Math.round(Number(time[4]) / 1024),
        rows: Number(summary[1]),
        fileMiB: +(statSync(path).size / 2 ** 20).toFixed(1),
        violations: code === 0 ? 0 : -1,
        state: summary[2]!,
      });
    });
  });
}

/** Runs the pipeline in a fresh Node process and returns what it measured of itself. */
function runChild(url: string, dir: string): Promise<PipelineFigures> {
  if (process.env.BENCH_SCANDATA_CHILD !== 'tsx' && existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url))) && existsSync('/usr/bin/time'))
    return runCli(url, dir);
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', self, '--pipeline', url, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`pipeline exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as PipelineFigures);
    });
  });
}

// ---- one engine -----------------------------------------------------------------------------

interface EngineFigures extends PipelineFigures {
  engine: Engine;
  seedSeconds: number;
  loadStart: number;
  loadEnd: number;
}

async function onEngine(engine: Engine, dir: string): Promise<EngineFigures> {
  let url: string;
  let drop: () => Promise<void>;
  if (engine === 'sqlite') {
    const path = join(dir, 'bench.db');
    url = `sqlite:${path}`;
    drop = async () => rmSync(path, { force: true });
  } else {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    drop = async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    };
  }
  try {
    const t0 = performance.now();
    const db = createDb(url);
    await migrateToLatest(db);
    await db.close();
    if (engine === 'sqlite') seedSqlite(url.slice('sqlite:'.length));
    else await seedPostgres(url);
    await addAccount(url);
    const seedSeconds = +((performance.now() - t0) / 1000).toFixed(1);
    process.stdout.write(`${engine}: seeded ${ROWS} lines in ${seedSeconds} s\n`);
    const loadStart = loadavg()[0]!;
    const figures = await runChild(url, dir);
    const loadEnd = loadavg()[0]!;
    process.stdout.write(`${engine}: ${figures.seconds} s wall, ${figures.cpuSeconds} s CPU, peak RSS ${figures.peakRssMiB} MiB, ${figures.rows} rows\n`);
    return { engine, seedSeconds, loadStart, loadEnd, ...figures };
  } finally {
    await drop();
  }
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tillpoint-scandata-db-bench-'));
  const results: EngineFigures[] = [];
  try {
    for (const engine of ENGINES) results.push(await onEngine(engine, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const verdict = (r: EngineFigures) =>
    `${r.engine}: ${r.seconds < TARGETS.seconds ? 'met' : 'NOT met'} (${r.seconds.toFixed(1)} s), peak RSS ${r.peakRssMiB < TARGETS.peakRssMiB ? 'met' : 'NOT met'} (${r.peakRssMiB} MiB)`;
  const md = [
    `${ROWS.toLocaleString('en-US')} tobacco sale lines across ${LOCATIONS} locations for one Monday–Sunday week, seeded into the database with ${ACCEPTED.length} accepted RJR promotions per location (and their accepted history); then, in a child process of its own, the product's \`ScanDataService.generate\` for the RJR account of all ${LOCATIONS} locations: the week read back (\`saleLinesOfWeek\`) → \`priceSales\` with \`loadPromotionsAt\` → RJR writer → file on disk → validator → submission recorded. Wall time, CPU and peak RSS are the child's (Node start and module loading included; the child is \`node dist/cli.js scandata generate\` under GNU time${CHILD_NODE_OPTIONS ? `, with NODE_OPTIONS=${CHILD_NODE_OPTIONS}` : ', default Node heap settings'}); seeding is reported apart and is not in the target.`,
    '',
    table(
      [
        'engine',
        'seed s',
        'generate + validate: wall s',
        'CPU s',
        'peak RSS MiB',
        'rows',
        'file MiB',
        'violations',
        'submission',
        'load avg 1 min start → end',
      ],
      results.map((r) => [
        r.engine,
        r.seedSeconds,
        r.seconds,
        r.cpuSeconds,
        r.peakRssMiB,
        r.rows,
        r.fileMiB,
        r.violations,
        r.state,
        `${r.loadStart.toFixed(2)} → ${r.loadEnd.toFixed(2)}`,
      ]),
    ),
    '',
    `Targets (issue #12, 2 cores): RJR generated and validated in < ${TARGETS.seconds} s with peak RSS < ${TARGETS.peakRssMiB} MB — ${results.map(verdict).join('; ')}.`,
    'CPU s counts only the Node process; on PostgreSQL the server does part of the work in its own processes. A load average above 2 means other work shared the two cores and inflated wall times.',
  ].join('\n');
  const base = writeResults('scandata-db', { rows: ROWS, locations: LOCATIONS, nodeOptions: CHILD_NODE_OPTIONS, targets: TARGETS, engines: results }, md);
  process.stdout.write(`${md}\n\nwritten ${base}.md\n`);
}

if (process.argv[2] === '--pipeline') {
  const figures = await pipeline(process.argv[3]!, process.argv[4]!);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
