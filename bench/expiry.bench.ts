/**
 * The daily points-expiry job over 1,000,000 guests on SQLite. Guests and their ledgers are
 * inserted with raw better-sqlite3 prepared statements in one transaction; then the job runs
 * (one database transaction per page of guests — 5,000 on SQLite — with the page's EXPIRE entries,
 * balance updates and `points.expired` events written as multi-row statements through
 * postEntriesBatch) and is timed, and runs again the same day (it must write nothing).
 * Target: the job finishes in under 2 minutes, in either scenario.
 *
 * Scenarios (BENCH_EXPIRY_SCENARIO):
 * - `monthly` (default): the heaviest regular run of a program on monthly buckets — the first of
 *   the month, when one month's points (earned 7 months back) expire; the program's history
 *   starts that month, as if earlier months had been expired by earlier runs;
 * - `catch-up`: the first run ever over a year of history — every bucket older than the cutoff
 *   expires at once (about half of all guests).
 *
 * Run: `node --import tsx bench/expiry.bench.ts` (or `npm run bench -- expiry`), e.g.
 * `BENCH_EXPIRY_SCENARIO=catch-up BENCH_EXPIRY_GUESTS=1000000 npm run bench -- expiry`.
 * BENCH_EXPIRY_GUESTS (or BENCH_GUESTS; default 1,000,000), BENCH_EXPIRY_POLICY
 * (monthly-buckets | inactivity) and BENCH_BATCH (guests per page and transaction; default: the
 * job's own, 5,000 on SQLite) change the run. Results go to bench/results/<date>-expiry.{json,md}
 * (monthly), -expiry-catch-up (catch-up); with the inactivity policy -expiry-inactivity[-catch-up].
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { createDb } from '../src/adapters/db/database.ts';
import { migrateToLatest } from '../src/adapters/db/migrator.ts';
import { ExpiryService } from '../src/app/expiry.service.ts';
import { createProgram } from '../src/app/provisioning.ts';
import type { ExpiryPolicy } from '../src/domain/expiry.ts';
import { rng, table, writeResults } from './support.ts';

const GUESTS = Number(process.env.BENCH_EXPIRY_GUESTS ?? process.env.BENCH_GUESTS ?? 1_000_000);
const BATCH = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined;
const POLICY: ExpiryPolicy = process.env.BENCH_EXPIRY_POLICY === 'inactivity' ? { kind: 'inactivity', days: 180 } : { kind: 'monthly-buckets', months: 6 };
const SCENARIO = process.env.BENCH_EXPIRY_SCENARIO === 'catch-up' ? 'catch-up' : 'monthly';
const NOW = new Date(SCENARIO === 'catch-up' ? '2026-11-26T03:15:00.000Z' : '2026-12-01T03:15:00.000Z');
/** How far back a guest's first earn may lie (days before NOW), by scenario. */
const HISTORY_DAYS = SCENARIO === 'catch-up' ? { min: 30, span: 365 } : { min: 1, span: 213 };
const TARGET_SECONDS = 120;
const RESULTS_NAME = ['expiry', POLICY.kind === 'inactivity' ? 'inactivity' : null, SCENARIO === 'catch-up' ? 'catch-up' : null].filter(Boolean).join('-');

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Every guest earned once (catch-up: 1–13 months back; monthly: since 1 May 2026); half of them
 * redeemed part of it later; half earned again in the last 2 months. Catch-up: about half hold
 * points earned before May 2026, which expire. Monthly: those whose May points are not spent.
 */
