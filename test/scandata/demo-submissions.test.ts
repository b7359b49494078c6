import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saleLinesOfWeek } from '../../src/adapters/db/repositories/cstore-sales.repository.ts';
import { scanDataPlugins } from '../../src/adapters/scandata/file-store.ts';
import { RJR_FIELDS } from '../../src/adapters/scandata/rjr.format.ts';
import type { Cstore } from '../../src/app/cstore/cstore.ts';
import { instantsBounding, loadPromotionsAt } from '../../src/app/cstore/promotion-history.ts';
import { DEMO_WEEK_LOCATIONS, type DemoWeekResult } from '../../src/demo/cstore-sales-week.ts';
import { priceSales } from '../../src/domain/scandata/stream.ts';
import { seedDemoWeekOn } from '../support/demo-week.ts';
import { ENGINES, type TestDb } from '../support/engines.ts';

// The demo week on its fixed "now" (test/support/demo-week.ts): Mon 30 Nov – Sun 6 Dec (RJR),
// Sun 29 Nov – Sat 5 Dec (Altria), with one promotion accepted mid-week (h31's demo week).
const BIN = new URL('../../bin/tillpoint.mjs', import.meta.url).pathname;
const CLI = { type: 'cli' as const, id: 'cli', name: 'test' };

/** Runs the CLI; resolves with its exit code and output (no timing). */
function cli(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += String(c)));
    p.stderr.on('data', (c: Buffer) => (stderr += String(c)));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const column = (name: (typeof RJR_FIELDS)[number]) => RJR_FIELDS.indexOf(name);

describe.each(ENGINES)('scan-data files of the demo week on %s', (engine) => {
  let db: TestDb;
  let cstore: Cstore;
  let seeded: DemoWeekResult;
  const dir = mkdtempSync(join(tmpdir(), 'tillpoint-demo-submissions-'));

  beforeAll(async () => {
    ({ db, cstore, seeded } = await seedDemoWeekOn(engine, { scanData: scanDataPlugins(join(dir, 'store')) }));
  }, 120_000);
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds an RJR and an Altria account for the demo chain', async () => {
    const program = (await db.kysely.selectFrom('programs').select('id').where('slug', '=', 'quickstop').executeTakeFirstOrThrow()).id;
    const accounts = await cstore.scanData.listAccounts(program);
    expect(accounts.map((a) => [a.manufacturer, a.accountNumber, a.outlets])).toEqual([
      ['rjr', '••••', null],
      ['altria', '••••', null],
    ]);
  });

  it('generates a valid RJR file whose buydowns are those of the promotions accepted at each sale, including the mid-week one', async () => {
    const [account] = await cstore.scanData.accountsFor({ manufacturer: 'rjr' });
    const r = await cstore.scanData.generate(account!.id, seeded.week.rjr.start, CLI);
    expect(r.report?.violations.slice(0, 3)).toEqual([]);
    expect(r.submission).toMatchObject({ state: 'generated', outlets: 2, weekStart: '2026-11-30', holdReason: null });
    // the file's buydowns and multipacks, against the week priced directly with the history
    const lines = readFileSync(r.path, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('|'));
    const cents = (v: string | undefined) => (v ? Math.round(Number(v) * 100) : 0);
    // amounts carry the quantity's sign in the file (a refund's are negative): quantity × |amount|
    const inFile = lines.reduce((s, f) => s + Number(f[column('quantity')]) * Math.abs(cents(f[column('manufacturerbuydownamt')])), 0);
    const { from, to } = instantsBounding(seeded.week.rjr.start, seeded.week.rjr.end);
    const at = await loadPromotionsAt(db.kysely, DEMO_WEEK_LOCATIONS, from, to);
    let priced = 0;
    let heldPromotionUnits = 0;
    const held = new Set(seeded.week.midWeek.map((m) => m.heldPromotionId));
    for await (const row of priceSales(
      saleLinesOfWeek(db.kysely, { locationIds: DEMO_WEEK_LOCATIONS, from: seeded.week.rjr.start, to: seeded.week.rjr.end }),
      at,
    )) {
      priced += row.quantity * (row.discounts.manufacturerBuydown?.perUnitCents ?? 0);
      if (Object.values(row.discounts).some((d) => d && held.has(d.promotionId))) heldPromotionUnits += row.quantity;
    }
    expect(inFile).toBeGreaterThan(0);
    expect(inFile).toBe(priced);
    expect(heldPromotionUnits).toBeGreaterThan(0); // the mid-week promotion reached the file, from its acceptance on
    expect(lines.length).toBe(r.submission.rows);
  });

  it('generates a valid Altria file of its Sunday–Saturday week', async () => {
    const [account] = await cstore.scanData.accountsFor({ manufacturer: 'altria' });
    const r = await cstore.scanData.generate(account!.id, seeded.week.altria.end, CLI);
    expect(r.report?.ok).toBe(true);
    expect(r.submission).toMatchObject({ state: 'generated', weekStart: '2026-11-29', weekEnd: '2026-12-05' });
    expect(readFileSync(r.path, 'utf8').split('\n')[0]).toMatch(/^\d+\|-?\d+\|-?\d+\.\d{2}\|QuickStop Demo LLC$/);
  });

  it('`tillpoint scandata generate` prints the path of each file it wrote, and exits 1 when one fails validation', async () => {
    // a second RJR account whose outlets have a PO box for an address: its file is written, reported and refused
    const program = (await db.kysely.selectFrom('programs').select('id').where('slug', '=', 'quickstop').executeTakeFirstOrThrow()).id;
    await cstore.scanData.createAccount(
      program,
      {
        manufacturer: 'rjr',
        accountNumber: '700101',
        retailerName: 'QuickStop PO',
        submitterName: 'QuickStop',
        outlets: DEMO_WEEK_LOCATIONS.map((locationId) => ({ locationId, address1: 'PO Box 12' })),
      },
      CLI,
    );
    const out = join(dir, 'out');
    const r = await cli(['scandata', 'generate', '--manufacturer', 'rjr', '--week', '2026-12-02', '--out', out, '--database', db.url], {
      TILLPOINT_SCANDATA_DIR: join(dir, 'store'),
    });
    const paths = r.stdout.trim().split('\n');
    expect(paths).toEqual([
      expect.stringMatching(new RegExp(`^${out}/700100_\\d{8}_\\d{4}_QuickStop\\.txt$`)),
      expect.stringMatching(new RegExp(`^${out}/700101_\\d{8}_\\d{4}_QuickStop_PO\\.txt$`)),
    ]);
    expect(r.stderr).toMatch(/rjr week 2026-11-30 – 2026-12-06: \d+ rows, \d+ transactions, 2 outlets, generated/);
    expect(r.stderr).toContain('po-box');
    expect(r.status).toBe(1);
    expect(readFileSync(paths[0]!, 'utf8').split('\n')[0]).toBe(RJR_FIELDS.join('|'));
  }, 120_000);
});
