/* global process, console, URL */
// Server CPU µs per request (from /proc/<pid>/stat, Linux) for GET /healthz of `tillpoint serve`
// and for bench/bare-server.mjs: steadier than req/s on a loaded machine. After 20,000 warm-up
// requests, three runs of 50,000 at 20 connections (autocannon).
//   node bench/fixed-cost.mjs bare
//   node bench/fixed-cost.mjs tillpoint sqlite:/tmp/fixed-cost.db     (NODE_ARGS="--cpu-prof" to profile)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [kind, db = 'sqlite:/tmp/fixed-cost.db'] = process.argv.slice(2);
const cpu = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(x[11]) + Number(x[12])) / 100;
};
const bare = kind === 'bare';
const script = new URL(bare ? './bare-server.mjs' : '../bin/tillpoint.mjs', import.meta.url).pathname;
const args = [...(process.env.NODE_ARGS?.split(' ').filter(Boolean) ?? []), script, ...(bare ? [] : ['serve', '--port', '0', '--database', db])];
const child = spawn(process.execPath, args, { env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((resolve) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const m = /serving on (http:\/\/[\d.:]+)/.exec(out);
    if (m) resolve(m[1]);
  });
});
const url = base + (bare ? '/bare' : '/healthz');
await autocannon({ url, connections: 20, amount: 20_000 });
const runs = [];
for (let i = 0; i < 3; i++) {
  const c0 = cpu(child.pid);
  await autocannon({ url, connections: 20, amount: 50_000 });
  runs.push(Math.round(((cpu(child.pid) - c0) * 1e6) / 50_000));
}
console.log(`${kind}: µs CPU / request ${runs.join(' ')}`);
child.kill('SIGTERM');
