// Runs test/support/delivery-worker.ts in its own process (through tsx, as bin/tillpoint.mjs does).
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { runWorker } = await import('./delivery-worker.ts');
await runWorker(process.argv[2]);
