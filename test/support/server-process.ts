import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Engine } from '../../src/adapters/db/database.ts';
import { openTestDb } from './engines.ts';

const BIN = new URL('../../bin/tillpoint.mjs', import.meta.url).pathname;

export interface ServerProcess {
  url: string;
  databaseUrl: string;
  output: () => string;
  /** resolves the first match of `re` in the output, waiting for it to be printed */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM, and the exit code once it has exited */
  stop(): Promise<number | null>;
}

/** Starts `tillpoint serve --demo` as `npm start` does, on a free port, and waits for its banner. */
export async function startServer(databaseUrl?: string, env: Record<string, string> = {}, args: string[] = []): Promise<ServerProcess> {
  const dir = databaseUrl ? null : mkdtempSync(join(tmpdir(), 'tillpoint-e2e-'));
  const db = databaseUrl ?? `sqlite:${join(dir!, 'tillpoint.db')}`;
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--demo', '--port', '0', '--database', db, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    // A server that does not start is killed, not left running without anyone to stop it.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      if (dir) rmSync(dir, { recursive: true, force: true });
      reject(new Error(`server did not start:\n${out}`));
    }, 30_000);
    const check = () => {
      const m = /serving on (http:\/\/[\d.:]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    databaseUrl: db,
    output: () => out,
    waitForOutput(re, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(out);
          if (!m) return false;
          clearTimeout(timer);
          child.stdout!.off('data', check);
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => (child.stdout!.off('data', check), reject(new Error(`no ${re} in the output:\n${out}`))), timeoutMs);
        if (!check()) child.stdout!.on('data', check);
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}

/**
 * `tillpoint serve --demo` on a database of its own on `engine`: a throwaway PostgreSQL schema
 * (dropped again by `stop`) or a temporary SQLite file.
 */
export async function startServerOn(engine: Engine, env: Record<string, string> = {}, args: string[] = []): Promise<ServerProcess> {
  if (engine === 'sqlite') return startServer(undefined, env, args);
  const db = await openTestDb('postgres');
  await db.close();
  try {
    const server = await startServer(db.url, env, args);
    return {
      ...server,
      async stop() {
        const code = await server.stop();
        await db.drop().catch(() => undefined);
        return code;
      },
    };
  } catch (e) {
    await db.drop().catch(() => undefined);
    throw e;
  }
}

/** Runs the CLI as a user would; resolves stdout, rejects with stderr on a non-zero exit. */
export async function tillpoint(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn' } });
}

export interface ServersInTurn {
  /** the engine's server: started now if it is not yet (the first call starts the first engine's) */
  get(engine: Engine): Promise<ServerProcess>;
  /** stops (once) every server started; for the file's afterAll, whatever the tests did */
  stopAll(): Promise<void>;
}

/**
 * One server per engine for a file's `describe.each(engines)` blocks, booted one after the other:
 * the next engine's server starts as soon as the previous one is up, so its boot (the CLI loading,
 * migrating, seeding the demo) overlaps the previous block's browser steps instead of following
 * them. Each block awaits `get(engine)` in its beforeAll; `stop()` of a server is idempotent.
 */
export function serversInTurn(engines: readonly Engine[], start: (engine: Engine) => Promise<ServerProcess>): ServersInTurn {
  const started = new Map<Engine, Promise<ServerProcess>>();
  let closing = false;
  const launch = (i: number): Promise<ServerProcess> => {
    const engine = engines[i]!;
    const existing = started.get(engine);
    if (existing) return existing;
    if (closing) return Promise.reject(new Error('the servers are being stopped'));
    const server = start(engine).then((s) => {
      let stopped: Promise<number | null> | null = null;
      return { ...s, stop: () => (stopped ??= s.stop()) };
    });
    started.set(engine, server);
    const next = () => {
      if (i + 1 < engines.length && !closing) void launch(i + 1).catch(() => undefined);
    };
    server.then(next, next);
    return server;
  };
  return {
    get(engine) {
      const i = engines.indexOf(engine);
      if (i < 0) throw new Error(`${engine} is not one of ${engines.join(', ')}`);
      if (!started.has(engines[0]!)) void launch(0).catch(() => undefined);
      return launch(i);
    },
    async stopAll() {
      closing = true;
      for (const server of started.values()) await server.then((s) => s.stop()).catch(() => undefined);
    },
  };
}
