import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { Pool } from 'undici';
import { builders, cpuSeconds, type Dialect, prepareDatabase, type SaleBuilder, startServer } from './pos-flow.bench.ts';

/**
 * Server CPU per complete POS sale (identify → validate → PENDING → CLAIMED), over a fixed number
 * of sales rather than a fixed time: the figure is read from /proc/<pid>/stat (user + system) around
 * BENCH_SALES sales at BENCH_CONNECTIONS connections, BENCH_RUNS times per dialect, after
 * BENCH_WARMUP_SALES warm-up sales. Steadier than sales/s on a machine other work shares; for a
 * repeatable count run the server under valgrind or `--cpu-prof` (BENCH_NODE_ARGS).
 *
 * Environment: BENCH_ENGINES (sqlite,postgres), BENCH_DIALECTS (generic,ncr,winrest),
 * BENCH_SALES (2000), BENCH_RUNS (3), BENCH_WARMUP_SALES (1000), BENCH_CONNECTIONS (16),
 * BENCH_SQLITE_SYNCHRONOUS (full), BENCH_NODE_ARGS.
 *
 *   BENCH_ENGINES=sqlite BENCH_DIALECTS=generic npm run bench -- pos-cpu
 */
const SALES = Number(process.env.BENCH_SALES ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP_SALES ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

/**
 * With BENCH_SERVER_PREFIX="valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=DIR/out.%p": the
 * instruction count of each run (zeroed before it, dumped after it) — the same whatever else the
 * machine does.
 */
const CALLGRIND = /callgrind/.test(process.env.BENCH_SERVER_PREFIX ?? '');

function dumpedInstructions(pid: number, dumpsBefore: number): number {
  execFileSync('callgrind_control', ['-d', String(pid)]);
  const dir = callgrindDir(pid);
  // callgrind_control may return before the dump is complete: wait for its totals line.
  for (let attempt = 0; attempt < 600; attempt++) {
    const dumps = callgrindDumps(pid);
    if (dumps.length > dumpsBefore) {
      const m = /^totals: (\d+)/m.exec(readFileSync(`${dir}/${dumps.at(-1)}`, 'utf8'));
      if (m) return Number(m[1]);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  return Number.NaN;
}

function callgrindDir(pid: number): string {
  const out = /--callgrind-out-file=(\S+)/.exec(process.env.BENCH_SERVER_PREFIX ?? '')?.[1] ?? `callgrind.out.${pid}`;
  return dirname(out.replace('%p', String(pid)));
}

function callgrindDumps(pid: number): string[] {
  return readdirSync(callgrindDir(pid))
    .filter((f) => new RegExp(`\\.${pid}\\.\\d+$`).test(f))
    .sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()));
}

async function fixedSales(base: string, build: SaleBuilder, count: number, first: number): Promise<number> {
  const pool = new Pool(base, { connections: CONNECTIONS, pipelining: 1 });
  let errors = 0;
  let next = first;
  const end = first + count;
  const call = async (key: string, method: 'POST' | 'PUT', path: string, body: unknown): Promise<Record<string, unknown> | null> => {
    const res = await pool.request({ method, path, headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });
    const json = (await res.body.json()) as Record<string, unknown>;
    if (res.statusCode !== 200) {
      if (++errors <= 3) process.stderr.write(`${path} → ${res.statusCode} ${JSON.stringify(json).slice(0, 300)}\n`);
      return null;
    }
    return json;
  };
  const worker = async (w: number) => {
    while (next < end) {
      const sale = build(next++, w, 'cpu');
      const identified = await call(sale.key, 'POST', '/loyalty/identify', { identifier: sale.identifier, posVendor: sale.identifyVendor });
      if (!identified) continue;
      const txn = identified.transactionId as string;
      if (!(await call(sale.key, 'POST', `/loyalty/transaction/pos/validate/${txn}`, sale.validate(txn)))) continue;
      const pending = await call(sale.key, 'PUT', `/loyalty/transaction/pos/${txn}`, sale.pending(txn));
      if (!pending) continue;
      await call(sale.key, 'PUT', `/loyalty/transaction/pos/${txn}`, sale.claimed(txn, pending));
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));
  await pool.close();
  return errors;
}

export async function main(): Promise<void> {
  const engines = (process.env.BENCH_ENGINES?.split(',') as ('sqlite' | 'postgres')[] | undefined) ?? ['sqlite', 'postgres'];
  const dialects = (process.env.BENCH_DIALECTS?.split(',') ?? ['generic', 'ncr', 'winrest']) as Dialect[];
  const synchronous = process.env.BENCH_SQLITE_SYNCHRONOUS ?? 'full';
  for (const engine of engines) {
    const prep = await prepareDatabase(engine, dialects);
    const { base, child } = await startServer(prep.url, engine === 'sqlite' ? { TILLPOINT_SQLITE_SYNCHRONOUS: synchronous } : {});
    const build = builders(prep);
    try {
      // Sale numbers keep rising across runs, so every sale is a new POS transaction.
      let n = 0;
      for (const d of dialects) {
        await fixedSales(base, build[d], WARMUP, n);
        n += WARMUP;
      }
      for (const d of dialects) {
        if (process.env.SQLSTATS) child.kill('SIGUSR2');
        const runs: number[] = [];
        const instructions: number[] = [];
        let errors = 0;
        const load0 = loadavg()[0]!.toFixed(1);
        for (let r = 0; r < RUNS; r++) {
          const dumps = CALLGRIND ? callgrindDumps(child.pid!).length : 0;
          if (CALLGRIND) {
            // Started with --instr-atstart=no: start-up and warm-up run uninstrumented (far faster).
            execFileSync('callgrind_control', ['-i', 'on', String(child.pid)]);
            execFileSync('callgrind_control', ['-z', String(child.pid)]);
          }
          const c0 = cpuSeconds(child.pid)!;
          errors += await fixedSales(base, build[d], SALES, n);
          n += SALES;
          runs.push(Math.round(((cpuSeconds(child.pid)! - c0) * 1e6) / SALES) / 1000);
          if (CALLGRIND) instructions.push(Math.round(dumpedInstructions(child.pid!, dumps) / SALES / 1000));
        }
        if (process.env.SQLSTATS) {
          child.kill('SIGUSR2');
          await new Promise((r) => setTimeout(r, 500));
        }
        const label = engine === 'sqlite' ? `sqlite (synchronous=${synchronous})` : engine;
        process.stdout.write(
          `${label} ${d}: server CPU ms / sale ${runs.join(' / ')} (${SALES} sales × ${RUNS}, ${CONNECTIONS} connections, load ${load0} → ${loadavg()[0]!.toFixed(1)}, errors ${errors})${CALLGRIND ? `; thousand instructions / sale ${instructions.join(' / ')}` : ''}\n`,
        );
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await prep.cleanup();
    }
  }
}
