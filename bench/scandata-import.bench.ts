import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../src/adapters/db/database.ts';
import { migrateToLatest } from '../src/adapters/db/migrator.ts';
import { insertLocation } from '../src/adapters/db/repositories/locations.repository.ts';
import { csvJournal } from '../src/adapters/scandata/journal/csv.journal.ts';
import { createProgram } from '../src/app/provisioning.ts';
import { addDays } from '../src/domain/calendar.ts';
import { upcA } from '../src/domain/promotions/upc.ts';
import { weekContaining } from '../src/domain/scandata/week.ts';
import { createCstore } from '../src/server.ts';
import { rng, table, writeResults } from './support.ts';
import { locationRow } from '../test/support/locations.ts';

/**
 * Sales in by file at a chain's scale (issue #12): a CSV journal of LINES tobacco lines across
 * LOCATIONS locations (a week, 1–3 lines a basket, some voids and refunds) written to disk, then
 * imported with `tillpoint scandata import`'s use case into a fresh SQLite database and a fresh
 * PostgreSQL schema. Wall time, CPU, lines/s and peak RSS per engine. Target: < 120 s per engine.
 */
const LINES = Number(process.env.BENCH_IMPORT_LINES ?? 1_000_000);
const LOCATIONS = Number(process.env.BENCH_IMPORT_LOCATIONS ?? 500);
const ENGINES = (process.env.BENCH_IMPORT_ENGINES ?? 'sqlite,postgres').split(',');
const PG_URL = process.env.TILLPOINT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TARGET_SECONDS = 120;
const WEEK = weekContaining('2026-11-30', 'monday');
const ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'];
const UPCS = Array.from({ length: 60 }, (_, i) => upcA(`0123000${String(1000 + i).padStart(4, '0')}`));
const locationId = (i: number) => `bench-loc-${String(i).padStart(4, '0')}`;

