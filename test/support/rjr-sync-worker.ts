/**
 * A separate server process for the once-per-day test: opens the database at argv[2], runs one
 * scheduler round of the RJR sync when told "go" on stdin, prints what it ran as JSON.
 * Usage: node --import tsx test/support/rjr-sync-worker.ts <dbUrl> <simulatorUrl> <nowIso>
 */
import { createInterface } from 'node:readline';
import { createDb } from '../../src/adapters/db/database.ts';
import { createRjrConnector } from '../../src/adapters/manufacturers/rjr/rjr.connector.ts';
import { loadCstoreConfig } from '../../src/app/cstore/cstore.config.ts';
import { createCstore } from '../../src/cstore.runtime.ts';
import { rjrSyncJob } from '../../src/jobs/rjr-sync.job.ts';

const [url, simUrl, nowIso] = process.argv.slice(2) as [string, string, string];
const db = createDb(url);
const connector = createRjrConnector({ baseUrl: simUrl, sleep: async () => {}, timeoutMs: 2000, maxRetries: 2 });
const cstore = createCstore(db, {
  clock: () => new Date(nowIso),
  config: { ...loadCstoreConfig(process.env, () => {}), rjrBaseUrl: simUrl, syncConcurrency: 2 },
  connectorFor: () => connector,
});
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() !== 'go') continue;
  const round = await rjrSyncJob.run({ cstore, workerId: `proc-${process.pid}` });
  process.stdout.write(`${JSON.stringify({ pid: process.pid, due: round.due, ran: round.runs.map((r) => r.locationId), statuses: round.runs.map((r) => r.status), lostClaims: round.lostClaims })}\n`);
  break;
}
lines.close();
await db.close();
