import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { buildApp } from '../../src/adapters/http/app.ts';
import { Metrics } from '../../src/adapters/http/metrics.ts';
import { createRjrConnector } from '../../src/adapters/manufacturers/rjr/rjr.connector.ts';
import { type RjrSimulator, SIM_CHAIN_CLIENT, SIM_PROVIDER_CLIENT, startRjrSimulator } from '../../src/simulators/rjr/simulator.ts';
import type { Engine } from '../../src/adapters/db/database.ts';
import { AdminAuthService } from '../../src/app/admin-auth.service.ts';
import type { Cstore } from '../../src/app/cstore/cstore.ts';
import { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { createProgram } from '../../src/app/provisioning.ts';
import type { ManufacturerConnector } from '../../src/app/ports/manufacturer-connector.ts';
import { loadConfig } from '../../src/config.ts';
import { createCstore, cstoreConfigOf } from '../../src/server.ts';
import { DEMO_ADMIN_EMAIL, demoAdminPassword, seedDemo } from '../../src/demo/seed.ts';
import { openTestDb, type TestDb } from './engines.ts';
import { seededRandom } from './fixtures.ts';

export const BASE_DATE = '2026-12-01';
/** A chain secret no response or log line may ever contain. */
export const CHAIN = SIM_CHAIN_CLIENT;
export const TEST_SECRET_KEY = 'a'.repeat(64);

/** A settable clock: 10:00 in New York on the simulator's day 0. */
export class TestClock {
  now = new Date(`${BASE_DATE}T15:00:00.000Z`);
  /** every reading moves on a millisecond, so records made one after another sort in order */
  readonly fn = () => {
    this.now = new Date(this.now.getTime() + 1);
    return new Date(this.now.getTime());
  };
  advanceDays(n: number): void {
    this.now = new Date(this.now.getTime() + n * 86_400_000);
  }
  set(iso: string): void {
    this.now = new Date(iso);
  }
}

export interface CstoreHarness {
  engine: Engine;
  db: TestDb;
  sim: RjrSimulator;
  clock: TestClock;
  cstore: Cstore;
  app: FastifyInstance;
  programId: string;
  /** owner session token */
  token: string;
  /** every log line: the HTTP app's and the use cases' */
  logs: string[];
  /** every response body `api` received */
  bodies: string[];
  api(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** a licensed location in pilot with an RJR outlet id; the program enrolled in chain mode */
  pilotLocation(opts?: { name?: string; posSystem?: string; outlet?: string; autoAccept?: boolean }): Promise<string>;
  /** the simulator and the clock move to the next day */
  nextDay(): void;
  close(): Promise<void>;
}

export async function cstoreHarness(
  engine: Engine,
  opts: { promotionsPerOutlet?: number; outlets?: number; changeRate?: number; db?: TestDb } = {},
): Promise<CstoreHarness> {
  const db = opts.db ?? (await openTestDb(engine));
  await seedDemo(db.kysely);
  const clock = new TestClock();
  const sim = await startRjrSimulator({
    seed: 'cstore-tests',
    outlets: opts.outlets ?? 8,
    promotionsPerOutlet: opts.promotionsPerOutlet ?? 30,
    baseDate: BASE_DATE,
    changeRate: opts.changeRate ?? 0.2,
  });
  const logs: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (logs.push(...String(chunk).split('\n').filter(Boolean)), done()) });
  const logger = pino({ level: 'debug' }, stream);
  const connectors = new Map<string, ManufacturerConnector>();
  const config = loadConfig({}, { TILLPOINT_SECRET_KEY: TEST_SECRET_KEY });
  const cstore = createCstore(db, config, {
    clock: clock.fn,
    log: logger,
    config: { ...cstoreConfigOf(config), rjrBaseUrl: sim.url },
    connectorFor: (baseUrl) => {
      let c = connectors.get(baseUrl);
      if (!c) {
        c = createRjrConnector({ baseUrl, provider: SIM_PROVIDER_CLIENT, sleep: async () => {}, timeoutMs: 400, maxRetries: 2, logger });
        connectors.set(baseUrl, c);
      }
      return c;
    },
  });
  const app = await buildApp({
    db,
    cstore,
    secrets: cstore.deps.config.secrets,
    loyalty: new LoyaltyService({ db, randomIndex: seededRandom(), publicUrl: 'http://tillpoint.test' }),
    adminAuth: new AdminAuthService(db.kysely),
    metrics: new Metrics(),
    version: 'test',
    logger: { level: 'debug', stream },
  });
  const programId = await createProgram(
    db.kysely,
    { slug: 'quickstop-test', name: 'QuickStop (test)', currency: 'USD', earnRateMilli: 0, expiry: { kind: 'none' } },
    clock.now,
  );
  const login = await app.inject({ method: 'POST', url: '/admin/v1/auth/login', payload: { email: DEMO_ADMIN_EMAIL, password: demoAdminPassword() } });
  const token = (login.json() as { token: string }).token;
  const bodies: string[] = [];
  const api: CstoreHarness['api'] = async (method, url, body, headers = {}) => {
    const r = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    bodies.push(r.body);
    return r;
  };
  let enrolled = false;
  let outletNo = 0;
  const h: CstoreHarness = {
    engine,
    db,
    sim,
    clock,
    cstore,
    app,
    programId,
    token,
    logs,
    bodies,
    api,
    async pilotLocation(o = {}) {
      if (!enrolled) {
        const r = await api('PUT', `/admin/v1/cstore/programs/${programId}/enrollments/rjr`, {
          mode: 'chain',
          accountNumber: CHAIN.accountNumber,
          clientId: CHAIN.clientId,
          clientSecret: CHAIN.clientSecret,
          baseUrl: sim.url,
        });
        if (r.statusCode !== 200) throw new Error(`enroll: ${r.body}`);
        enrolled = true;
      }
      const outlet = o.outlet ?? sim.outletIds(outletNo++, 1)[0]!;
      const loc = await api('POST', `/admin/v1/cstore/programs/${programId}/locations`, {
        name: o.name ?? `Store ${outlet}`,
        address: '1 Main St, Springfield',
        timeZone: 'America/New_York',
        posSystem: o.posSystem ?? 'passport',
        outletIds: { rjr: outlet },
        autoAccept: o.autoAccept ?? false,
      });
      if (loc.statusCode !== 201) throw new Error(`location: ${loc.body}`);
      const locationId = (loc.json() as { id: string }).id;
      const lic = await api('POST', `/admin/v1/cstore/programs/${programId}/licenses`, { term: '1y' });
      const licenseId = (lic.json() as { id: string }[])[0]!.id;
      const a = await api('POST', `/admin/v1/cstore/licenses/${licenseId}/assign`, { locationId });
      if (a.statusCode !== 200) throw new Error(`assign: ${a.body}`);
      const s = await api('POST', `/admin/v1/cstore/locations/${locationId}/status`, { status: 'pilot' });
      if (s.statusCode !== 200) throw new Error(`status: ${s.body}`);
      return locationId;
    },
    nextDay() {
      sim.setDay(sim.day + 1);
      clock.advanceDays(1);
    },
    async close() {
      await app.close();
      await sim.close();
      if (!opts.db) await db.drop();
    },
  };
  return h;
}

/** Counts rows the review queue and register hold for a location, to prove nothing was lost. */
export async function snapshot(h: CstoreHarness, locationId: string) {
  const changes = await h.db.kysely
    .selectFrom('promotion_changes')
    .select(['id', 'status', 'after'])
    .where('location_id', '=', locationId)
    .orderBy('id')
    .execute();
  const register = await h.db.kysely
    .selectFrom('location_promotions')
    .select(['external_id', 'promotion'])
    .where('location_id', '=', locationId)
    .orderBy('external_id')
    .execute();
  const batches = await h.db.kysely.selectFrom('update_batches').select(['id', 'state']).where('location_id', '=', locationId).orderBy('id').execute();
  return { changes, register, batches };
}
