#!/usr/bin/env node
/* global process, URL */
// Builds the back office (web/) into web/dist, and the guest pages into web/dist/guest, when either
// is missing or older than its sources.
// Runs from `npm ci` (prepare), `npm start` and the test suite's global setup, so
// `npm ci && npm start` serves /admin with no second command. `--force` always builds.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
const DIST = join(WEB, 'dist');
const STAMP = join(DIST, '.source-hash');

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(p);
    else if (!/\.test\.tsx?$/.test(entry.name)) yield p;
  }
}

/** A hash of everything the bundle is made from: sources, config, and the locked dependency versions. */
export function sourceHash() {
  const h = createHash('sha256');
  const inputs = [
    ...files(join(WEB, 'src')),
    join(WEB, 'index.html'),
    join(WEB, 'vite.config.ts'),
    join(WEB, 'guest.html'),
    join(WEB, 'vite.guest.config.ts'),
    join(ROOT, 'package-lock.json'),
  ]
    .filter(existsSync)
    .sort();
  for (const f of inputs) h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

export function isStale() {
  return (
    !existsSync(join(DIST, 'index.html')) ||
    !existsSync(join(DIST, 'guest', 'guest.html')) ||
    !existsSync(STAMP) ||
    readFileSync(STAMP, 'utf8') !== sourceHash()
  );
}

/** Builds when stale; answers whether it built. */
export async function ensureWebBuilt({ force = false, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  if (!force && !isStale()) return false;
  let vite;
  try {
    vite = await import('vite');
  } catch {
    // An install without dev dependencies: serve what is there (or the "not built" page).
    log('tillpoint: vite is not installed, so the back office (web/) cannot be built; /admin shows how to build it.');
    return false;
  }
  const started = Date.now();
  const hash = sourceHash();
  // Always the production bundle: a caller's NODE_ENV (vitest sets `test`) would otherwise make
  // Vite bundle development React, and the stamp would then keep `npm start` serving it.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await vite.build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
    // After the back office, whose build empties web/dist.
    await vite.build({ configFile: join(WEB, 'vite.guest.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(STAMP, hash);
  log(`tillpoint: built the back office and the guest pages into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureWebBuilt({ force: process.argv.includes('--force') });
}
