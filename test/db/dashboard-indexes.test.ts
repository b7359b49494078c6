import { CompiledQuery, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_INDEXES } from '../../src/adapters/db/migrations/0011-rule-results.ts';
import {
  pendingPromotionsByLocation,
  pointsPerDay,
  salesPerDay,
  syncFailuresSince,
  topRewards,
} from '../../src/adapters/db/repositories/dashboard.repository.ts';
import { localDays } from '../../src/domain/local-days.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';

/**
 * The dashboard's aggregates read one program's rows by (program, time) through the indexes of
 * migration 0011, on both engines, instead of scanning every program's rows. PostgreSQL would
 * rightly scan a near-empty table, so there the plan is asked for with sequential scans priced out:
 * the question is whether a fitting index exists and is chosen.
 */
describe.each(ENGINES)('the dashboard queries on %s', (engine) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(engine, { poolSize: 1 });
    if (engine === 'postgres') await db.kysely.executeQuery(CompiledQuery.raw('set enable_seqscan = off'));
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** The plans of every statement `run` issues, as text. */
  async function plansOf(run: (k: TestDb['kysely']) => Promise<unknown>): Promise<string[]> {
    const nodes: RootOperationNode[] = [];
    const capture: KyselyPlugin = {
      transformQuery: (args) => {
        nodes.push(args.node);
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    await run(db.kysely.withPlugin(capture));
    const plans: string[] = [];
    for (const node of nodes) {
      const q = db.kysely.getExecutor().compileQuery(node, { queryId: 'explain' });
      const explain = engine === 'sqlite' ? `explain query plan ${q.sql}` : `explain ${q.sql}`;
      const rows = (await db.kysely.executeQuery(CompiledQuery.raw(explain, [...q.parameters]))).rows as Record<string, unknown>[];
      plans.push(rows.map((r) => String(r.detail ?? r['QUERY PLAN'])).join('\n'));
    }
    return plans;
  }

  const days = localDays('2026-11-01', '2026-11-07', 'America/New_York');
  const cases: [string, (k: TestDb['kysely']) => Promise<unknown>, string][] = [
    ['points per day', (k) => pointsPerDay(k, 'p', days), 'points_ledger_program_created'],
    ['sales per day', (k) => salesPerDay(k, 'p', days), 'loyalty_transactions_program_created'],
    ['top rewards', (k) => topRewards(k, 'p', days[0]!.start, days.at(-1)!.end, 5), 'redemptions_program_created'],
    ['promotions pending per location', (k) => pendingPromotionsByLocation(k, 'p'), 'promotion_changes_program_pending'],
    ['sync failures', (k) => syncFailuresSince(k, 'p', days[0]!.start, days.at(-1)!.end), 'sync_runs_program_status'],
  ];

  it.each(cases)('%s reads through its per-program index', async (_name, run, index) => {
    const [plan] = await plansOf(run);
    expect(plan).toContain(index);
  });

  it('names only indexes the migration creates', () => {
    expect(cases.map((c) => c[2]).sort()).toEqual(DASHBOARD_INDEXES.map((i) => i.name).sort());
  });
});
