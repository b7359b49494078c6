import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import autocannon from 'autocannon';
import pg from 'pg';
import { Pool } from 'undici';
import { createDb } from '../src/adapters/db/database.ts';
import { migrateToLatest } from '../src/adapters/db/migrator.ts';
import { demoKey, seedDemo } from '../src/demo/seed.ts';
import { newId } from '../src/lib/ids.ts';
import { table, writeResults } from './support.ts';

/**
 * Complete POS sales (identify by loyalty id → validate → PENDING → CLAIMED) at 50 concurrent
 * connections against a real server process, on SQLite and PostgreSQL, beside a trivial baseline
 * route (GET /healthz) of the same server. Every fourth sale also redeems a reward.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const GUESTS = 5_000;
const PG_URL = process.env.TILLPOINT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CALLS = ['identify', 'validate', 'pending', 'claimed'] as const;
type Call = (typeof CALLS)[number];

interface EngineFigures {
  engine: string;
  salesPerSec: number;
  posCallsPerSec: number;
  baselinePerSec: number;
  ratio: number;
  errors: number;
  sales: number;
  latencyMs: Record<Call | 'baseline', { p50: number; p99: number; max: number }>;
}

async function prepareDatabase(engine: 'sqlite' | 'postgres'): Promise<{ url: string; guests: string[]; cleanup: () => Promise<void> }> {
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
      await d.end();
    };
  }
  const db = createDb(engine === 'sqlite' ? url : PG_URL, schema ? { schema } : {});
  await migrateToLatest(db);
  const { info } = await seedDemo(db.kysely);
  const now = new Date().toISOString();
  const guests = Array.from({ length: GUESTS }, () => newId());
  for (let i = 0; i < guests.length; i += 500) {
    const chunk = guests.slice(i, i + 500);
    await db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('guests')
        .values(chunk.map((id, j) => ({ id, program_id: info.program.id, name: `Bench ${i + j}`, email: null, balance: 1_000_000, last_activity_at: null, created_at: now })))
        .execute();
      await trx
        .insertInto('points_ledger')
        .values(chunk.map((id) => ({ id: newId(), program_id: info.program.id, guest_id: id, transaction_id: null, kind: 'ADJUST' as const, points: 1_000_000, balance_after: 1_000_000, reason: 'bench', created_at: now })))
        .execute();
    });
  }
  await db.close();
  return { url, guests, cleanup };
}

async function startServer(url: string): Promise<{ base: string; child: ChildProcess }> {
  const bin = new URL('../bin/tillpoint.mjs', import.meta.url).pathname;
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), bin, 'serve', '--port', '0', '--database', url], { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
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

const STORES = ['9999', '1001', '2002'];

async function runSales(base: string, guests: string[], seconds: number, record: boolean) {
  const pool = new Pool(base, { connections: CONNECTIONS, pipelining: 1 });
  const hist = Object.fromEntries(CALLS.map((c) => [c, createHistogram()])) as Record<Call, RecordableHistogram>;
  const headers = { 'content-type': 'application/json', 'x-api-key': demoKey('partner') };
  let sales = 0;
  let errors = 0;
  let seq = 0;
  const deadline = performance.now() + seconds * 1000;
  const tag = randomBytes(3).toString('hex');

  const call = async (name: Call, method: 'POST' | 'PUT', path: string, body: unknown): Promise<Record<string, unknown> | null> => {
    const t0 = process.hrtime.bigint();
    const res = await pool.request({ method, path, headers, body: JSON.stringify(body) });
    const json = (await res.body.json()) as Record<string, unknown>;
    if (record) hist[name].record(Number(process.hrtime.bigint() - t0) || 1);
    if (res.statusCode !== 200) {
      errors++;
      if (errors <= 3) process.stderr.write(`${name} → ${res.statusCode} ${JSON.stringify(json).slice(0, 300)}\n`);
      return null;
    }
    return json;
  };

  const worker = async (w: number) => {
    while (performance.now() < deadline) {
      const n = seq++;
      const guest = guests[n % guests.length]!;
      const posVendor = { posType: 'Partner', storeId: STORES[n % STORES.length]!, terminal: String(w), transactionId: `${tag}-${n}`, operator: '1' };
      const identified = await call('identify', 'POST', '/loyalty/identify', { identifier: guest, posVendor });
      if (!identified) continue;
      const txn = identified.transactionId as string;
      const order = [
        { name: 'Whopper Meal', price: '8.49', productId: '2001', productType: 'combo', quantity: 1, referenceId: '1', tax: '0.68' },
        { name: 'Whopper', price: 0, productId: '1001', productType: 'item', quantity: 1, referenceId: '2', parentReferenceId: '1', tax: 0 },
        { name: 'Medium Fries', price: 0, productId: '1202', productType: 'item', quantity: 1, referenceId: '3', parentReferenceId: '1', tax: 0 },
        { name: 'Soft drink', price: '1.99', productId: '3001', productType: 'item', quantity: 2, referenceId: '4', tax: '0.32' },
        ...(n % 4 === 0 ? [{ name: 'Free Small Fries', price: 0, productId: '900101', productType: 'reward', quantity: 1, referenceId: '5', tax: 0 }] : []),
      ];
      const body = {
        channel: 'Restaurant',
        created: new Date().toISOString(),
        loyaltyId: guest,
        serviceMode: 'EAT_IN',
        transactionDetails: { currency: 'USD', order, payments: [{ amount: 1247, type: 'CARD' }], posVendor },
      };
      if (!(await call('validate', 'POST', `/loyalty/transaction/pos/validate/${txn}`, body))) continue;
      if (!(await call('pending', 'PUT', `/loyalty/transaction/pos/${txn}`, { ...body, status: 'PENDING' }))) continue;
      if (!(await call('claimed', 'PUT', `/loyalty/transaction/pos/${txn}`, { ...body, status: 'CLAIMED' }))) continue;
      if (performance.now() < deadline) sales++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));
  const elapsed = (performance.now() - t0) / 1000;
  await pool.close();
  return { sales, errors, elapsed, hist };
}

async function baseline(base: string): Promise<{ perSec: number; p50: number; p99: number; max: number }> {
  const result = await autocannon({ url: `${base}/healthz`, connections: CONNECTIONS, duration: 10 });
  return { perSec: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max };
}

const ms = (h: RecordableHistogram, p: number) => Math.round((p === 100 ? h.max : h.percentile(p)) / 10_000) / 100;

async function benchEngine(engine: 'sqlite' | 'postgres'): Promise<EngineFigures> {
  process.stdout.write(`[${engine}] preparing ${GUESTS} guests…\n`);
  const { url, guests, cleanup } = await prepareDatabase(engine);
  const { base, child } = await startServer(url);
  try {
    process.stdout.write(`[${engine}] warm-up ${WARMUP_SECONDS}s, then ${SECONDS}s of sales at ${CONNECTIONS} connections\n`);
    await runSales(base, guests, WARMUP_SECONDS, false);
    const run = await runSales(base, guests, SECONDS, true);
    process.stdout.write(`[${engine}] baseline GET /healthz for 10s\n`);
    const b = await baseline(base);
    const posCalls = CALLS.reduce((n, c) => n + run.hist[c].count, 0);
    const posCallsPerSec = posCalls / run.elapsed;
    const latencyMs = Object.fromEntries(CALLS.map((c) => [c, { p50: ms(run.hist[c], 50), p99: ms(run.hist[c], 99), max: ms(run.hist[c], 100) }])) as EngineFigures['latencyMs'];
    latencyMs.baseline = { p50: b.p50, p99: b.p99, max: b.max };
    return {
      engine,
      salesPerSec: Math.round(run.sales / run.elapsed),
      posCallsPerSec: Math.round(posCallsPerSec),
      baselinePerSec: Math.round(b.perSec),
      ratio: Math.round((posCallsPerSec / b.perSec) * 1000) / 1000,
      errors: run.errors,
      sales: run.sales,
      latencyMs,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await cleanup();
  }
}

export async function main(): Promise<EngineFigures[]> {
  const engines = (process.env.BENCH_ENGINES?.split(',') as ('sqlite' | 'postgres')[] | undefined) ?? ['sqlite', 'postgres'];
  const figures: EngineFigures[] = [];
  for (const e of engines) figures.push(await benchEngine(e));
  const md = [
    `Complete sales (identify → validate → PENDING → CLAIMED; every 4th redeems a reward) at ${CONNECTIONS} connections for ${SECONDS} s after ${WARMUP_SECONDS} s warm-up; load generator and server on the same machine. Server log level warn.`,
    '',
    table(
      ['engine', 'sales/s', 'POS calls/s', 'baseline /healthz req/s', 'POS calls ÷ baseline', 'errors'],
      figures.map((f) => [f.engine, f.salesPerSec, f.posCallsPerSec, f.baselinePerSec, f.ratio, f.errors]),
    ),
    '',
    table(
      ['engine', ...[...CALLS, 'baseline'].map((c) => `${c} p50 / p99 ms`)],
      figures.map((f) => [f.engine, ...[...CALLS, 'baseline' as const].map((c) => `${f.latencyMs[c].p50} / ${f.latencyMs[c].p99}`)]),
    ),
    '',
    'Targets: SQLite ≥ 1,000 sales/s with every POS call p99 ≤ 20 ms; PostgreSQL ≥ 500 sales/s with p99 ≤ 40 ms.',
  ].join('\n');
  const path = writeResults('pos-flow', { connections: CONNECTIONS, seconds: SECONDS, engines: figures }, md);
  process.stdout.write(`${md}\n\nwritten ${path}.json and .md\n`);
  return figures;
}
