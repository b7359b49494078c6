import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/tillpoint.mjs', import.meta.url).pathname;
const GOLDEN = new URL('./golden/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tillpoint-scandata-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'scandata', 'validate', ...args], { encoding: 'utf8' });

describe('tillpoint scandata validate', () => {
  it('says a good RJR file is valid and exits 0', () => {
    const file = join(dir, '700123_20261207_0930_Main_St_Fuels.txt');
    writeFileSync(file, readFileSync(join(GOLDEN, 'rjr-week.txt')));
    const r = run(file, '--format', 'rjr', '--week', '2026-11-30');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('rjr: 7 rows, week 2026-11-30 – 2026-12-06: valid');
    expect(r.status).toBe(0);
  });

  it('prints a table of violations with row and field and exits 1; the account number comes from the file name', () => {
    const file = join(dir, '1042_20261207_0930_Main_St_Fuels.txt');
    const lines = readFileSync(join(GOLDEN, 'rjr-week.txt'), 'utf8').split('\n');
    lines[2] = lines[2]!.replace('|NC|27101|', '|nc|27101|');
    writeFileSync(file, lines.join('\n'));
    const r = run(file, '--format', 'rjr');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/│ 3\s+│ state\s+│ state/);
    // account 1042 (from the name) is also every row's outlet number
    expect(r.stdout).toMatch(/outlet-is-account 7/);
    expect(r.stdout).toContain('rjr: 7 rows, week 2026-11-30 – 2026-12-06: 8 violations');
  });

  it('reports as JSON for an Altria file', () => {
    const file = join(dir, 'altria.txt');
    writeFileSync(file, readFileSync(join(GOLDEN, 'altria-week.txt'), 'utf8').replace(/^7\|/, '9|'));
    const r = run(file, '--format', 'altria', '--json');
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { violations: { row: number; field: string; code: string }[] };
    expect(report.violations).toEqual([expect.objectContaining({ row: 1, field: 'recordCount', code: 'summary' })]);
  });

  it('refuses a week that is not a date, naming the option', () => {
    const r = run(join(GOLDEN, 'rjr-week.txt'), '--format', 'rjr', '--week', '2026-13-01');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--week "2026-13-01" is not a date YYYY-MM-DD');
  });
});
