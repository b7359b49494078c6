import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { altriaFormat } from '../src/adapters/scandata/altria.format.ts';
import { rjrFormat } from '../src/adapters/scandata/rjr.format.ts';
import { fileLines } from '../src/adapters/scandata/validation.ts';
import { formatOptions, type ScanDataFormat, type ScanDataOutlet } from '../src/adapters/scandata/writer.ts';
import { addDays } from '../src/domain/calendar.ts';
import { upcA } from '../src/domain/promotions/upc.ts';
import type { PricedLine } from '../src/domain/scandata/pricing.ts';
import type { PricingPromotion, SaleLine } from '../src/domain/scandata/sale-line.ts';
import { priceSales } from '../src/domain/scandata/stream.ts';
import { weekContaining } from '../src/domain/scandata/week.ts';
import { rng, table, writeResults } from './support.ts';

/**
 * A chain's scan-data week: ROWS priced tobacco rows across LOCATIONS locations, generated as a
 * stream (sale lines → priceSales → the writer), one RJR file for the account, then validated
 * from disk; the same for Altria (two passes). Wall time, CPU and peak RSS per phase. Nothing of
 * the week is held in memory: the targets are about that.
 */
const ROWS = Number(process.env.BENCH_SCANDATA_ROWS ?? 1_000_000);
const LOCATIONS = Number(process.env.BENCH_SCANDATA_LOCATIONS ?? 500);
const WITH_ALTRIA = process.env.BENCH_SCANDATA_ALTRIA !== '0';
const WEEK = weekContaining('2026-11-30', 'monday');
const TARGETS = { seconds: 60, peakRssMiB: 300 };

export const UPCS = Array.from({ length: 60 }, (_, i) => upcA(`0123000${String(1000 + i).padStart(4, '0')}`));
export const PROMOTIONS: PricingPromotion[] = [
  ...UPCS.slice(0, 20).map(
    (upc, i): PricingPromotion => ({
      manufacturer: 'rjr',
      externalId: `BD-${i}`,
      type: 'buydown',
      description: `BUYDOWN ${i} $0.50`,
      upcs: [upc],
      startDate: '2026-11-01',
      endDate: '2026-12-31',
      amountCents: 50,
      quantity: 1,
      maxPerTransaction: null,
      status: 'active',
      funding: 'manufacturer',
      loyaltyOnly: false,
    }),
  ),
  {
    manufacturer: 'rjr',
    externalId: 'MP-2',
    type: 'multipack',
    description: 'ANY 2 SAVE $1.00',
    upcs: UPCS.slice(0, 30),
    startDate: '2026-11-01',
    endDate: '2026-12-31',
    amountCents: 100,
    quantity: 2,
    maxPerTransaction: 5,
    status: 'active',
    funding: 'manufacturer',
    loyaltyOnly: false,
  },
  {
    manufacturer: 'rjr',
    externalId: 'LOY',
    type: 'buydown',
    description: 'REWARDS $0.25',
    upcs: UPCS.slice(10, 40),
    startDate: '2026-11-01',
    endDate: '2026-12-31',
    amountCents: 25,
    quantity: 1,
    maxPerTransaction: 2,
    status: 'active',
    funding: 'manufacturer',
    loyaltyOnly: true,
  },
  {
    manufacturer: 'rjr',
    externalId: 'OUT',
    type: 'multipack',
    description: 'STORE 3 FOR DEAL',
    upcs: UPCS.slice(30, 60),
    startDate: '2026-11-01',
    endDate: '2026-12-31',
    amountCents: 70,
    quantity: 3,
    maxPerTransaction: null,
    status: 'active',
    funding: 'outlet',
    loyaltyOnly: false,
  },
];

export const makeOutlet = (locationId: string): ScanDataOutlet => ({
  locationId,
  outletNumber: `S${locationId.slice(4)}`,
  name: `Store ${locationId.slice(4)}`,
  address1: `${locationId.slice(4)} Main St`,
  address2: null,
  city: 'Winston-Salem',
  state: 'NC',
  zip: '27101',
  phone: '3365550100',
  contactName: null,
  contactEmail: null,
});

const outlets = new Map<string, ScanDataOutlet>();
const outlet = (locationId: string) => outlets.get(locationId) ?? outlets.set(locationId, makeOutlet(locationId)).get(locationId)!;

/** Sale lines of the week, location by location, basket by basket (the order the I/O part's query gives). */
function* saleLines(): Generator<SaleLine> {
  const r = rng(20261130);
  for (let loc = 0; ; loc = (loc + 1) % LOCATIONS) {
    const locationId = `loc-${String(loc).padStart(4, '0')}`;
    for (let b = 0; b < 200; b++) {
      const localDate = addDays(WEEK.start, r(7));
      const localTime = `${String(6 + r(16)).padStart(2, '0')}:${String(r(60)).padStart(2, '0')}:${String(r(60)).padStart(2, '0')}`;
      const loyaltyId = r(7) === 0 ? `L-${r(100_000)}` : null;
      const n = 1 + r(3);
      for (let i = 1; i <= n; i++) {
        const upc = UPCS[r(UPCS.length)]!;
        yield {
          locationId,
          registerId: String(1 + r(3)),
          transactionId: `${localDate}-${b}`,
          lineNumber: i,
          soldAt: `${localDate}T${localTime}Z`,
          localDate,
          localTime,
          upc,
          description: `BRAND ${upc.slice(6, 11)} BOX`,
          unitOfMeasure: 'PACK',
          quantity: r(40) === 0 ? -1 : 1 + r(3),
          unitPriceCents: 799 + r(300),
          tender: 'cash',
          loyaltyId,
          ageVerification: 'scanned-id',
          category: 'cigarettes',
          coupon: r(50) === 0 ? { id: 'CPN', description: 'MFR COUPON $1', amountCents: 100 } : null,
        };
      }
    }
  }
}

