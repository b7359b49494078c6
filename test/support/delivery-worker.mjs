// One webhook delivery worker process (test/http/webhooks.test.ts): runs rounds until three in a row
// find nothing to do, then prints how many it ran. It runs the compiled product (dist/, which the
// tests' global setup builds from src) like the spawned servers, without starting tsx's loader.
// Usage: node test/support/delivery-worker.mjs <databaseUrl>
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDb } from '../../dist/adapters/db/database.js';
import { WebhookDeliverer } from '../../dist/app/events/delivery.js';
import { loadSecretKey } from '../../dist/lib/secret-key.js';

const db = createDb(process.argv[2], { poolSize: 2 });
const deliverer = new WebhookDeliverer({ db: db.kysely, secrets: loadSecretKey({ keyText: null, production: false }).box, config: { batchSize: 5 } });
let idle = 0;
let rounds = 0;
while (idle < 3) {
  const r = await deliverer.runOnce();
  rounds++;
  if (r.dispatched + r.delivered + r.retrying + r.dead === 0) {
    idle++;
    await sleep(100);
  } else idle = 0;
}
await db.close();
process.stdout.write(`rounds ${rounds}\n`);