function seed(file: string, programId: string): { guests: number; ledgerRows: number; seconds: number } {
  const started = performance.now();
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  const insertGuest = sqlite.prepare('insert into guests (id, program_id, name, email, balance, last_activity_at, created_at) values (?, ?, ?, null, ?, ?, ?)');
  const insertEntry = sqlite.prepare(
    'insert into points_ledger (id, program_id, guest_id, transaction_id, kind, points, balance_after, reason, created_at) values (?, ?, ?, null, ?, ?, ?, null, ?)',
  );
  const rand = rng(42);
  const now = NOW.getTime();
  let ledgerRows = 0;
  sqlite.transaction(() => {
    for (let i = 0; i < GUESTS; i++) {
      const id = randomUUID();
      const created = now - (400 + rand(200)) * DAY_MS;
      const entries: [string, number, number][] = [];
      const firstAt = now - (HISTORY_DAYS.min + rand(HISTORY_DAYS.span)) * DAY_MS;
      const first = 100 + rand(900);
      entries.push(['EARN', first, firstAt]);
      if (rand(2) === 0) entries.push(['REDEEM', -Math.min(first, 50 + rand(400)), firstAt + (1 + rand(20)) * DAY_MS]);
      if (rand(2) === 0) entries.push(['EARN', 10 + rand(300), now - (1 + rand(60)) * DAY_MS]);
      entries.sort((a, b) => a[2] - b[2]);
      let balance = 0;
      let last = 0;
      const rows: [string, number, number, number][] = [];
      for (const [kind, points, at] of entries) {
        balance += points;
        last = Math.max(last, at);
        rows.push([kind, points, balance, at]);
      }
      insertGuest.run(id, programId, `Guest ${i}`, balance, iso(last), iso(created));
      for (const [kind, points, after, at] of rows) insertEntry.run(randomUUID(), programId, id, kind, points, after, iso(at));
      ledgerRows += rows.length;
    }
  })();
  sqlite.close();
  return { guests: GUESTS, ledgerRows, seconds: Math.round((performance.now() - started) / 10) / 100 };
}