/** The first ROWS priced rows. */
async function* pricedRows(): AsyncGenerator<PricedLine> {
  let n = 0;
  for await (const row of priceSales(saleLines(), () => PROMOTIONS)) {
    yield row;
    if (++n >= ROWS) return;
  }
}

interface Phase {
  phase: string;
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  rows: number;
  fileMiB?: number;
  violations?: number;
}

async function measure(phase: string, fn: () => Promise<{ rows: number; fileMiB?: number; violations?: number }>): Promise<Phase> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const out = await fn();
  const used = process.cpuUsage(cpu);
  const p: Phase = {
    phase,
    seconds: +((performance.now() - t0) / 1000).toFixed(2),
    cpuSeconds: +((used.user + used.system) / 1e6).toFixed(2),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    ...out,
  };
  process.stdout.write(`${phase}: ${p.seconds} s, ${p.rows} rows, peak RSS ${p.peakRssMiB} MiB\n`);
  return p;
}

async function writeFile(format: ScanDataFormat, file: string) {
  const out = createWriteStream(file);
  const week = weekContaining('2026-12-02', format.weekStart);
  const summary = await format.write(
    {
      account: { accountNumber: '700123', retailerName: 'Bench Fuels', submitterName: 'Bench Fuels LLC' },
      week,
      outlet,
      rows: pricedRows,
      options: formatOptions(format),
    },
    out,
  );
  out.end();
  await finished(out);
  return { rows: summary.rows, fileMiB: +(statSync(file).size / 2 ** 20).toFixed(1) };
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tillpoint-scandata-bench-'));
  const loadStart = loadavg()[0]!;
  const phases: Phase[] = [];
  try {
    const rjrFile = join(
      dir,
      rjrFormat.fileName({ accountNumber: '700123', retailerName: 'Bench Fuels', submitterName: '' }, { date: '2026-12-07', time: '09:00' }),
    );
    phases.push(await measure('RJR: generate, price, write', () => writeFile(rjrFormat as unknown as ScanDataFormat, rjrFile)));
    phases.push(
      await measure('RJR: validate the file', async () => {
        const report = await rjrFormat.validate(fileLines(rjrFile), { accountNumber: '700123' });
        return { rows: report.rows, violations: report.violationCount };
      }),
    );
    if (WITH_ALTRIA) {
      const altriaFile = join(dir, 'altria.txt');
      phases.push(await measure('Altria: price twice (totals, rows), write', () => writeFile(altriaFormat as unknown as ScanDataFormat, altriaFile)));
      phases.push(
        await measure('Altria: validate the file', async () => {
          const report = await altriaFormat.validate(fileLines(altriaFile), {});
          return { rows: report.rows, violations: report.violationCount };
        }),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const loadEnd = loadavg()[0]!;
  const rjrSeconds = phases[0]!.seconds + phases[1]!.seconds;
  const peak = Math.max(...phases.map((p) => p.peakRssMiB));
  const rjrPeak = Math.max(phases[0]!.peakRssMiB, phases[1]!.peakRssMiB);
  const md = [
    `${ROWS.toLocaleString('en-US')} priced tobacco rows across ${LOCATIONS} locations, one RJR account, generated as a stream (synthetic sale lines → priceSales with ${PROMOTIONS.length} promotions → writer → file on disk), then the file validated from disk. Altria the same, its writer iterating the rows twice (summary totals first).`,
    '',
    table(
      ['phase', 'wall time s', 'CPU s', 'peak RSS MiB (process so far)', 'rows', 'file MiB', 'violations'],
      phases.map((p) => [p.phase, p.seconds, p.cpuSeconds, p.peakRssMiB, p.rows, p.fileMiB ?? '', p.violations ?? '']),
    ),
    '',
    `Machine load average (1 min) at start ${loadStart.toFixed(2)}, at end ${loadEnd.toFixed(2)} — other work on the machine inflates wall times.`,
    '',
    `Targets (issue #12, 2 cores): RJR generated and validated in < ${TARGETS.seconds} s — ${rjrSeconds < TARGETS.seconds ? 'met' : 'NOT met'} (${rjrSeconds.toFixed(1)} s); peak RSS < ${TARGETS.peakRssMiB} MB — ${rjrPeak < TARGETS.peakRssMiB ? 'met' : 'NOT met'} (${rjrPeak} MiB for RJR, ${peak} MiB over the whole run).`,
    "The database part (reading the week's sales and accepted-promotion history) is not in this figure: it comes with the I/O part.",
    "Altria writes fewer rows: the synthetic week is Monday–Sunday, and Altria's Sunday–Saturday week leaves the last Sunday's rows out (counted as outside the week). CPU s is the bench process's own (generation included); wall time is inflated by the load above.",
  ].join('\n');
  const base = writeResults('scandata', { rows: ROWS, locations: LOCATIONS, loadStart, loadEnd, phases, targets: TARGETS }, md);
  process.stdout.write(`${md}\n\nwritten ${base}.md\n`);
}
