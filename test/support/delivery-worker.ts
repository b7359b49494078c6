import { createDb } from '../../src/adapters/db/database.ts';
import { WebhookDeliverer } from '../../src/app/events/delivery.ts';
import { loadSecretKey } from '../../src/lib/secret-key.ts';

/** One delivery worker process: runs rounds until three in a row find nothing to do. */
export async function runWorker(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl, { poolSize: 2 });
  const deliverer = new WebhookDeliverer({ db: db.kysely, secrets: loadSecretKey({ keyText: null, production: false }).box, config: { batchSize: 5 } });
  let idle = 0;
  let rounds = 0;
  while (idle < 3) {
    const r = await deliverer.runOnce();
    rounds++;
    if (r.dispatched + r.delivered + r.retrying + r.dead === 0) {
      idle++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } else idle = 0;
  }
  await db.close();
  process.stdout.write(`rounds ${rounds}\n`);
}
