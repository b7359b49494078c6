import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';

/**
 * `tillpoint serve --workers N`: several server processes on one port with `node:cluster`. The
 * primary migrates (and seeds `--demo`) once, forks N workers that each run the ordinary `serve`
 * (they share the listening socket), prints the banner once every worker listens, restarts a worker
 * that dies unexpectedly (with a backoff) and forwards SIGTERM/SIGINT for a graceful stop.
 *
 * Every worker runs webhook delivery and the scheduled jobs: both claim their work in the shared
 * PostgreSQL (deliveries with `FOR UPDATE SKIP LOCKED`, jobs through pg-boss, which fires each cron
 * tick once across processes), so N workers behave as N servers behind a load balancer do.
 */

/** Bad `--workers` (or SQLite with more than one): a message for people, exit code 2. */
export class WorkersUsageError extends Error {}

/** What a worker tells the primary once it listens. */
interface ListeningMessage {
  tillpoint: 'listening';
  address: string;
  metricsUrl: string | null;
}

/** `--workers`: a whole number ≥ 1, or `auto` for the machine's available parallelism; default 1. */
export function parseWorkers(text: string | undefined, cores: () => number = availableParallelism): number {
  if (text === undefined) return 1;
  if (text === 'auto') return Math.max(1, cores());
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 1 || n > 256)
    throw new WorkersUsageError(`--workers must be a whole number from 1 to 256, or auto (got "${text}")`);
  return n;
}

/** Refuses several workers on SQLite: one embedded file has one writer process. */
export function assertWorkersFit(workers: number, databaseUrl: string): void {
  if (workers > 1 && !/^postgres(ql)?:/.test(databaseUrl)) {
    throw new WorkersUsageError(
      `--workers ${workers} needs PostgreSQL: SQLite (${databaseUrl}) is served by one process. ` +
        'Use --workers 1 (the default), or --database postgres://… (TILLPOINT_DATABASE_URL) to run several.',
    );
  }
}

/**
 * Inside a `--workers` child: its slot (0 … N-1, kept across restarts), asked of the primary; null
 * in a plain single-process `serve`.
 */
export async function workerSlot(): Promise<number | null> {
  if (!cluster.isWorker) return null;
  const answer = new Promise<number>((resolve) => {
    const onMessage = (m: { tillpoint?: string; slot?: number }) => {
      if (m?.tillpoint !== 'slot') return;
      process.off('message', onMessage);
      resolve(m.slot ?? 0);
    };
    process.on('message', onMessage);
  });
  process.send?.({ tillpoint: 'slot?' });
  return answer;
}

/** A worker reports its address to the primary, which prints the banner. */
export function reportListening(address: string, metricsUrl: string | null): void {
  const message: ListeningMessage = { tillpoint: 'listening', address, metricsUrl };
  process.send?.(message);
}

export interface ClusterOptions {
  workers: number;
  /** once every worker listens: print the banner (address as a worker reported it) */
  announce(address: string, metricsUrl: string | null): void;
  log?: (line: string) => void;
  /** restart backoff: first delay and ceiling, ms */
  backoff?: { firstMs: number; maxMs: number };
}

/** Runs in the primary after migrating/seeding: forks, supervises, and stops on a signal. Resolves when all workers listen. */
export async function superviseWorkers(opts: ClusterOptions): Promise<void> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`tillpoint: ${line}\n`));
  const backoff = opts.backoff ?? { firstMs: 1_000, maxMs: 30_000 };
  const slots = new Map<Worker, { slot: number; startedAt: number }>();
  const failures = new Array<number>(opts.workers).fill(0);
  let stopping = false;
  let announced = false;
  let listening = 0;

  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));

  const fork = (slot: number) => {
    const worker = cluster.fork();
    slots.set(worker, { slot, startedAt: Date.now() });
    worker.on('message', (m: { tillpoint?: string; address?: string; metricsUrl?: string | null }) => {
      if (m?.tillpoint === 'slot?') return void worker.send({ tillpoint: 'slot', slot });
      if (m?.tillpoint !== 'listening' || announced) return;
      if (++listening < opts.workers) return;
      announced = true;
      opts.announce(m.address!, m.metricsUrl ?? null);
      started();
    });
  };

  const stopAll = async (signal: NodeJS.Signals, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    const alive = [...slots.keys()].filter((w) => !w.isDead());
    const exited = Promise.all(alive.map((w) => new Promise((r) => (w.isDead() ? r(null) : w.once('exit', r)))));
    for (const w of alive) w.process.kill(signal);
    // a worker that does not stop in time is killed; the primary never hangs
    const timer = setTimeout(() => alive.forEach((w) => w.isDead() || w.process.kill('SIGKILL')), 30_000);
    timer.unref();
    await exited;
    process.exit(exitCode);
  };

  cluster.on('exit', (worker, code, signal) => {
    const entry = slots.get(worker);
    slots.delete(worker);
    if (stopping || !entry) return;
    if (!announced) {
      // a worker that cannot start will not start on a retry either (bad config, database down)
      log(`a worker exited while starting (${signal ?? `code ${code}`}); stopping (see its output above)`);
      void stopAll('SIGTERM', 1);
      return;
    }
    const lived = Date.now() - entry.startedAt;
    failures[entry.slot] = lived > backoff.maxMs ? 0 : failures[entry.slot]! + 1;
    const delay = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.max(0, failures[entry.slot]! - 1));
    log(`worker ${worker.process.pid} exited unexpectedly (${signal ?? `code ${code}`}); restarting it in ${delay / 1000} s`);
    setTimeout(() => stopping || fork(entry.slot), delay);
  });

  process.once('SIGTERM', () => void stopAll('SIGTERM'));
  process.once('SIGINT', () => void stopAll('SIGINT'));
  for (let slot = 0; slot < opts.workers; slot++) fork(slot);
  return ready;
}
