import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/adapters/db/database.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { normalizer, parseGuide, runGuide } from './guide-runner.ts';

/**
 * README.md "From zero to a sale" cannot go stale: its titled bash blocks run in order, in one bash
 * session, against a real `tillpoint serve --demo` process (as `npm start | tee tillpoint.log`:
 * the server's log goes straight to a file, where the guest's login code is read), on each engine;
 * every JSON answer the README shows must equal what the server answers (ids, receipt codes and
 * time stamps compared by position, see `normalizer`). test/http/newcomer-flow.test.ts is the same
 * walk with finer assertions.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/tillpoint.mjs');
const SECTION = /^## From zero to a sale\n([\s\S]*?)(?=^## )/m;

interface Server {
  url: string;
  log: string;
  stop(): Promise<void>;
}

/** `tillpoint serve --demo` with stdout and stderr written by the server itself into `log`. */
async function serve(databaseUrl: string, log: string): Promise<Server> {
  const fd = openSync(log, 'a');
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--demo', '--port', '0', '--database', databaseUrl], {
    env: { ...process.env, LOG_LEVEL: 'info', TILLPOINT_PUBLIC_URL: 'http://127.0.0.1:3000', TILLPOINT_GUEST_LOGIN_SENDER: 'log' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /serving on (http:\/\/[\d.:]+)/.exec(readFileSync(log, 'utf8'));
    if (m) {
      return {
        url: m[1]!,
        log,
        async stop() {
          if (child.exitCode === null && exited === null) {
            const done = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            await done;
          }
        },
      };
    }
    if (exited !== null || Date.now() > deadline) throw new Error(`server did not start (exit ${exited}):\n${readFileSync(log, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The entries of one sale share an instant, so their order in a list is not defined: compare them sorted. */
function sortLedgers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortLedgers);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === 'ledger' && Array.isArray(v) ? [...v].sort((a, b) => String(a.kind).localeCompare(String(b.kind))).map(sortLedgers) : sortLedgers(v),
      ]),
    );
  }
  return value;
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = SECTION.exec(readme)?.[1] ?? '';
const blocks = parseGuide(section);

describe('README "From zero to a sale"', () => {
  it('walks every step of issue 4 through the public APIs, each JSON answer after its curl', () => {
    const code = blocks.map((b) => b.code).join('\n');
    for (const call of [
      '/admin/v1/auth/login',
      '/admin/v1/programs ',
      '/stores',
      '/keys',
      '/incentives',
      '/auth/start',
      '/auth/verify',
      '/adjustments',
      '$G/selection',
      '$G/codes',
      '/loyalty/identify',
      '/loyalty/transaction/pos/validate/$TXN',
      'PENDING',
      'CLAIMED',
      '$G/balance',
      '$G/transactions',
    ]) {
      expect(code, `the walkthrough calls ${call}`).toContain(call);
    }
    expect(blocks.filter((b) => b.answer !== null).map((b) => b.title)).toEqual([
      'the app: rewards, pre-selection, code',
      'identify',
      'CLAIMED',
      'balance',
      'history',
    ]);
  });
});

describe.each(ENGINES)('README "From zero to a sale" against `npm start` on %s', (engine: Engine) => {
  let dir: string;
  let db: TestDb | null = null;
  let server: Server;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tillpoint-readme-'));
    let url = `sqlite:${join(dir, 'tillpoint.db')}`;
    if (engine === 'postgres') {
      db = await openTestDb('postgres');
      url = db.url;
    }
    server = await serve(url, join(dir, 'tillpoint.log'));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every block and gets the answers the README shows', async () => {
    const outputs = await runGuide(blocks, { cwd: dir, env: { TILLPOINT: server.url, TILLPOINT_LOG: server.log } });
    if (process.env.TILLPOINT_PRINT_GUIDE) blocks.forEach((b, i) => process.stdout.write(`--- ${b.title}\n${outputs[i]}\n`));
    const documented = normalizer();
    const actual = normalizer();
    blocks.forEach((b, i) => {
      if (b.answer === null) return;
      const expected = documented(sortLedgers(JSON.parse(b.answer)));
      let got: unknown;
      try {
        got = JSON.parse(outputs[i]!);
      } catch {
        throw new Error(`"${b.title}" printed no JSON:\n${outputs[i]}`);
      }
      expect(actual(sortLedgers(got)), `answer of "${b.title}" (README "From zero to a sale")`).toEqual(expected);
    });
    // The plain-text steps printed what their comments say.
    const text = Object.fromEntries(blocks.map((b, i) => [b.title, outputs[i]]));
    expect(text['program, store and POS key']).toBe('T-01');
    expect(text['guest sign-up']).toBe('true');
    expect(text['welcome bonus']).toBe('100');
    expect(text['validate and PENDING']).toBe('95\n50');
    expect(text['code status']).toBe('used');
  }, 120_000);
});
