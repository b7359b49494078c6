import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/adapters/db/migrator.ts';
import { openTestDb, type TestDb } from '../support/engines.ts';

// Several Tillpoint databases may share one PostgreSQL database as schemas (test files do, and so
// may tenants). Migrating one must not read the others: a schema dropped meanwhile used to fail
// Kysely's catalogue-wide look-up with "schema … does not exist".
describe('postgres: migrating one schema looks at that schema only', () => {
  let mine: TestDb;
  let other: TestDb;
  beforeAll(async () => {
    mine = await openTestDb('postgres');
    other = await openTestDb('postgres');
  });
  afterAll(async () => {
    await mine?.drop();
    await other?.drop().catch(() => undefined);
  });

  it('lists only its own tables, its bookkeeping included', async () => {
    const tables = await mine.kysely.introspection.getTables({ withInternalKyselyTables: true });
    expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([mine.schema]));
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['kysely_migration', 'loyalty_transactions']));
    expect(tables.find((t) => t.name === 'loyalty_transactions')?.columns.map((c) => c.name)).toContain('program_id');
  });

  it('migrates again (a no-op) while another schema is being dropped', async () => {
    const dropping = other.drop();
    const runs = await Promise.all([migrateToLatest(mine), migrateToLatest(mine), dropping.then(() => migrateToLatest(mine))]);
    for (const r of runs) expect(r.error).toBeUndefined();
  });
});