function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export async function main(): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'tillpoint-expiry-bench-'));
  const file = join(dir, 'bench.db');
  const db = createDb(`sqlite:${file}`);
  try {
    await migrateToLatest(db);
    const programId = await createProgram(
      db.kysely,
      { slug: 'bench', name: 'Bench', currency: 'USD', earnRateMilli: 10_000, expiry: POLICY },
      new Date('2025-01-01T00:00:00Z'),
    );
    const seeded = seed(file, programId);
    process.stdout.write(
      `seeded ${seeded.guests.toLocaleString('en-US')} guests, ${seeded.ledgerRows.toLocaleString('en-US')} ledger rows in ${seeded.seconds} s\n`,
    );

    const service = new ExpiryService(db.kysely);
    const loadBefore = loadavg()[0]!;
    // The process's peak RSS includes the seeding; the run's own peak is sampled while it runs.
    const rssBeforeRunMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
    let runPeakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (runPeakRss = Math.max(runPeakRss, process.memoryUsage().rss)), 100);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const first = await service.runProgram(programId, POLICY, NOW, BATCH ? { batchSize: BATCH } : {});
    const seconds = Math.round((performance.now() - t0) / 10) / 100;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    runPeakRss = Math.max(runPeakRss, process.memoryUsage().rss);
    const t1 = performance.now();
    const second = await service.runProgram(programId, POLICY, new Date(NOW.getTime() + 3 * 3_600_000));
    const secondSeconds = Math.round((performance.now() - t1) / 10) / 100;

    // Checks: the ledger still sums to every balance; one EXPIRE entry and one event per expired guest.
    const check = await db.kysely
      .selectFrom('guests as g')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('g.program_id', '=', programId)
      .where(sql<boolean>`(select coalesce(sum(l.points), 0) from points_ledger l where l.guest_id = g.id) != g.balance`)
      .executeTakeFirstOrThrow();
    const expireRows = await db.kysely
      .selectFrom('points_ledger')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', 'EXPIRE')
      .executeTakeFirstOrThrow();
    const events = await db.kysely
      .selectFrom('outbox_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('type', '=', 'points.expired')
      .executeTakeFirstOrThrow();
    const dbMiB = Math.round(statSync(file).size / 2 ** 20);

    const figures = {
      scenario: SCENARIO,
      guests: GUESTS,
      policy: POLICY,
      seed: seeded,
      batchSize: BATCH ?? 'job default (5,000 on SQLite)',
      run: {
        ...first,
        seconds,
        cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
        cpuUserSeconds: Math.round(cpu.user / 1e4) / 100,
        cpuSystemSeconds: Math.round(cpu.system / 1e4) / 100,
        rssBeforeMiB: rssBeforeRunMiB,
        peakRssMiB: Math.round(runPeakRss / 2 ** 20),
      },
      // What the run wrote: an EXPIRE entry, a balance update and an event per expired guest, and its expiry_runs row.
      rowsWritten: {
        ledgerEntries: Number(expireRows.n),
        guestBalances: first.guestsExpired,
        outboxEvents: Number(events.n),
        expiryRuns: 1,
        total: Number(expireRows.n) + first.guestsExpired + Number(events.n) + 1,
      },
      rerunSameDay: { ...second, seconds: secondSeconds },
      checks: { guestsWhoseLedgerDiffersFromBalance: Number(check.n), expireEntries: Number(expireRows.n), pointsExpiredEvents: Number(events.n) },
      /** the whole process, seeding included */
      peakRssMiB: peakRssMiB(),
      databaseMiB: dbMiB,
      target: { seconds: TARGET_SECONDS },
      met: seconds < TARGET_SECONDS,
      loadAverage: { start: loadBefore, end: loadavg()[0] },
    };
    const md = [
      `Scenario **${SCENARIO}** (${SCENARIO === 'monthly' ? 'the first-of-the-month run of a program on monthly buckets: the points earned in May 2026 expire' : 'the first run ever over a year of history: every bucket older than the cutoff expires at once'}). ${GUESTS.toLocaleString('en-US')} guests of one program on SQLite (WAL, one file, ${dbMiB} MiB after the run), ${seeded.ledgerRows.toLocaleString('en-US')} ledger rows seeded with raw better-sqlite3 statements in one transaction (${seeded.seconds} s). Policy \`${JSON.stringify(POLICY)}\`, run at ${NOW.toISOString()}. The job pages through the guests ${BATCH ? `${BATCH.toLocaleString('en-US')} at a time (BENCH_BATCH)` : '5,000 at a time (its SQLite default)'} by id, one database transaction per page: it reads the page's guests with a flag for those whose points could be due (${POLICY.kind === 'inactivity' ? 'no activity since the cutoff' : 'a ledger entry older than the cutoff, probed in the (guest_id, created_at) index'}), reads those guests' ledgers in one query, recomputes what is due in code, and writes the page's balance updates (\`UPDATE … FROM (VALUES …)\`), EXPIRE entries and \`points.expired\` events as multi-row statements of up to 500 rows (\`postEntriesBatch\`), with time-ordered ids.`,
      '',
      table(
        ['run', 'wall s', 'CPU s (user + sys)', 'guests scanned', 'guests expired', 'points expired', 'skipped'],
        [
          [
            'first run of the day',
            seconds,
            `${figures.run.cpuSeconds} (${figures.run.cpuUserSeconds} + ${figures.run.cpuSystemSeconds})`,
            first.guestsScanned,
            first.guestsExpired,
            first.pointsExpired,
            first.skipped ?? '—',
          ],
          ['second run, same day', secondSeconds, '', second.guestsScanned, second.guestsExpired, second.pointsExpired, second.skipped ?? '—'],
        ],
      ),
      '',
      `Rows written by the first run: ${figures.rowsWritten.total.toLocaleString('en-US')} (${figures.rowsWritten.ledgerEntries.toLocaleString('en-US')} EXPIRE entries, ${figures.rowsWritten.guestBalances.toLocaleString('en-US')} balance updates, ${figures.rowsWritten.outboxEvents.toLocaleString('en-US')} events, 1 expiry_runs row).`,
      '',
      `Checks after the run: ${figures.checks.guestsWhoseLedgerDiffersFromBalance} guests whose ledger sum differs from the balance; ${figures.checks.expireEntries.toLocaleString('en-US')} EXPIRE entries and ${figures.checks.pointsExpiredEvents.toLocaleString('en-US')} \`points.expired\` events (one each per expired guest); the second run the same day ${second.guestsExpired === 0 && second.pointsExpired === 0 ? 'expired nothing' : 'EXPIRED AGAIN'} (${second.skipped ?? 'ran'}${Number(expireRows.n) === first.guestsExpired ? ', no EXPIRE entry beyond the first run' : ', EXPIRE entries beyond the first run'}). RSS ${figures.run.rssBeforeMiB} MiB before the run, peak ${figures.run.peakRssMiB} MiB during it (sampled every 100 ms); the whole process peaked at ${figures.peakRssMiB} MiB, seeding included.`,
      '',
      `Target < ${TARGET_SECONDS} s on SQLite — ${figures.met ? 'met' : 'MISSED'}. Machine load average (1 min) at start ${loadBefore.toFixed(2)}, at end ${loadavg()[0]!.toFixed(2)} (2 cores, shared with other work: wall time varies with it; CPU time much less).`,
    ].join('\n');
    const base = writeResults(RESULTS_NAME, figures, md);
    process.stdout.write(`\n${md}\n\nwritten ${base}.json and .md\n`);
    return figures;
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