/** The journal, written in time order across the chain's locations (as a head office export would be). */
async function writeJournal(file: string): Promise<{ baskets: number; bytes: number }> {
  const out = createWriteStream(file);
  const r = rng(20261130);
  out.write('location,register,transaction,sold_at,kind,upc,description,unit,quantity,unit_price,category,tender,loyalty_id,age_verification\n');
  let lines = 0;
  let baskets = 0;
  const perDay = Math.ceil(LINES / 7);
  for (let d = 0; d < 7 && lines < LINES; d++) {
    const date = addDays(WEEK.start, d);
    for (let written = 0; written < perDay && lines < LINES; baskets++) {
      const loc = r(LOCATIONS);
      const seconds = 6 * 3600 + Math.floor((written / perDay) * 16 * 3600);
      const time = `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
      const head = `${locationId(loc)},${1 + r(3)},${date}-${baskets},${date}T${time}-05:00`;
      const tail = `cigarettes,${r(3) === 0 ? 'credit' : 'cash'},${r(7) === 0 ? `L-${r(100_000)}` : ''},scanned-id`;
      const n = Math.min(1 + r(3), LINES - lines);
      let text = '';
      for (let i = 0; i < n; i++) {
        const upc = UPCS[r(UPCS.length)]!;
        const kind = i > 0 && r(30) === 0 ? 'void' : r(80) === 0 ? 'refund' : 'sale';
        text += `${head},${kind},${upc},BRAND ${upc.slice(6, 11)} BOX,PACK,${1 + r(3)},${(799 + r(300)) / 100},${tail}\n`;
      }
      lines += n;
      written += n;
      if (!out.write(text)) await once(out, 'drain');
    }
  }
  out.end();
  await finished(out);
  return { baskets, bytes: statSync(file).size };
}

async function seedLocations(db: Db): Promise<void> {
  const at = new Date('2026-11-01T00:00:00Z');
  const programId = await createProgram(db.kysely, { slug: 'bench-chain', name: 'Bench chain' }, at);
  for (let i = 0; i < LOCATIONS; i++) {
    await insertLocation(
      db.kysely,
      locationRow({ id: locationId(i), programId, name: `Store ${i}`, address: `${i} Main St`, timeZone: ZONES[i % ZONES.length]! }),
    );
  }
}

interface EngineRun {
  engine: string;
  seconds: number;
  cpuSeconds: number;
  linesPerSecond: number;
  peakRssMiB: number;
  baskets: number;
  lines: number;
  rejected: number;
  replaySeconds: number;
}

async function openFresh(engine: string, dir: string): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (engine === 'sqlite') {
    const db = createDb(`sqlite:${join(dir, 'import.db')}`);
    return { db, drop: () => db.close() };
  }
  const schema = `bench_import_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = createDb(PG_URL, { schema });
  return {
    db,
    drop: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

async function importInto(engine: string, dir: string, file: string): Promise<EngineRun> {
  const { db, drop } = await openFresh(engine, dir);
  try {
    await migrateToLatest(db);
    await seedLocations(db);
    const cstore = createCstore(db);
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const s = await cstore.journal.import(csvJournal.read(createReadStream(file, { highWaterMark: 256 * 1024 })), { fieldNames: csvJournal.fieldNames });
    const seconds = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu);
    // the same file again: everything replayed, nothing written
    const t1 = performance.now();
    const again = await cstore.journal.import(csvJournal.read(createReadStream(file, { highWaterMark: 256 * 1024 })), { fieldNames: csvJournal.fieldNames });
    const replaySeconds = (performance.now() - t1) / 1000;
    if (again.baskets.imported !== 0 || again.baskets.replayed !== s.baskets.imported)
      throw new Error(`re-import was not a replay: ${JSON.stringify(again.baskets)}`);
    const run: EngineRun = {
      engine,
      seconds: +seconds.toFixed(2),
      cpuSeconds: +((used.user + used.system) / 1e6).toFixed(2),
      linesPerSecond: Math.round(s.lines.imported / seconds),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      baskets: s.baskets.imported,
      lines: s.lines.imported,
      rejected: s.lines.rejected,
      replaySeconds: +replaySeconds.toFixed(2),
    };
    process.stdout.write(`${engine}: ${run.seconds} s, ${run.linesPerSecond} lines/s, peak RSS ${run.peakRssMiB} MiB, re-import ${run.replaySeconds} s\n`);
    return run;
  } finally {
    await drop();
  }
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tillpoint-import-bench-'));
  const file = join(dir, 'journal.csv');
  const loadStart = loadavg()[0]!;
  const runs: EngineRun[] = [];
  let generated: { baskets: number; bytes: number };
  try {
    const t0 = performance.now();
    generated = await writeJournal(file);
    process.stdout.write(
      `journal: ${LINES} lines, ${generated.baskets} baskets, ${(generated.bytes / 2 ** 20).toFixed(1)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    for (const engine of ENGINES) runs.push(await importInto(engine, dir, file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const loadEnd = loadavg()[0]!;
  const md = [
    `A CSV journal of ${LINES.toLocaleString('en-US')} tobacco lines (${generated.baskets.toLocaleString('en-US')} baskets, 1–3 lines each, some voids and refunds) across ${LOCATIONS} locations in four time zones, ${(generated.bytes / 2 ** 20).toFixed(1)} MiB on disk, imported by the use case behind \`tillpoint scandata import\` (streamed CSV → basket checks → 500 baskets per database transaction) into a fresh database per engine; then the same file again (every basket replayed, nothing written).`,
    '',
    table(
      ['engine', 'wall time s', 'CPU s (bench process)', 'lines/s', 'peak RSS MiB (process so far)', 'baskets', 'lines', 'rejected', 're-import s'],
      runs.map((r) => [r.engine, r.seconds, r.cpuSeconds, r.linesPerSecond, r.peakRssMiB, r.baskets, r.lines, r.rejected, r.replaySeconds]),
    ),
    '',
    `Machine load average (1 min) at start ${loadStart.toFixed(2)}, at end ${loadEnd.toFixed(2)} — other work on the machine inflates wall times.`,
    '',
    `Target (issue #12): journal import of the week in < ${TARGET_SECONDS} s per engine — ${runs.map((r) => `${r.engine} ${r.seconds < TARGET_SECONDS ? 'met' : 'NOT met'} (${r.seconds.toFixed(1)} s)`).join(', ')}.`,
  ].join('\n');
  const base = writeResults(
    'scandata-import',
    { lines: LINES, locations: LOCATIONS, loadStart, loadEnd, bytes: generated.bytes, baskets: generated.baskets, runs, targetSeconds: TARGET_SECONDS },
    md,
  );
  process.stdout.write(`${md}\n\nwritten ${base}.md\n`);
}
