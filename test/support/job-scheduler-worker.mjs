/**
 * A separate server process for the scheduler test: opens the database at argv[2], starts the
 * scheduler `serve` would start (croner on SQLite, pg-boss on PostgreSQL) with the clock at
 * argv[4], and then obeys stdin: `tick` fires the RJR sync tick as its cron would, `stop` stops.
 * Prints `ready`, `ticked`, one JSON line per location it synced, and `stopped`.
 * It runs the compiled product (dist/, which the tests' global setup builds from src) like the
 * spawned servers, without starting tsx's loader.
 * Usage: node test/support/job-scheduler-worker.mjs <dbUrl> <simulatorUrl> <nowIso>
 */
import process from 'node:process';
import { createInterface } from 'node:readline';
import { createDb } from '../../dist/adapters/db/database.js';
import { createRjrConnector } from '../../dist/adapters/manufacturers/rjr/rjr.connector.js';
import { loadConfig } from '../../dist/config.js';
import { createCstore, cstoreConfigOf } from '../../dist/server.js';
import { startScheduler } from '../../dist/jobs/scheduler.js';
import { RJR_SYNC_JOB_ID } from '../../dist/jobs/index.js';

const [url, simUrl, nowIso] = process.argv.slice(2);
const db = createDb(url);
const connector = createRjrConnector({ baseUrl: simUrl, sleep: async () => {}, timeoutMs: 2000, maxRetries: 2 });
const config = loadConfig({}, { TILLPOINT_SECRET_KEY: process.env.TILLPOINT_SECRET_KEY });
const cstore = createCstore(db, config, {
  clock: () => new Date(nowIso),
  config: { ...cstoreConfigOf(config), rjrBaseUrl: simUrl, syncConcurrency: 2 },
  connectorFor: () => connector,
});
const say = (line) => process.stdout.write(`${line}\n`);
const log = {
  info: (obj, msg) => {
    if (msg === 'scheduled promotion sync') say(JSON.stringify({ pid: process.pid, ...obj }));
  },
  warn: () => {},
  error: (obj, msg) => process.stderr.write(`${msg} ${JSON.stringify(obj)}\n`),
};
const scheduler = await startScheduler({ db, databaseUrl: url, cstore, log, workerId: `proc-${process.pid}`, pgBoss: { pollingIntervalSeconds: 0.5 } });
say(`ready ${scheduler.kind}`);
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() === 'tick') {
    await scheduler.trigger(RJR_SYNC_JOB_ID);
    say('ticked');
  }
  if (line.trim() === 'stop') break;
}
lines.close();
await scheduler.stop();
await db.close();
say('stopped');
