import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing } from '../../src/adapters/telemetry/tracing.ts';
import { loadConfig } from '../../src/config.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { EXPIRE_POINTS_JOB_ID, JOBS, RJR_SYNC_JOB_ID, SCANDATA_WEEKLY_JOB_ID } from '../../src/jobs/index.ts';
import { createRuntime, type Runtime } from '../../src/server.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { PARTNER_KEY } from '../support/fixtures.ts';

describe('the job registry', () => {
  it('lists every scheduled job once, by its exported id, each with a schedule', () => {
    expect(JOBS.map((j) => j.id)).toEqual([RJR_SYNC_JOB_ID, EXPIRE_POINTS_JOB_ID, SCANDATA_WEEKLY_JOB_ID]);
    for (const job of JOBS) expect(job.schedule.split(' ')).toHaveLength(5);
  });
});

describe.each(ENGINES)('the composition root on %s', (engine) => {
  let db: TestDb;
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ exporter, serviceName: 'tillpoint-root-test' });
  let runtime: Runtime;

  beforeAll(async () => {
    db = await openTestDb(engine);
    await seedDemo(db.kysely);
    runtime = await createRuntime(loadConfig({ database: db.url, port: 0 }, { TILLPOINT_SECRET_KEY: 'd'.repeat(64), TILLPOINT_SYNC_TIME: '04:30' }), {
      db,
      logger: false,
      tracing,
    });
  });
  afterAll(async () => {
    await runtime?.close();
    await tracing.shutdown();
    await db?.drop();
  });

  it('builds the c-store use cases from the config and hands them to the routes', async () => {
    expect(runtime.cstore.deps.config).toMatchObject({ defaultSyncTime: '04:30', secretKeyIsDevDefault: false });
    expect(runtime.cstore.deps.config.secrets.fingerprint()).toBe(runtime.secretKey.box.fingerprint());
    // the agent API answers through the runtime's Cstore: an unknown token is refused, not a 500
    const res = await runtime.app.inject({ method: 'GET', url: '/agent/v1/batches', headers: { authorization: 'Bearer tpagt_not-a-real-token' } });
    expect(res.statusCode).toBe(401);
  });

  it('starts webhook delivery and the scheduler with every job of the registry, and stops them on close', async () => {
    const { scheduler } = await runtime.startWorkers();
    expect(scheduler?.kind).toBe(engine === 'postgres' ? 'pg-boss' : 'croner');
    await scheduler!.trigger(EXPIRE_POINTS_JOB_ID);
    await scheduler!.trigger(RJR_SYNC_JOB_ID);
    // the demo program expires points after 180 days of inactivity: today's run is recorded
    expect(await db.kysely.selectFrom('expiry_runs').select('program_id').execute()).not.toHaveLength(0);
  });

  it('traces requests when tracing is on', async () => {
    exporter.reset();
    const res = await runtime.app.inject({
      method: 'POST',
      url: '/loyalty/identify',
      headers: { 'x-api-key': PARTNER_KEY },
      payload: { identifier: 'nobody', posVendor: { posType: 'Partner', storeId: '9999', terminal: '1', transactionId: 'T-1', operator: '7' } },
    });
    expect(res.statusCode).toBeLessThan(500);
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBeGreaterThan(0);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });
});

describe('the composition root with TILLPOINT_SCHEDULER=off', () => {
  it('starts no scheduled job', async () => {
    const runtime = await createRuntime(loadConfig({ database: 'sqlite::memory:' }, { TILLPOINT_SCHEDULER: 'off' }), { logger: false });
    try {
      expect(await runtime.startWorkers()).toEqual({ scheduler: null });
    } finally {
      await runtime.close();
    }
  });
});
