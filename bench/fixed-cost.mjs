/* global process, console, URL */
// The fixed cost of one request: GET /healthz of `tillpoint serve` against bench/bare-server.mjs.
//
// Default: server CPU µs per request (from /proc/<pid>/stat, Linux) — after 20,000 warm-up
// requests, three runs of 50,000 at 20 connections (autocannon). Honest but noisy on a shared machine.
//   node bench/fixed-cost.mjs bare
//   node bench/fixed-cost.mjs tillpoint sqlite:/tmp/fixed-cost.db     (NODE_ARGS="--cpu-prof" to profile)
//
// FIXED_COST_TOOL=callgrind: the server runs under `valgrind --tool=callgrind` with instrumentation
// off; after 5,000 warm-up requests (FIXED_COST_WARMUP; one connection, keep-alive) it is switched
// on for 3,000 requests (FIXED_COST_REQUESTS), and the instructions counted in the server process
// are divided by them. Instruction counts do not depend on what else the machine runs. The count is
// split by function (callgrind_annotate) into: V8's optimizing compilers (still compiling in the
// window: warm-up), the garbage collector (a major collection comes a few times per window or not at
// all), SQLite (the server's background work: webhook delivery polls every 2 s, and the window lasts
// minutes under valgrind, longer the busier the machine), and the request path — the rest, what a
// change to the code moves. The callgrind.out file is left in /tmp. FIXED_COST_CLI runs another
// compiled CLI (e.g. a copy of dist/ with a change) instead of bin/tillpoint.mjs.
//   FIXED_COST_TOOL=callgrind node bench/fixed-cost.mjs tillpoint
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [kind, db = 'sqlite:/tmp/fixed-cost.db'] = process.argv.slice(2);
const callgrind = process.env.FIXED_COST_TOOL === 'callgrind';
const cpu = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(x[11]) + Number(x[12])) / 100;
};
const bare = kind === 'bare';
const script = bare
  ? new URL('./bare-server.mjs', import.meta.url).pathname
  : (process.env.FIXED_COST_CLI ?? new URL('../bin/tillpoint.mjs', import.meta.url).pathname);
const nodeArgs = [...(process.env.NODE_ARGS?.split(' ').filter(Boolean) ?? []), script, ...(bare ? [] : ['serve', '--port', '0', '--database', db])];
const outFile = `/tmp/callgrind.out.fixed-cost-${kind}-${process.pid}`;
const [command, args] = callgrind
  ? ['valgrind', ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${outFile}`, process.execPath, ...nodeArgs]]
  : [process.execPath, nodeArgs];
const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', callgrind ? 'ignore' : 'inherit'] });
const base = await new Promise((resolve, reject) => {
  let out = '';
  child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
  child.stdout.on('data', (d) => {
    out += d;
    const m = /serving on (http:\/\/[\d.:]+)/.exec(out);
    if (m) resolve(m[1]);
  });
});
const url = base + (bare ? '/bare' : '/healthz');

if (callgrind) {
  const n = Number(process.env.FIXED_COST_REQUESTS ?? 3_000);
  await autocannon({ url, connections: 1, amount: Number(process.env.FIXED_COST_WARMUP ?? 5_000) });
  execFileSync('callgrind_control', ['--instr=on', String(child.pid)], { stdio: 'ignore' });
  await autocannon({ url, connections: 1, amount: n });
  execFileSync('callgrind_control', ['--dump', String(child.pid)], { stdio: 'ignore' });
  child.kill('SIGKILL');
  const dumps = execFileSync('sh', ['-c', `ls ${outFile}*`], { encoding: 'utf8' })
    .trim()
    .split('\n');
  // the explicit dump (`.1`) holds exactly the instrumented requests
  const dump = dumps.find((f) => f.endsWith('.1')) ?? dumps[0];
  const perFunction = execFileSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', dump], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const parts = { total: 0, compile: 0, gc: 0, sqlite: 0 };
  for (const m of perFunction.matchAll(/^\s*([\d,]+) \([^)]*\)\s+(.*)$/gm)) {
    if (/PROGRAM TOTALS/.test(m[2])) continue;
    const count = Number(m[1].replaceAll(',', ''));
    parts.total += count;
    if (/v8::internal::(compiler|maglev)::/.test(m[2])) parts.compile += count;
    else if (/Marking|Sweep|Scaveng|heap::|Heap|Evacuat|MemoryChunk|Visitor|Marker/.test(m[2])) parts.gc += count;
    else if (/sqlite3/.test(m[2])) parts.sqlite += count;
  }
  const per = (x) => Math.round(x / n);
  const path = parts.total - parts.compile - parts.gc - parts.sqlite;
  console.log(
    `${kind}: instructions / request ${per(parts.total)}: request path ${per(path)}, GC ${per(parts.gc)}, SQLite ${per(parts.sqlite)}, optimizing compiler ${per(parts.compile)} (${n} requests; ${dump})`,
  );
  process.exit(0);
}

await autocannon({ url, connections: 20, amount: 20_000 });
const runs = [];
for (let i = 0; i < 3; i++) {
  const c0 = cpu(child.pid);
  await autocannon({ url, connections: 20, amount: 50_000 });
  runs.push(Math.round(((cpu(child.pid) - c0) * 1e6) / 50_000));
}
console.log(`${kind}: µs CPU / request ${runs.join(' ')}`);
child.kill('SIGTERM');
