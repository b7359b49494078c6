import { CompiledQuery, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SALE_LINES_TIME_INDEX } from '../../src/adapters/db/migrations/0019-sale-lines-time.ts';
import { insertCstoreSaleOnce, saleLinesOfWeek } from '../../src/adapters/db/repositories/cstore-sales.repository.ts';
import { insertLocation } from '../../src/adapters/db/repositories/locations.repository.ts';
import { aLine } from '../scandata/builders.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { locationRow } from '../support/locations.ts';

/**
 * Reading a week back (`saleLinesOfWeek`) seeks each location's hour through (location, sold_at)
 * — migration 0019 — on both engines, instead of reading the location's whole week through
 * (location, local date) and sorting it again for every page. PostgreSQL would rightly scan a
 * near-empty table, so there the plan is asked for with sequential scans priced out.
 */
describe.each(ENGINES)('reading a week of sale lines on %s', (engine) => {
  let db: TestDb;
  const at = '2026-12-01T15:00:00.000Z';
  beforeAll(async () => {
    db = await openTestDb(engine, { poolSize: 1 });
    if (engine === 'postgres') await db.kysely.executeQuery(CompiledQuery.raw('set enable_seqscan = off'));
    await db.kysely
      .insertInto('programs')
      .values({
        id: 'p',
        slug: 'p',
        name: 'P',
        currency: 'USD',
        earn_rate_milli: 1000,
        expiry_policy: '{"kind":"never"}',
        min_spend_cents: 0,
        claim_window_days: 30,
        receipt_templates: '{}',
        created_at: at,
      })
      .execute();
    for (const id of ['loc-a', 'loc-b'])
      await insertLocation(db.kysely, locationRow({ id, programId: 'p', name: id, timeZone: 'UTC', integrationStatus: 'pilot', createdAt: at }));
    for (const [i, locationId] of ['loc-a', 'loc-b', 'loc-a'].entries()) {
      const sale = {
        id: `s-${i}`,
        locationId,
        registerId: '1',
        transactionId: `T${i}`,
        bodyHash: 'h',
        soldAt: at,
        localDate: '2026-12-01',
        lineCount: 1,
        totalCents: 899,
        receivedAt: at,
      };
      await insertCstoreSaleOnce(db.kysely, sale, [{ ...aLine({ locationId, transactionId: `T${i}`, soldAt: at, localTime: '15:00:00' }), kind: 'sale' }]);
    }
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('seeks each location’s hour through the (location, sold_at) index, first page and keyset pages alike', async () => {
    const nodes: RootOperationNode[] = [];
    const capture: KyselyPlugin = {
      transformQuery: (args) => {
        nodes.push(args.node);
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const lines = [];
    for await (const l of saleLinesOfWeek(db.kysely.withPlugin(capture), { locationIds: ['loc-a', 'loc-b'], from: '2026-11-30', to: '2026-12-06' }, 1))
      lines.push(`${l.locationId}/${l.transactionId}`);
    expect(lines).toEqual(['loc-a/T0', 'loc-b/T1', 'loc-a/T2']);
    // one statement without a keyset condition (a window's first page) and one with (its next pages)
    const statements = new Map<string, { node: RootOperationNode; parameters: readonly unknown[] }>();
    for (const node of nodes) {
      const q = db.kysely.getExecutor().compileQuery(node, { queryId: 'explain' });
      if (!statements.has(q.sql)) statements.set(q.sql, { node, parameters: q.parameters });
    }
    expect(statements.size).toBe(2);
    for (const [text, { parameters }] of statements) {
      const explain = engine === 'sqlite' ? `explain query plan ${text}` : `explain ${text}`;
      const rows = (await db.kysely.executeQuery(CompiledQuery.raw(explain, [...parameters]))).rows as Record<string, unknown>[];
      const plan = rows.map((r) => String(r.detail ?? r['QUERY PLAN'])).join('\n');
      expect(plan).toContain(SALE_LINES_TIME_INDEX.name);
      expect(plan).not.toContain('cstore_sales_week');
    }
  });
});
