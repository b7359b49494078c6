#!/usr/bin/env node
/* global process, console, URL */
// The suite again, with the system clock a year ahead (libfaketime), so that no test can depend on
// today's date: a time bomb fails here the day it lands, not a year later. The monotonic clock is
// left alone, so timers and timeouts behave. Needs Debian's `faketime` (.ci/run installs it).
import { spawnSync } from 'node:child_process';

const OFFSET = process.env.TILLPOINT_TEST_CLOCK_OFFSET ?? '+365d';
const probe = spawnSync('faketime', ['-f', OFFSET, 'node', '-e', 'process.stdout.write(String(new Date().getFullYear()))'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.error('test:next-year needs libfaketime: apt-get install -y faketime');
  process.exit(1);
}
const thisYear = new Date().getFullYear();
if (Number(probe.stdout) <= thisYear && OFFSET.startsWith('+')) {
  console.error(`faketime did not move the clock (it reads ${probe.stdout}); refusing to pass silently`);
  process.exit(1);
}
// Database suites run on SQLite only here, and on PostgreSQL only in the first pass (`test:today`):
// every database test runs on both engines, one per pass. faketime moves the clocks of the processes
// it starts: the test workers, the servers they spawn, the browser, and SQLite, which runs inside them.
// PostgreSQL is a server started outside, whose clock stays today, so its half would only re-run the
// same JavaScript against a database a year behind, a mix production never sees. Every clock the code
// reads is in JavaScript and moves here; `src/adapters/db` and `src/domain` are linted to read none, so
// the PostgreSQL-only paths take the time they are given.
// TILLPOINT_TEST_NEXT_YEAR_ENGINES=sqlite,postgres runs both here too.
const engines = process.env.TILLPOINT_TEST_NEXT_YEAR_ENGINES ?? 'sqlite';
console.log(`\n# the whole suite again with the clock at ${OFFSET} (faketime): it reads the year ${probe.stdout}; database suites on ${engines}\n`);
const run = spawnSync('faketime', ['-f', OFFSET, process.execPath, new URL('./vitest-pass.mjs', import.meta.url).pathname, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, FAKETIME_DONT_FAKE_MONOTONIC: '1', TILLPOINT_TEST_ENGINES: engines },
});
process.exit(run.status ?? 1);
