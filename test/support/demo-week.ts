import type { Cstore } from '../../src/app/cstore/cstore.ts';
import type { CstoreDeps } from '../../src/app/cstore/deps.ts';
import { type DemoWeekResult, seedDemoSalesWeek } from '../../src/demo/cstore-sales-week.ts';
import { seedCstoreDemo } from '../../src/demo/cstore-seed.ts';
import { demoSimulatorAt } from '../../src/demo/cstore-simulator.ts';
import type { Engine } from '../../src/adapters/db/database.ts';
import { openTestDb, type TestDb } from './engines.ts';
import { appServices } from './services.ts';

/**
 * The c-store demo's week of sales, as `serve --demo` seeds it, on a fixed "now": Wednesday 9 Dec
 * 2026, so the week is Mon 30 Nov – Sun 6 Dec (RJR) and Sun 29 Nov – Sat 5 Dec (Altria), with one
 * promotion accepted mid-week. The scan-data tests that read that week share this setup.
 */
export const DEMO_WEEK_NOW = new Date('2026-12-09T15:00:00.000Z');

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
