/**
 * A separate server process for the scheduler test: opens the database at argv[2], starts the
 * scheduler `serve` would start (croner on SQLite, pg-boss on PostgreSQL) with the clock at
 * argv[4], and then obeys stdin: `tick` fires the RJR sync tick as its cron would, `stop` stops.
 * Prints `ready`, `ticked`, one JSON line per location it synced, and `stopped`.
 * Usage: node --import tsx test/support/job-scheduler-worker.ts <dbUrl> <simulatorUrl> <nowIso>
 */
import { createInterface } from 'node:readline';
import { createDb } from '../../src/adapters/db/database.ts';
import { createRjrConnector } from '../../src/adapters/manufacturers/rjr/rjr.connector.ts';
import { loadConfig } from '../../src/config.ts';
import { createCstore, cstoreConfigOf } from '../../src/server.ts';
import { startScheduler } from '../../src/jobs/scheduler.ts';
import { RJR_SYNC_JOB_ID } from '../../src/jobs/index.ts';

const [url, simUrl, nowIso] = process.argv.slice(2) as [string, string, string];
const db = createDb(url);
const connector = createRjrConnector({ baseUrl: simUrl, sleep: async () => {}, timeoutMs: 2000, maxRetries: 2 });
const config = loadConfig({}, { TILLPOINT_SECRET_KEY: process.env.TILLPOINT_SECRET_KEY });
const cstore = createCstore(db, config, {
  clock: () => new Date(nowIso),
  config: { ...cstoreConfigOf(config), rjrBaseUrl: simUrl, syncConcurrency: 2 },
  connectorFor: () => connector,
});
const say = (line: string) => process.stdout.write(`${line}\n`);
const log = {
  info: (obj: object, msg: string) => {
    if (msg === 'scheduled promotion sync') say(JSON.stringify({ pid: process.pid, ...obj }));
  },
  warn: () => {},
  error: (obj: object, msg: string) => process.stderr.write(`${msg} ${JSON.stringify(obj)}\n`),
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
