import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import autocannon from 'autocannon';
import pg from 'pg';
import { Pool } from 'undici';
import { createDb } from '../src/adapters/db/database.ts';
import { migrateToLatest } from '../src/adapters/db/migrator.ts';
import { createApiKey } from '../src/app/provisioning.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { newId } from '../src/lib/ids.ts';
import { table, writeResults } from './support.ts';

/**
 * Complete POS sales (identify → validate → PENDING → CLAIMED) at 50 concurrent connections
 * against a real server process, on SQLite and PostgreSQL, in each POS dialect — the generic
 * (Partner) shapes, NCR's and Winrest's, each with its own request shapes and vendor keys — beside
 * a trivial baseline route (GET /healthz) of the same server and a bare Fastify route
 * (bench/bare-server.mjs: same Node, same machine, no hooks or plugins), measured in the same run, so
 * /healthz and the POS calls are also reported as a fraction of the bare route.
 *
 * Every fourth sale redeems a reward the guest pre-selected in the app: it identifies by one-time
 * code (the codes are written to the database beforehand); the others identify by loyalty id. The
 * reward is sent back the way the dialect does it:
 *
 * - generic: a `reward` line with the Partner PLU;
 * - Winrest: the product as an item line plus a `reward` line with the Winrest product PLU and the
 *   incentive id (docs/pos/winrest.md);
 * - NCR: the benefit PLU as an item line; PENDING pins a discount to it with a blank referenceId
 *   and CLAIMED stamps the incentive id from PENDING's eligibleDiscounts (docs/pos/ncr.md).
 *
 * So every dialect does the same mix of work and differs only in its shapes. All sales spread over
 * the same 1,000 bench stores, with one API key per connection and vendor: code look-ups are
 * limited to 60 a minute per store and 600 per key. The dialects run one after another, in
 * BENCH_ROUNDS alternating rounds (so machine noise spreads evenly), each for BENCH_SECONDS in
 * total after its warm-up. The server's CPU time per sale is read from /proc: steadier than
 * sales/s when the machine is busy.
 *
 * BENCH_WORKERS (e.g. `1,2`) runs PostgreSQL once per figure with `tillpoint serve --workers N`
 * (node:cluster, issue 13 item 2): sales/s, p99 and the CPU per sale summed over the primary and all
 * its worker processes (found through /proc as the primary's children). Unset, PostgreSQL runs one
 * plain `serve` as before; SQLite is always one process (it refuses more).
 *
 * Environment: BENCH_ENGINES (sqlite,postgres), BENCH_DIALECTS (generic,ncr,winrest),
 * BENCH_SECONDS per dialect (10), BENCH_ROUNDS (2), BENCH_WARMUP_SECONDS per dialect (2),
 * BENCH_BASELINE_SECONDS (10; 0 skips the baseline), BENCH_CONNECTIONS (50), BENCH_SQLITE_SYNCHRONOUS
 * (the server's TILLPOINT_SQLITE_SYNCHRONOUS; a list such as `full,normal` runs SQLite once per
 * mode; default full, the server's default), BENCH_NODE_ARGS
 * (for the server, e.g. --cpu-prof), BENCH_CODES per dialect (12000), BENCH_WORKERS (PostgreSQL:
 * a list of worker counts, see above), BENCH_NO_RESULTS (print only, write no results file).
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const BASELINE_SECONDS = Number(process.env.BENCH_BASELINE_SECONDS ?? 10);
/** PostgreSQL's `--workers` axis; null: one plain `serve` */
const WORKERS: number[] | null = process.env.BENCH_WORKERS?.split(',').map((w) => Number(w.trim())) ?? null;
if (WORKERS?.some((w) => !Number.isInteger(w) || w < 1))
  throw new Error(`BENCH_WORKERS: whole numbers ≥ 1, comma-separated (got "${process.env.BENCH_WORKERS}")`);
