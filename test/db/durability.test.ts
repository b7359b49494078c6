import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/adapters/db/database.ts';
import { loadConfig, sqliteSynchronousFrom } from '../../src/config.ts';
import { createRuntime } from '../../src/server.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';

/** SQLite's PRAGMA synchronous: 1 NORMAL, 2 FULL. */
async function sqliteSynchronous(db: Db): Promise<number> {
  const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(db.kysely);
  return rows[0]!.synchronous;
}

describe.each(ENGINES)('An acknowledged write is durable by default on %s', (engine) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(engine);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('commits to disk before answering (SQLite synchronous=FULL in WAL mode; PostgreSQL synchronous_commit=on)', async () => {
    if (engine === 'sqlite') {
      expect(await sqliteSynchronous(db)).toBe(2);
      const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db.kysely);
      expect(rows[0]!.journal_mode).toBe('wal');
    } else {
      const { rows } = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(db.kysely);
      expect(rows[0]!.synchronous_commit).toBe('on');
    }
  });
});

describe('TILLPOINT_SQLITE_SYNCHRONOUS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tillpoint-sync-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is full unless set; normal (any case) relaxes it; anything else stops the start naming the variable', () => {
    expect(loadConfig({}, {}).sqliteSynchronous).toBe('full');
    expect(loadConfig({}, { TILLPOINT_SQLITE_SYNCHRONOUS: 'NORMAL' }).sqliteSynchronous).toBe('normal');
    expect(sqliteSynchronousFrom(' Full ')).toBe('full');
    for (const bad of ['off', '0', '', 'extra']) expect(() => loadConfig({}, { TILLPOINT_SQLITE_SYNCHRONOUS: bad })).toThrow(/TILLPOINT_SQLITE_SYNCHRONOUS/);
  });

  it('reaches the server: serve opens SQLite with the configured mode', async () => {
    for (const [mode, pragma] of [
      ['full', 2],
      ['normal', 1],
    ] as const) {
      const config = loadConfig({ database: `sqlite:${join(dir, `${mode}.db`)}`, port: 0 }, { TILLPOINT_SQLITE_SYNCHRONOUS: mode });
      const runtime = await createRuntime(config, { logger: false });
      try {
        expect(await sqliteSynchronous(runtime.db)).toBe(pragma);
      } finally {
        await runtime.close();
      }
    }
  });

  it('createDb defaults to full and refuses an unknown mode', async () => {
    const db = createDb(`sqlite:${join(dir, 'direct.db')}`);
    try {
      expect(await sqliteSynchronous(db)).toBe(2);
    } finally {
      await db.close();
    }
    expect(() => createDb(`sqlite:${join(dir, 'bad.db')}`, { sqliteSynchronous: 'off' as never })).toThrow(/neither full nor normal/);
  });
});
