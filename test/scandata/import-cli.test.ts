import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { insertLocation } from '../../src/adapters/db/repositories/locations.repository.ts';
import { createProgram } from '../../src/app/provisioning.ts';
import { registerScandataCommands } from '../../src/cli/scandata.commands.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { locationRow } from '../support/locations.ts';

const BIN = new URL('../../bin/tillpoint.mjs', import.meta.url).pathname;
const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const AT = new Date('2026-11-01T00:00:00Z');
/** a test that spawns the CLI (a Node start, a migration check): generous on a shared 2-core machine */
const SPAWNS = 120_000;

/** `tillpoint scandata import …` in its own process (async: the test's database stays responsive). */
function run(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'scandata', 'import', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * The same command's action in this process, for what is about the import rather than the process
 * (its exit code and what reaches the terminal are the spawned runs' subject): what it prints to
 * stdout, and the exit code it sets.
 */
async function runHere(...args: string[]): Promise<{ exitCode: number | undefined; stdout: string }> {
  const program = new Command('tillpoint').exitOverride();
  registerScandataCommands(program);
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const exitCodeBefore = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['scandata', 'import', ...args], { from: 'user' });
    return { exitCode: process.exitCode as number | undefined, stdout };
  } finally {
    write.mockRestore();
    process.exitCode = exitCodeBefore;
  }
}

describe.each(ENGINES)('tillpoint scandata import on %s', (engine) => {
  let db: TestDb;
  const dir = mkdtempSync(join(tmpdir(), 'tillpoint-import-cli-'));
  const location = 'loc-cli-1';

  beforeAll(async () => {
    db = await openTestDb(engine);
    const programId = await createProgram(db.kysely, { slug: 'cli-chain', name: 'CLI chain' }, AT);
    await insertLocation(db.kysely, locationRow({ id: location, programId, name: 'CLI store' }));
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'imports a CSV journal, prints the summary and the rejects with their rows, writes them all to --rejects, exit code 1',
    async () => {
      const rejects = join(dir, 'rejects.csv');
      const r = await run(join(FIXTURES, 'journal.csv'), '--format', 'csv', '--location', location, '--database', db.url, '--rejects', rejects);
      expect(r.stdout).toContain('baskets: 4 imported, 0 already recorded, 2 rejected');
      expect(r.stdout).toContain('lines:   7 imported, 0 already recorded, 3 rejected');
      expect(r.stdout).toMatch(/row 7 \(transaction T-102\): upc .*check digit/);
      expect(r.status, r.stderr).toBe(1);
      expect(readFileSync(rejects, 'utf8').split('\n')).toEqual([
        'row,transaction,reason',
        expect.stringMatching(/^7,T-102,/),
        '8,T-103,"quantity ""two"" must be a whole number of units, at least 1 (the sign comes from kind)"',
        '',
      ]);
    },
    SPAWNS,
  );

  it('a second import of the same file changes nothing and says so', async () => {
    const r = await runHere(join(FIXTURES, 'journal.csv'), '--format', 'csv', '--location', location, '--database', db.url, '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ baskets: { imported: 0, replayed: 4, rejected: 2 } });
    expect(r.exitCode).toBe(1);
  });

  it('imports a NAXML POSJournal', async () => {
    const r = await runHere(join(FIXTURES, 'pos-journal.xml'), '--format', 'naxml', '--location', location, '--database', db.url);
    expect(r.stdout).toContain('baskets: 2 imported, 0 already recorded, 1 rejected');
    expect(r.stdout).toContain('skipped: 3');
  });

  it('refuses NAXML without --location before opening the database (a usage error)', async () => {
    await expect(runHere(join(FIXTURES, 'pos-journal.xml'), '--format', 'naxml', '--database', db.url)).rejects.toMatchObject({
      code: 'ValidationError',
      message: expect.stringContaining('--location is required for a NAXML journal'),
    });
  });

  it(
    'exits 2 on a usage error, saying why: an unknown location',
    async () => {
      const unknown = await run(join(FIXTURES, 'journal.csv'), '--format', 'csv', '--location', 'nowhere', '--database', db.url);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toContain('no location nowhere');
    },
    SPAWNS,
  );
});
