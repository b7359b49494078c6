import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { createDb } from '../src/adapters/db/database.ts';
import { migrateToLatest } from '../src/adapters/db/migrator.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { GOODS } from './pos-flow.bench.ts';
import { table, writeResults } from './support.ts';

/**
 * The SQL floor of one complete sale on SQLite: the statements the POS path issues for a sale by
 * loyalty id (a code sale's five more are left out; counted in the server, bench/results/2026-12-06-pos-flow-bisect.md), run directly with
 * better-sqlite3 on Tillpoint's schema — no HTTP, no Kysely, no Tillpoint code — as a lower bound
 * for pos-flow's "server CPU per sale". Three commits per sale, as in the server: identify's
 * INSERT, PENDING's UPDATE, CLAIMED's transaction (guest balance, ledger, transaction, outbox).
 * Checkpoints are left to SQLite (the server's checkpointer thread is not in this figure).
 *
 * Environment: BENCH_SALES (5000 per run), BENCH_RUNS (3), BENCH_SQLITE_SYNCHRONOUS (full,normal).
 *
 *   npm run bench -- sale-sql
 */
const SALES = Number(process.env.BENCH_SALES ?? 5000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const STORES = 1000;
const GUESTS = 5000;

interface Run {
  synchronous: string;
  cpuMsPerSale: number[];
  wallMsPerSale: number[];
}

async function prepareFile(): Promise<{ file: string; programId: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'tillpoint-sale-sql-'));
  const file = join(dir, 'sale.db');
  const db = createDb(`sqlite:${file}`);
  await migrateToLatest(db);
  await seedDemo(db.kysely);
  const program = await db.kysely.selectFrom('programs').select('id').executeTakeFirstOrThrow();
  await db.close();
  return { file, programId: program.id, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function runSales(file: string, programId: string, synchronous: string): Run {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
  db.pragma('foreign_keys = ON');
  const now = () => new Date().toISOString();
  const tag = randomUUID().slice(0, 8);
  const stores: string[] = [];
  const guests: string[] = [];
  const addStore = db.prepare('insert into stores (id, program_id, external_id, name, time_zone, loyalty_enabled, created_at) values (?, ?, ?, ?, ?, 1, ?)');
  const addGuest = db.prepare('insert into guests (id, program_id, name, balance, created_at) values (?, ?, ?, 1000, ?)');
  db.transaction(() => {
    for (let i = 0; i < STORES; i++) {
      const id = randomUUID();
      stores.push(id);
      addStore.run(id, programId, `${tag}-${i}`, `Store ${i}`, 'America/New_York', now());
    }
    for (let i = 0; i < GUESTS; i++) {
      const id = randomUUID();
      guests.push(id);
      addGuest.run(id, programId, `Guest ${i}`, now());
    }
  })();
  // The goods pos-flow sells, stored as the sale's cart by PENDING and CLAIMED.
  const cart = JSON.stringify({ order: GOODS, payments: [{ amount: 1248, type: 'card' }] });
  const sql = {
    store: db.prepare(
      'select id, program_id, external_id, name, time_zone, loyalty_enabled, created_at, store_groups from stores where program_id = ? and external_id = ?',
    ),
    guestOpen: db.prepare(
      "select g.id, g.balance, t.id as t_id from guests g left join loyalty_transactions t on t.guest_id = g.id and t.status = 'OPEN' where g.id = ? and g.program_id = ?",
    ),
    insert: db.prepare(
      `insert into loyalty_transactions (id, program_id, store_id, guest_id, status, pos_vendor, pos_type, pos_key, terminal, pos_transaction_id,
        selections, subtotal_cents, points_earned, points_redeemed, reserved_points, earnable_points, receipt_code, created_at, updated_at)
       values (?, ?, ?, ?, 'OPEN', 'generic', 'Bench', 'key', '1', ?, '[]', 0, 0, 0, 0, 0, ?, ?, ?)`,
    ),
    read: db.prepare(
      'select t.*, g.id as g_id, g.name as g_name, g.balance as g_balance from loyalty_transactions t left join guests g on g.id = t.guest_id where t.id = ? and t.program_id = ?',
    ),
    pending: db.prepare(
      "update loyalty_transactions set cart = ?, subtotal_cents = ?, updated_at = ?, status = 'PENDING', reserved_points = 0, rule_results = ? where id = ? and status in ('OPEN', 'PENDING')",
    ),
    begin: db.prepare('begin'),
    balance: db.prepare('update guests set balance = balance + ?, last_activity_at = ? where id = ? and program_id = ? returning balance'),
    ledger: db.prepare(
      "insert into points_ledger (id, program_id, guest_id, transaction_id, kind, points, balance_after, reason, created_at) values (?, ?, ?, ?, 'EARN', ?, ?, null, ?)",
    ),
    claimed: db.prepare(
      "update loyalty_transactions set cart = ?, updated_at = ?, status = 'CLAIMED', claimed_at = ?, points_earned = ?, claim_hash = ?, claim_response = ? where id = ? and status in ('OPEN', 'PENDING')",
    ),
    outbox: db.prepare("insert into outbox_events (id, program_id, type, payload, created_at) values (?, ?, 'transaction.claimed', ?, ?)"),
    commit: db.prepare('commit'),
  };
  const sale = (n: number): void => {
    const guest = guests[n % GUESTS]!;
    const id = randomUUID();
    const t = now();
    sql.store.get(programId, `${tag}-${n % STORES}`); // identify: the store (its 5 s cache misses most sales at 1,000 stores)
    sql.guestOpen.get(guest, programId); // identify: the guest and an open transaction
    sql.insert.run(id, programId, stores[n % STORES], guest, `${tag}-${n}`, `R${tag}${n}`, t, t); // identify: commit 1
    sql.read.get(id, programId); // validate
    sql.read.get(id, programId); // PENDING
    sql.pending.run(cart, 1048, t, '{"passed":true}', id); // PENDING: commit 2
    sql.read.get(id, programId); // CLAIMED
    sql.begin.run();
    const { balance } = sql.balance.get(104, t, guest, programId) as { balance: number };
    sql.ledger.run(randomUUID(), programId, guest, id, 104, balance, t);
    sql.claimed.run(cart, t, t, 104, `hash-${n}`, '{"status":"CLAIMED"}', id);
    sql.outbox.run(randomUUID(), programId, JSON.stringify({ transactionId: id, guestId: guest, points: 104 }), t);
    sql.commit.run(); // CLAIMED: commit 3
  };
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let n = 0;
  for (let i = 0; i < 2000; i++) sale(n++); // warm-up
  const run: Run = { synchronous, cpuMsPerSale: [], wallMsPerSale: [] };
  for (let r = 0; r < RUNS; r++) {
    const c0 = cpuMs();
    const w0 = performance.now();
    for (let i = 0; i < SALES; i++) sale(n++);
    run.cpuMsPerSale.push(Number(((cpuMs() - c0) / SALES).toFixed(3)));
    run.wallMsPerSale.push(Number(((performance.now() - w0) / SALES).toFixed(3)));
  }
  db.close();
  return run;
}

export async function main(): Promise<unknown> {
  const modes = process.env.BENCH_SQLITE_SYNCHRONOUS?.split(',').map((m) => m.trim().toLowerCase()) ?? ['full', 'normal'];
  const load = loadavg().map((l) => l.toFixed(2));
  const runs: Run[] = [];
  for (const synchronous of modes) {
    const { file, programId, cleanup } = await prepareFile();
    try {
      runs.push(runSales(file, programId, synchronous));
    } finally {
      cleanup();
    }
    const last = runs.at(-1)!;
    process.stdout.write(`synchronous=${synchronous}: CPU ms / sale ${last.cpuMsPerSale.join(' / ')}, wall ms / sale ${last.wallMsPerSale.join(' / ')}\n`);
  }
  const md = [
    `The SQL of one complete sale (identify → validate → PENDING → CLAIMED: 11 statements and 3 commits) run directly with better-sqlite3 on Tillpoint's schema, ${SALES.toLocaleString('en-US')} sales per run after 2,000 warm-up, ${RUNS} runs; ${STORES.toLocaleString('en-US')} stores, ${GUESTS.toLocaleString('en-US')} guests. No HTTP, Kysely or Tillpoint code: the floor under pos-flow's server CPU per sale. Load average at start ${load.join(' / ')}.`,
    '',
    table(
      ['synchronous', 'CPU ms / sale', 'wall ms / sale'],
      runs.map((r) => [r.synchronous, r.cpuMsPerSale.join(' / '), r.wallMsPerSale.join(' / ')]),
    ),
  ].join('\n');
  const base = writeResults('sale-sql', runs, md);
  process.stdout.write(`${md}\n\nwritten ${base}.json and .md\n`);
  return runs;
}
