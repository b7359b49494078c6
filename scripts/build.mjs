#!/usr/bin/env node
/* global process, URL */
// Compiles the server (src/ → dist/ with tsc, tsconfig.build.json) when dist is missing or older than
// its sources, copies the files that are not TypeScript (the conformance seeds), then builds the back
// office (web/ → web/dist, scripts/build-web.mjs). Runs from `npm ci` (prepare), `npm start`,
// `bin/tillpoint.mjs` when dist is stale in a checkout, and the test suite's global setup; so
// `npm ci && npm start` stays one command and production runs plain JavaScript.
// `--force` always builds; `--server` / `--web` build one half.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
export const DIST = join(ROOT, 'dist');
const STAMP = '.source-hash';
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json'].map((f) => join(ROOT, f));

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(p);
    else yield p;
  }
}

/** A hash of everything dist/ is made from: the sources, their assets and the compiler settings. */
export function serverSourceHash() {
  const h = createHash('sha256');
  for (const f of [...files(SRC), ...CONFIGS.filter(existsSync)].sort()) h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

export function isServerStale() {
  const stamp = join(DIST, STAMP);
  // An install that ships dist/ without the sources (the container image): dist/ is all there is.
  if (!existsSync(SRC)) return !existsSync(join(DIST, 'cli.js'));
  return !existsSync(join(DIST, 'cli.js')) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== serverSourceHash();
}

function compiler() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return null;
  }
}

/**
 * Compiles src/ into dist/ when stale; answers whether it built. The output is written beside dist and
 * swapped in whole, so a process starting meanwhile never loads half a build. Type errors fail the
 * build unless `allowTypeErrors` (the test setup and the bin: like Vitest, they run code that does not
 * type-check yet; `npm run typecheck` names the errors); `log` gets one line per build.
 */
export function ensureServerBuilt({ force = false, allowTypeErrors = false, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  if (!force && !isServerStale()) return false;
  const tsc = compiler();
  if (!tsc)
    throw new Error('dist/ is missing or older than src/, and TypeScript (a dev dependency) is not installed to build it: run `npm ci && npm run build`');
  const started = Date.now();
  const hash = serverSourceHash();
  const out = join(ROOT, `dist.building-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  try {
    const run = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out], { cwd: ROOT, encoding: 'utf8' });
    // tsc exits 2 when it found type errors but wrote the output anyway.
    const typeErrors = run.status === 2 && existsSync(join(out, 'cli.js'));
    if (run.status !== 0 && !(typeErrors && allowTypeErrors)) throw new Error(`tsc could not compile src/ into dist/:\n${run.stdout}${run.stderr}`);
    if (typeErrors) log('tillpoint: src/ has type errors (npm run typecheck lists them); compiled it anyway');
    // Files the code reads at run time from beside itself (import.meta.url), e.g. conformance/seeds/*.txt.
    for (const f of files(SRC)) if (!f.endsWith('.ts')) cpSync(f, join(out, relative(SRC, f)));
    writeFileSync(join(out, STAMP), hash);
    rmSync(DIST, { recursive: true, force: true });
    try {
      renameSync(out, DIST);
    } catch (e) {
      // Another process swapped in its build first; fine when that build is of the same sources.
      if (isServerStale()) throw e;
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  log(`tillpoint: compiled src into dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const only = args.includes('--server') ? 'server' : args.includes('--web') ? 'web' : null;
  try {
    if (only !== 'web') ensureServerBuilt({ force });
    if (only !== 'server') {
      const { ensureWebBuilt } = await import('./build-web.mjs');
      await ensureWebBuilt({ force });
    }
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}