const GUESTS = 5_000;
/** One-time codes per dialect for the reward sales (one in four); a sale finding none left is an ordinary sale. */
const CODES = Number(process.env.BENCH_CODES ?? 12_000);
/**
 * Stores the sales spread over (every dialect alike, so that configuration caching costs the same):
 * NCR's code look-ups are limited to 60 a minute per store.
 */
const BENCH_STORES = 1_000;
const PG_URL = process.env.TILLPOINT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CALLS = ['identify', 'validate', 'pending', 'claimed'] as const;
type Call = (typeof CALLS)[number];
const DIALECTS = ['generic', 'ncr', 'winrest'] as const;
export type Dialect = (typeof DIALECTS)[number];
const VENDOR: Record<Dialect, string> = { generic: 'partner', ncr: 'ncr', winrest: 'winrest' };

type Latency = { p50: number; p99: number; max: number };

interface DialectFigures {
  dialect: Dialect;
  salesPerSec: number;
  posCallsPerSec: number;
  /** sales/s ÷ the generic dialect's sales/s on the same engine (null without a generic run) */
  vsGeneric: number | null;
  errors: number;
  sales: number;
  /** sales that redeemed a reward */
  rewardSales: number;
  /** server CPU time (user + system; with --workers, the primary's and every worker's) per sale, ms: steadier than sales/s on a busy machine (Linux only) */
  serverCpuMsPerSale: number | null;
  latencyMs: Record<Call, Latency>;
}

interface EngineFigures {
  engine: string;
  /** SQLite's synchronous mode of the server (null on PostgreSQL) */
  sqliteSynchronous: string | null;
  /** `serve --workers N` (BENCH_WORKERS); null: one plain `serve` */
  workers: number | null;
  /** the machine's load average (1, 5, 15 min) when this engine's run started and ended */
  loadAverage: { start: number[]; end: number[] };
  /** The generic dialect's figures at the top level, as before dialects were measured. */
  salesPerSec: number | null;
  posCallsPerSec: number | null;
  baselinePerSec: number | null;
  /** generic POS calls/s ÷ baseline req/s */
  ratio: number | null;
  errors: number;
  dialects: DialectFigures[];
  baselineLatencyMs: Latency | null;
  /** a bare Fastify route's req/s (bench/bare-server.mjs), same run */
  barePerSec: number | null;
  /** /healthz req/s ÷ bare route req/s (the fixed per-request cost; issue 13 wants ≥ 1 / 1.5) */
  healthzVsBare: number | null;
}

interface Prepared {
  url: string;
  guests: string[];
  /** per dialect: unused one-time codes with Free Small Fries pre-selected */
  codes: Record<Dialect, string[]>;
  /** external ids of the bench stores the sales spread over */
  stores: string[];
  /** one NCR key per connection */
  /** per dialect: one key per connection */
  keys: Record<Dialect, string[]>;
  cleanup: () => Promise<void>;
}

