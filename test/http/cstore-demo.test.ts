import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSTORE_DEMO_FREE_LICENSE, CSTORE_DEMO_LOCATIONS, demoAgentToken, seedCstoreDemo } from '../../src/demo/cstore-seed.ts';
import { summaryTable, syncMany, syncTargets } from '../../src/cli/cstore.commands.ts';
import { ENGINES } from '../support/engines.ts';
import { BASE_DATE, type CstoreHarness, cstoreHarness } from '../support/cstore.ts';
import { seedDemoSalesWeek } from '../../src/demo/cstore-sales-week.ts';
import { startRjrSimulator } from '../../src/simulators/rjr/simulator.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCAN_DATA_FORMATS } from '../../src/adapters/scandata/formats.ts';
import { scanDataPlugins } from '../../src/adapters/scandata/file-store.ts';
import { textLines } from '../../src/adapters/scandata/validation.ts';

// The harness's simulator (test/support/cstore.ts), moved to a past day for the demo week.
const SIM = { seed: 'cstore-tests', outlets: 8, promotionsPerOutlet: 30, baseDate: BASE_DATE, changeRate: 0.2 };

/** docs/cstore.md, step by step, against the seeded `quickstop` chain. */
describe.each(ENGINES)('the c-store newcomer walkthrough on %s', (engine) => {
  let h: CstoreHarness;
  const [main, route9, harbor] = CSTORE_DEMO_LOCATIONS.map((l) => l.id) as [string, string, string];
  const A = '/admin/v1/cstore';
  const files = mkdtempSync(join(tmpdir(), 'tillpoint-cstore-demo-'));
  beforeAll(async () => {
    h = await cstoreHarness(engine);
    h.cstore.deps.scanData = scanDataPlugins(files);
  });
  afterAll(async () => {
    await h.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('seeds once, idempotently, and follows the simulator to another port', async () => {
    const first = await seedCstoreDemo(h.cstore, h.sim.url, h.clock.now);
    // The demo week of sales at #102 and #103 leaves every location off, for the walkthrough below.
    const week = await seedDemoSalesWeek(h.cstore, {
      now: h.clock.now,
      simulatorAt: (at) => startRjrSimulator({ ...SIM, day: Math.max(0, Math.floor((at.getTime() - Date.parse(`${BASE_DATE}T00:00:00Z`)) / 86_400_000)) }),
    });
    expect(week).toMatchObject({ seeded: true, week: { rjr: { start: '2026-11-23', end: '2026-11-29' } } });
    const again = await seedCstoreDemo(h.cstore, 'http://127.0.0.1:4999', h.clock.now);
    expect([first.created, again.created]).toEqual([true, false]);
    expect(again.info.locations.map((l) => [l.id, l.status])).toEqual(CSTORE_DEMO_LOCATIONS.map((l) => [l.id, 'off']));
    expect(again.info.locations.find((l) => l.id === main)!.license).toBe('none');
    expect((await h.cstore.enrollments.get(first.info.program.id)).baseUrl).toBe('http://127.0.0.1:4999');
    await seedCstoreDemo(h.cstore, h.sim.url, h.clock.now);
  });

  it('license, pilot, sync, review, accept, download, acknowledge as the agent, roll out', async () => {
    expect((await h.api('POST', `${A}/licenses/${CSTORE_DEMO_FREE_LICENSE}/assign`, { locationId: main })).statusCode).toBe(200);
    expect((await h.api('POST', `${A}/locations/${main}/status`, { status: 'pilot' })).json().integrationStatus).toBe('pilot');

    // `tillpoint sync rjr --location <id>` does this, with a progress bar and this table.
    const targets = await syncTargets(h.cstore, { location: [main] });
    const runs = await syncMany(h.cstore, targets, { trigger: 'cli', concurrency: 2 });
    expect(runs[0]).toMatchObject({ status: 'succeeded', trigger: 'cli' });
    expect(summaryTable(targets, runs)).toMatch(/QuickStop #101 Main St\s+succeeded/);

    const pending = (await h.api('GET', `${A}/locations/${main}/changes`)).json() as { id: string }[];
    expect(pending.length).toBe(runs[0]!.added);
    const accepted = await h.api('POST', `${A}/locations/${main}/changes/accept`, { all: true });
    const batchId = accepted.json().batch.id as string;
    const file = await h.api('GET', `${A}/batches/${batchId}/content`);
    expect(file.body).toContain('<NAXML-MaintenanceRequest');

    const agent = { authorization: `Bearer ${demoAgentToken(main)}` };
    const queue = await h.app.inject({ method: 'GET', url: '/agent/v1/batches', headers: agent });
    expect(queue.json().batches.map((b: { id: string }) => b.id)).toEqual([batchId]);
    expect((await h.app.inject({ method: 'GET', url: `/agent/v1/batches/${batchId}`, headers: agent })).body).toBe(file.body);
    const ack = await h.app.inject({ method: 'POST', url: `/agent/v1/batches/${batchId}/ack`, headers: agent, payload: { status: 'success' } });
    expect(ack.json().state).toBe('acknowledged');

    const programId = (await h.api('GET', `${A}/locations/${main}`)).json().programId as string;
    const rollout = (await h.api('POST', `${A}/programs/${programId}/rollout`)).json();
    expect(rollout.turnedLive.sort()).toEqual([main, route9, harbor].sort());
    // `sync rjr --all --program quickstop` now covers the whole chain.
    expect((await syncTargets(h.cstore, { all: true, program: 'quickstop' })).map((t) => t.id).sort()).toEqual([main, route9, harbor].sort());
  });

  it('ends with the week’s RJR and Altria files from the admin API: generated, valid, downloaded, submitted', async () => {
    const programId = (await h.api('GET', `${A}/locations/${main}`)).json().programId as string;
    const accounts = (await h.api('GET', `${A}/programs/${programId}/scandata/accounts`)).json() as { id: string; manufacturer: string }[];
    expect(accounts.map((a) => a.manufacturer)).toEqual(['rjr', 'altria']);
    for (const account of accounts) {
      const r = await h.api('POST', `${A}/programs/${programId}/scandata/submissions`, { accountId: account.id, week: '2026-11-25' });
      expect(r.statusCode, r.body).toBe(201);
      const s = r.json() as { id: string; state: string; fileName: string; outlets: number; validation: { ok: boolean } };
      expect(s).toMatchObject({ state: 'generated', outlets: 2, validation: { ok: true } });
      const file = await h.api('GET', `${A}/scandata/submissions/${s.id}/file`);
      expect(file.headers['content-disposition']).toContain(s.fileName);
      const report = await SCAN_DATA_FORMATS.get(account.manufacturer)!.validate(textLines(file.body));
      expect(report.ok).toBe(true);
      expect((await h.api('POST', `${A}/scandata/submissions/${s.id}/submitted`)).json()).toMatchObject({ state: 'submitted' });
    }
    const list = (await h.api('GET', `${A}/programs/${programId}/scandata/submissions?week=2026-11-25`)).json() as { items: { status: string }[] };
    expect(list.items.map((i) => i.status)).toEqual(['submitted', 'submitted']);
  });
});
