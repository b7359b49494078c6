import type { Cstore } from '../../src/app/cstore/cstore.ts';
import type { CstoreDeps } from '../../src/app/cstore/deps.ts';
import { type DemoWeekResult, seedDemoSalesWeek, type SimulatorAt } from '../../src/demo/cstore-sales-week.ts';
import { seedCstoreDemo } from '../../src/demo/cstore-seed.ts';
import { startRjrSimulator } from '../../src/simulators/rjr/simulator.ts';
import type { Engine } from '../../src/adapters/db/database.ts';
import { openTestDb, type TestDb } from './engines.ts';
import { appServices } from './services.ts';

/**
 * The c-store demo's week of sales, as `serve --demo` seeds it, on a fixed "now": Wednesday 9 Dec
 * 2026, so the week is Mon 30 Nov – Sun 6 Dec (RJR) and Sun 29 Nov – Sat 5 Dec (Altria), with one
 * promotion accepted mid-week. The scan-data tests that read that week share this setup.
 */
export const DEMO_WEEK_NOW = new Date('2026-12-09T15:00:00.000Z');

const EPOCH = Date.parse('2026-01-01T00:00:00Z');

/** The demo's own simulator settings (cli/cstore.commands.ts) on the day of `at`. */
export const demoSimulatorAt: SimulatorAt = (at) =>
  startRjrSimulator({
    seed: 'tillpoint-demo',
    outlets: 50,
    promotionsPerOutlet: 40,
    baseDate: '2026-01-01',
    day: Math.floor((at.getTime() - EPOCH) / 86_400_000),
  });

export interface DemoWeek {
  db: TestDb;
  cstore: Cstore;
  seeded: DemoWeekResult;
}

/**
 * A test database on `engine` with the `quickstop` chain and its demo week of sales, seeded through
 * the c-store use cases (clock at DEMO_WEEK_NOW; anything in `cstore` wins). `db.drop()` ends it.
 */
export async function seedDemoWeekOn(engine: Engine, cstore: Partial<Omit<CstoreDeps, 'db'>> = {}): Promise<DemoWeek> {
  const db = await openTestDb(engine);
  try {
    const services = appServices(db, {}, { clock: () => DEMO_WEEK_NOW, ...cstore }).cstore;
    await seedCstoreDemo(services, 'http://127.0.0.1:9', DEMO_WEEK_NOW);
    const seeded = await seedDemoSalesWeek(services, { now: DEMO_WEEK_NOW, simulatorAt: demoSimulatorAt });
    return { db, cstore: services, seeded };
  } catch (e) {
    await db.drop();
    throw e;
  }
}