export async function prepareDatabase(engine: 'sqlite' | 'postgres', dialects: readonly Dialect[]): Promise<Prepared> {
  let url: string;
  let cleanup: () => Promise<void>;
  let schema: string | undefined;
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tillpoint-bench-'));
    url = `sqlite:${join(dir, 'bench.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    schema = `bench_${randomBytes(4).toString('hex')}`;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`create schema ${schema}`);
    await c.end();
    url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    cleanup = async () => {
      const d = new pg.Client({ connectionString: PG_URL });
      await d.connect();
      await d.query(`drop schema ${schema} cascade`);
      await d.query(`drop schema if exists ${schema}_pgboss cascade`);
      await d.end();
    };
  }
  const db = createDb(engine === 'sqlite' ? url : PG_URL, schema ? { schema } : {});
  await migrateToLatest(db);
  const { info } = await seedDemo(db.kysely);
  const programId = info.program.id;
  const nowDate = new Date();
  const now = nowDate.toISOString();
  const guests = Array.from({ length: GUESTS }, () => newId());
  for (let i = 0; i < guests.length; i += 500) {
    const chunk = guests.slice(i, i + 500);
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('guests')
        .values(
          chunk.map((id, j) => ({
            id,
            program_id: programId,
            name: `Bench ${i + j}`,
            email: null,
            balance: 1_000_000,
            last_activity_at: null,
            created_at: now,
          })),
        )
        .execute();
      await trx
        .insertInto('points_ledger')
        .values(
          chunk.map((id) => ({
            id: newId(),
            program_id: programId,
            guest_id: id,
            transaction_id: null,
            kind: 'ADJUST' as const,
            points: 1_000_000,
            balance_after: 1_000_000,
            reason: 'bench',
            created_at: now,
          })),
        )
        .execute();
    });
  }

  const zones = ['America/New_York', 'America/Chicago', 'America/Los_Angeles'];
  const stores = Array.from({ length: BENCH_STORES }, (_, i) => `B${String(i).padStart(4, '0')}`);
  for (let i = 0; i < stores.length; i += 500) {
    await db.kysely
      .insertInto('stores')
      .values(
        stores.slice(i, i + 500).map((externalId, j) => ({
          id: newId(),
          program_id: programId,
          external_id: externalId,
          name: `Bench store ${i + j}`,
          time_zone: zones[(i + j) % 3]!,
          loyalty_enabled: 1,
          created_at: now,
        })),
      )
      .execute();
  }
  // Reward sales identify by one-time code with the reward pre-selected, as a guest who picked it
  // in the app does (and as NCR needs). Codes are distinct among the program's active codes and
  // live an hour; one key per connection and vendor keeps inside the look-up limit per key.
  const codes: Record<Dialect, string[]> = { generic: [], ncr: [], winrest: [] };
  const keys: Record<Dialect, string[]> = { generic: [], ncr: [], winrest: [] };
  const taken = new Set<string>();
  const expires = new Date(nowDate.getTime() + 3_600_000).toISOString();
  for (const d of dialects) {
    for (let w = 0; w < CONNECTIONS; w++) keys[d].push((await createApiKey(db.kysely, programId, VENDOR[d], 'bench', nowDate)).key);
    while (codes[d].length < CODES) {
      const code = String(randomBytes(4).readUInt32BE() % 1_000_000).padStart(6, '0');
      if (!taken.has(code)) codes[d].push(code);
      taken.add(code);
    }
    for (let i = 0; i < codes[d].length; i += 500) {
      await db.kysely
        .insertInto('otp_codes')
        .values(
          codes[d].slice(i, i + 500).map((code, j) => ({
            id: newId(),
            program_id: programId,
            guest_id: guests[(i + j) % guests.length]!,
            code,
            selections: JSON.stringify(['rwd-small-fries']),
            created_at: now,
            expires_at: expires,
            used_at: null,
            used_pos_key: null,
            used_transaction_id: null,
          })),
        )
        .execute();
    }
  }
  await db.close();
  return { url, guests, codes, stores, keys, cleanup };
}

export async function startServer(
  url: string,
  env: Record<string, string> = {},
  workers: number | null = null,
): Promise<{ base: string; child: ChildProcess }> {
  const bin = new URL('../bin/tillpoint.mjs', import.meta.url).pathname;
  const args = [bin, 'serve', '--port', '0', '--database', url, ...(workers === null ? [] : ['--workers', String(workers)])];
  return startProcess([...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...args], env);
}

/** bench/bare-server.mjs, plain JavaScript like the compiled server, with the same Node. */
async function startBareServer(): Promise<{ base: string; child: ChildProcess }> {
  return startProcess([new URL('./bare-server.mjs', import.meta.url).pathname]);
}

async function startProcess(args: string[], env: Record<string, string> = {}): Promise<{ base: string; child: ChildProcess }> {
  // BENCH_SERVER_PREFIX runs the server under another program, e.g. `valgrind --tool=callgrind`.
  const prefix = process.env.BENCH_SERVER_PREFIX?.split(' ').filter(Boolean) ?? [];
  const [command, ...rest] = [...prefix, process.execPath, ...args];
  const child = spawn(command!, rest, {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving on (http:\/\/[\d.:]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return { base, child };
}

/** The goods of every sale: a combo with two children, and two soft drinks. */
export const GOODS = [
  { name: 'Whopper Meal', price: '8.49', productId: '2001', productType: 'combo', quantity: 1, referenceId: '1', tax: '0.68' },
  { name: 'Whopper', price: 0, productId: '1001', productType: 'item', quantity: 1, referenceId: '2', parentReferenceId: '1', tax: 0 },
  { name: 'Medium Fries', price: 0, productId: '1202', productType: 'item', quantity: 1, referenceId: '3', parentReferenceId: '1', tax: 0 },
  { name: 'Soft drink', price: '1.99', productId: '3001', productType: 'item', quantity: 2, referenceId: '4', tax: '0.32' },
];

interface Sale {
  key: string;
  identifier: string;
  identifyVendor: Record<string, unknown>;
  /** transaction bodies for validate / PENDING / CLAIMED; CLAIMED may use PENDING's answer */
  validate: (txn: string) => unknown;
  pending: (txn: string) => unknown;
  claimed: (txn: string, pendingAnswer: Record<string, unknown>) => unknown;
  reward: boolean;
}

/** Builds sale `n` of worker `w` in a dialect's request shapes. */
export type SaleBuilder = (n: number, w: number, tag: string) => Sale;

export function builders(prep: Prepared): Record<Dialect, SaleBuilder> {
  const next: Record<Dialect, number> = { generic: 0, ncr: 0, winrest: 0 };
  /** The code for sale n when it redeems a reward (one in four, while codes last), else null. */
  const codeFor = (d: Dialect, n: number) => (n % 4 === 0 && next[d] < prep.codes[d].length ? prep.codes[d][next[d]++]! : null);
  /** A sale whose three calls send one body, differing only in `status`. */
  const sameBodySale = (
    d: Dialect,
    w: number,
    code: string | null,
    guest: string,
    posVendor: Record<string, unknown>,
    body: Record<string, unknown>,
  ): Sale => ({
    key: prep.keys[d][w % prep.keys[d].length]!,
    identifier: code ?? guest,
    identifyVendor: posVendor,
    validate: () => body,
    pending: () => ({ ...body, status: 'PENDING' }),
    claimed: () => ({ ...body, status: 'CLAIMED' }),
    reward: code !== null,
  });
  return {
    generic: (n, w, tag) => {
      const code = codeFor('generic', n);
      const guest = prep.guests[n % prep.guests.length]!;
      const reward = code !== null;
      const posVendor = { posType: 'Partner', storeId: prep.stores[n % prep.stores.length]!, terminal: String(w), transactionId: `${tag}-${n}`, operator: '1' };
      const order = [
        ...GOODS,
        ...(reward ? [{ name: 'Free Small Fries', price: 0, productId: '900101', productType: 'reward', quantity: 1, referenceId: '5', tax: 0 }] : []),
      ];
      const body = {
        channel: 'Restaurant',
        created: new Date().toISOString(),
        ...(code === null ? { loyaltyId: guest } : {}),
        serviceMode: 'EAT_IN',
        transactionDetails: { currency: 'USD', order, payments: [{ amount: 1247, type: 'CARD' }], posVendor },
      };
      return sameBodySale('generic', w, code, guest, posVendor, body);
    },

    winrest: (n, w, tag) => {
      const code = codeFor('winrest', n);
      const guest = prep.guests[n % prep.guests.length]!;
      const reward = code !== null;
      const posVendor = {
        operator: '300',
        posType: 'Winrest',
        storeId: prep.stores[n % prep.stores.length]!,
        terminal: String(w),
        transactionId: `${tag}-${n}`,
      };
      const order = [
        ...GOODS,
        ...(reward
          ? [
              { name: 'Small Fries', price: '3.00', productId: '1201', productType: 'item', quantity: 1, referenceId: '5', tax: 0 },
              {
                name: 'Free Small Fries',
                price: '3.00',
                productId: '1201',
                productType: 'reward',
                incentiveId: 'rwd-small-fries',
                quantity: 1,
                referenceId: '6',
                tax: 0,
              },
            ]
          : []),
      ];
      const body = {
        channel: 'Restaurant',
        created: new Date().toISOString(),
        serviceMode: 'Eatin',
        status: 'CLAIMED',
        transactionDetails: { currency: 'USD', order, payments: [{ amount: 1247, type: 'CASH' }], posVendor },
      };
      return sameBodySale('winrest', w, code, guest, posVendor, body);
    },

    ncr: (n, w, tag) => {
      const code = codeFor('ncr', n);
      const guest = prep.guests[n % prep.guests.length]!;
      const reward = code !== null;
      const posVendor = {
        matchingId: `SMG-${tag}-${n}`,
        operator: '12',
        posType: 'NCR',
        storeId: prep.stores[n % prep.stores.length]!,
        terminal: String(w),
        transactionId: `${tag}-${n}`,
      };
      // NCR rings the reward's product as an item line with the benefit PLU; payments carry NCR's totals.
      const order = [
        ...GOODS,
        ...(reward ? [{ name: 'Small Fries', price: '2.19', productId: '900101', productType: 'item', quantity: 1, referenceId: '5', tax: '0.17' }] : []),
      ];
      const body = (status: 'PENDING' | 'CLAIMED', stamped: string) => ({
        channel: 'Restaurant',
        created: new Date().toISOString(),
        serviceMode: 'TAKEOUT',
        status,
        transactionDetails: {
          currency: 'USD',
          appliedDiscounts: reward ? [{ details: { displayName: 'Free Small Fries' }, orderReferenceId: '5', productId: '900101', referenceId: stamped }] : [],
          order,
          payments: [
            { amount: 1247, type: 'CREDIT', ccToken: 'tok_bench' },
            { amount: 1466, type: 'SUBTOTAL' },
            { amount: reward ? 219 : 0, type: 'DISCOUNTS' },
            { amount: 100, type: 'TAXES' },
          ],
          posVendor,
        },
      });
      return {
        key: prep.keys.ncr[w % prep.keys.ncr.length]!,
        identifier: code ?? guest,
        identifyVendor: posVendor,
        validate: () => body('PENDING', ''),
        pending: () => body('PENDING', ''),
        claimed: (_txn, pendingAnswer) => {
          // Stamp what PENDING answered, as NCR does.
          const discounts = (pendingAnswer.eligibleDiscounts as { referenceId: string }[] | undefined) ?? [];
          return body('CLAIMED', discounts[0]?.referenceId ?? '');
        },
        reward,
      };
    },
  };
}

interface SalesRun {
  sales: number;
  rewardSales: number;
  errors: number;
  elapsed: number;
}

async function runSales(base: string, build: SaleBuilder, seconds: number, hist: Record<Call, RecordableHistogram> | null): Promise<SalesRun> {
  const pool = new Pool(base, { connections: CONNECTIONS, pipelining: 1 });
  let sales = 0;
  let rewardSales = 0;
  let errors = 0;
  let seq = 0;
  const deadline = performance.now() + seconds * 1000;
  const tag = randomBytes(3).toString('hex');

  const call = async (key: string, name: Call, method: 'POST' | 'PUT', path: string, body: unknown): Promise<Record<string, unknown> | null> => {
    const t0 = process.hrtime.bigint();
    const res = await pool.request({ method, path, headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });
    const json = (await res.body.json()) as Record<string, unknown>;
    if (hist) hist[name].record(Number(process.hrtime.bigint() - t0) || 1);
    if (res.statusCode !== 200) {
      errors++;
      if (errors <= 3) process.stderr.write(`${name} → ${res.statusCode} ${JSON.stringify(json).slice(0, 300)}\n`);
      return null;
    }
    return json;
  };

  const worker = async (w: number) => {
    while (performance.now() < deadline) {
      const sale = build(seq++, w, tag);
      const identified = await call(sale.key, 'identify', 'POST', '/loyalty/identify', { identifier: sale.identifier, posVendor: sale.identifyVendor });
      if (!identified) continue;
      const txn = identified.transactionId as string;
      if (!(await call(sale.key, 'validate', 'POST', `/loyalty/transaction/pos/validate/${txn}`, sale.validate(txn)))) continue;
      const pending = await call(sale.key, 'pending', 'PUT', `/loyalty/transaction/pos/${txn}`, sale.pending(txn));
      if (!pending) continue;
      const claimed = await call(sale.key, 'claimed', 'PUT', `/loyalty/transaction/pos/${txn}`, sale.claimed(txn, pending));
      if (!claimed) continue;
      if (sale.reward && claimed.pointsRedeemed === 0) {
        errors++;
        if (errors <= 3) process.stderr.write(`a reward sale redeemed nothing: ${JSON.stringify(claimed).slice(0, 300)}\n`);
      }
      if (performance.now() < deadline) {
        sales++;
        if (sale.reward) rewardSales++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));
  const elapsed = (performance.now() - t0) / 1000;
  await pool.close();
  return { sales, rewardSales, errors, elapsed };
}

async function baseline(base: string, path = '/healthz'): Promise<{ perSec: number; latency: Latency }> {
  const result = await autocannon({ url: `${base}${path}`, connections: CONNECTIONS, duration: BASELINE_SECONDS });
  return { perSec: result.requests.average, latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max } };
}

/** The fields of /proc/<pid>/stat after the command name (stat(5) from field 3, `state`). */
function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU seconds (user + system) the server has used so far, from /proc (Linux); null elsewhere. With
 * `--workers` the server is the cluster's primary and its forked workers: their sum (a worker the
 * primary restarted between two readings would spoil it; the bench reports errors then anyway).
 */
export function cpuSeconds(pid: number | undefined): number | null {
  try {
    const pids = [String(pid)];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // ppid is field 4 of stat(5)
        if (statFields(entry)[1] === String(pid)) pids.push(entry);
      } catch {
        // a process that ended while /proc was read
      }
    }
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return pids.reduce((sum, p) => {
      const fields = statFields(p);
      return sum + (Number(fields[11]) + Number(fields[12])) / 100;
    }, 0);
  } catch {
    return null;
  }
}

const ms = (h: RecordableHistogram, p: number) => Math.round((p === 100 ? h.max : h.percentile(p)) / 10_000) / 100;

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

async function benchEngine(
  engineName: 'sqlite' | 'postgres',
  dialects: readonly Dialect[],
  synchronous: string | null,
  workers: number | null = null,
): Promise<EngineFigures> {
  const engine = synchronous ? `${engineName} (synchronous=${synchronous})` : workers === null ? engineName : `${engineName} (workers=${workers})`;
  const loadAtStart = load();
  process.stdout.write(`[${engine}] preparing ${GUESTS} guests… (load average ${loadAtStart.join(' ')})\n`);
  const prep = await prepareDatabase(engineName, dialects);
  const { base, child } = await startServer(prep.url, synchronous ? { TILLPOINT_SQLITE_SYNCHRONOUS: synchronous } : {}, workers);
  const build = builders(prep);
  try {
    const hists = new Map(dialects.map((d) => [d, Object.fromEntries(CALLS.map((c) => [c, createHistogram()])) as Record<Call, RecordableHistogram>]));
    const totals = new Map(dialects.map((d) => [d, { sales: 0, rewardSales: 0, errors: 0, elapsed: 0, cpu: 0 as number | null }]));
    for (const d of dialects) {
      process.stdout.write(`[${engine}] ${d}: warm-up ${WARMUP_SECONDS}s\n`);
      await runSales(base, build[d], WARMUP_SECONDS, null);
    }
    const slice = SECONDS / ROUNDS;
    for (let round = 1; round <= ROUNDS; round++) {
      for (const d of dialects) {
        process.stdout.write(`[${engine}] round ${round}/${ROUNDS}, ${d}: ${slice}s of sales at ${CONNECTIONS} connections\n`);
        const cpu0 = cpuSeconds(child.pid);
        const run = await runSales(base, build[d], slice, hists.get(d)!);
        const cpu1 = cpuSeconds(child.pid);
        const t = totals.get(d)!;
        t.cpu = t.cpu === null || cpu0 === null || cpu1 === null ? null : t.cpu + (cpu1 - cpu0);
        t.sales += run.sales;
        t.rewardSales += run.rewardSales;
        t.errors += run.errors;
        t.elapsed += run.elapsed;
      }
    }
    let b: Awaited<ReturnType<typeof baseline>> | null = null;
    let bareRun: Awaited<ReturnType<typeof baseline>> | null = null;
    if (BASELINE_SECONDS > 0) {
      process.stdout.write(`[${engine}] baseline GET /healthz for ${BASELINE_SECONDS}s\n`);
      b = await baseline(base);
      process.stdout.write(`[${engine}] bare Fastify route for ${BASELINE_SECONDS}s\n`);
      const bare = await startBareServer();
      try {
        bareRun = await baseline(bare.base, '/bare');
      } finally {
        bare.child.kill('SIGTERM');
        await new Promise((r) => bare.child.once('exit', r));
      }
    }
    const figures: DialectFigures[] = dialects.map((d) => {
      const hist = hists.get(d)!;
      const t = totals.get(d)!;
      return {
        dialect: d,
        salesPerSec: Math.round(t.sales / t.elapsed),
        posCallsPerSec: Math.round(CALLS.reduce((n, c) => n + hist[c].count, 0) / t.elapsed),
        vsGeneric: null,
        errors: t.errors,
        sales: t.sales,
        rewardSales: t.rewardSales,
        serverCpuMsPerSale: t.cpu === null || t.sales === 0 ? null : Math.round((t.cpu * 1000 * 100) / t.sales) / 100,
        latencyMs: Object.fromEntries(CALLS.map((c) => [c, { p50: ms(hist[c], 50), p99: ms(hist[c], 99), max: ms(hist[c], 100) }])) as Record<Call, Latency>,
      };
    });
    const generic = figures.find((f) => f.dialect === 'generic');
    for (const f of figures) f.vsGeneric = generic ? Math.round((f.salesPerSec / generic.salesPerSec) * 1000) / 1000 : null;
    return {
      engine,
      sqliteSynchronous: synchronous,
      workers,
      loadAverage: { start: loadAtStart, end: load() },
      salesPerSec: generic?.salesPerSec ?? null,
      posCallsPerSec: generic?.posCallsPerSec ?? null,
      baselinePerSec: b ? Math.round(b.perSec) : null,
      ratio: generic && b ? Math.round((generic.posCallsPerSec / b.perSec) * 1000) / 1000 : null,
      errors: figures.reduce((n, f) => n + f.errors, 0),
      dialects: figures,
      baselineLatencyMs: b?.latency ?? null,
      barePerSec: bareRun ? Math.round(bareRun.perSec) : null,
      healthzVsBare: b && bareRun ? Math.round((b.perSec / bareRun.perSec) * 1000) / 1000 : null,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await prep.cleanup();
  }
}

export async function main(): Promise<EngineFigures[]> {
  const engines = (process.env.BENCH_ENGINES?.split(',') as ('sqlite' | 'postgres')[] | undefined) ?? ['sqlite', 'postgres'];
  const dialects = (process.env.BENCH_DIALECTS?.split(',').map((d) => d.trim().toLowerCase()) ?? [...DIALECTS]) as Dialect[];
  for (const d of dialects) if (!DIALECTS.includes(d)) throw new Error(`BENCH_DIALECTS: unknown dialect "${d}"; known: ${DIALECTS.join(', ')}`);
  const modes = process.env.BENCH_SQLITE_SYNCHRONOUS?.split(',').map((m) => m.trim().toLowerCase()) ?? ['full'];
  const figures: EngineFigures[] = [];
  for (const e of engines) {
    if (e === 'sqlite') for (const m of modes) figures.push(await benchEngine(e, dialects, m));
    else for (const w of WORKERS ?? [null]) figures.push(await benchEngine(e, dialects, null, w));
  }
  const dash = (v: number | null) => (v === null ? '–' : v);
  const md = [
    `Complete sales (identify → validate → PENDING → CLAIMED; every 4th redeems a reward) at ${CONNECTIONS} connections, per POS dialect: ${SECONDS} s each after a ${WARMUP_SECONDS} s warm-up, in ${ROUNDS} alternating round(s); load generator and server on the same machine. Server log level warn. Reward sales identify by one-time code (the reward pre-selected), the others by loyalty id; 1,000 stores.`,
    ...(WORKERS
      ? [
          '',
          `PostgreSQL with \`serve --workers N\` for N = ${WORKERS.join(', ')} (engine column): server CPU per sale is the sum over the cluster's primary and its workers.`,
        ]
      : []),
    '',
    table(
      [
        'engine',
        'dialect',
        'sales/s',
        'sales/s ÷ generic',
        'POS calls/s',
        'server CPU ms / sale',
        'baseline /healthz req/s',
        'POS calls ÷ baseline',
        'bare Fastify req/s',
        '/healthz ÷ bare',
        'POS calls ÷ bare',
        'reward sales',
        'errors',
      ],
      figures.flatMap((f) =>
        f.dialects.map((d) => [
          f.engine,
          d.dialect,
          d.salesPerSec,
          dash(d.vsGeneric),
          d.posCallsPerSec,
          dash(d.serverCpuMsPerSale),
          dash(f.baselinePerSec),
          f.baselinePerSec ? Math.round((d.posCallsPerSec / f.baselinePerSec) * 1000) / 1000 : '–',
          dash(f.barePerSec),
          dash(f.healthzVsBare),
          f.barePerSec ? Math.round((d.posCallsPerSec / f.barePerSec) * 1000) / 1000 : '–',
          d.rewardSales,
          d.errors,
        ]),
      ),
    ),
    '',
    table(
      ['engine', 'dialect', ...CALLS.map((c) => `${c} p50 / p99 ms`), 'baseline p50 / p99 ms'],
      figures.flatMap((f) =>
        f.dialects.map((d) => [
          f.engine,
          d.dialect,
          ...CALLS.map((c) => `${d.latencyMs[c].p50} / ${d.latencyMs[c].p99}`),
          f.baselineLatencyMs ? `${f.baselineLatencyMs.p50} / ${f.baselineLatencyMs.p99}` : '–',
        ]),
      ),
    ),
    '',
    table(
      ['engine', 'load average at start (1 / 5 / 15 min)', 'at end'],
      figures.map((f) => [f.engine, f.loadAverage.start.join(' / '), f.loadAverage.end.join(' / ')]),
    ),
    '',
    'The bare route is bench/bare-server.mjs (Fastify, no logger, hooks or plugins), run right after /healthz for the same time at the same connections; issue 13 wants /healthz ÷ bare ≥ 0.67 (within 1.5×), POS calls ÷ bare ≥ 0.12 on SQLite and ≥ 0.09 on PostgreSQL.',
    '',
    'Targets: SQLite ≥ 1,000 sales/s with every POS call p99 ≤ 20 ms; PostgreSQL ≥ 500 sales/s with p99 ≤ 40 ms; each dialect within 10 % of the generic sales/s.',
  ].join('\n');
  if (process.env.BENCH_NO_RESULTS) {
    process.stdout.write(`${md}\n\n(BENCH_NO_RESULTS set: nothing written)\n`);
  } else {
    const path = writeResults(
      'pos-flow',
      { connections: CONNECTIONS, secondsPerDialect: SECONDS, rounds: ROUNDS, warmupSeconds: WARMUP_SECONDS, engines: figures },
      md,
    );
    process.stdout.write(`${md}\n\nwritten ${path}.json and .md\n`);
  }
  return figures;
}
