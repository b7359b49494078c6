#!/usr/bin/env node
/* global process, console, URL */
// Runs the compiled CLI (dist/cli.js). In a checkout where src/ changed since the last build, it
// compiles first (scripts/build.mjs, a hash of src/ decides), so `npm start` and `npx tillpoint` always
// run the current sources as plain JavaScript, the same way production does.
import { existsSync } from 'node:fs';

const DIST_CLI = new URL('../dist/cli.js', import.meta.url);
const build = await import('../scripts/build.mjs').catch(() => null);
try {
  build?.ensureServerBuilt({ allowTypeErrors: true });
} catch (e) {
  if (!existsSync(DIST_CLI)) {
    console.error(`tillpoint: ${e.message}`);
    process.exit(1);
  }
  console.error(`tillpoint: warning: running the existing dist/, which may be older than src/ (${e.message.split('\n')[0]})`);
}
await import(DIST_CLI.href);
