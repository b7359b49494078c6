import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import { type Command, Option } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { createDb } from '../adapters/db/database.ts';
import { migrateToLatest } from '../adapters/db/migrator.ts';
import { locationsByIds } from '../adapters/db/repositories/locations.repository.ts';
import { JOURNAL_FORMATS } from '../adapters/scandata/journal/formats.ts';
import type { ImportReject, JournalImportSummary } from '../app/cstore/journal-import.service.ts';
import { SCAN_DATA_MANUFACTURERS } from '../app/cstore/scandata.service.ts';
import { silentLogger } from '../app/ports/logger.ts';
import { loadConfig } from '../config.ts';
import { isDate } from '../domain/calendar.ts';
import { SCAN_DATA_FORMATS } from '../adapters/scandata/formats.ts';
import { fileLines, type ValidationReport } from '../adapters/scandata/validation.ts';
import { AppError } from '../errors.ts';

/**
 * `tillpoint scandata …`: weekly manufacturer scan-data files. `validate` checks a file — made by
 * Tillpoint or elsewhere — against every rule of its format and exits 1 when it breaks any.
 *
 * @example
 * npx tillpoint scandata validate 700123_20261207_0930_Main_St.txt --format rjr --week 2026-11-30
 * npx tillpoint scandata validate altria.txt --format altria --json
 * npx tillpoint scandata generate --manufacturer rjr --week 2026-11-30 --out ./out
 * npx tillpoint scandata import journal.csv --format csv --rejects rejects.csv
 */

/** The summary `scandata import` prints: counts, then the first rejects with their rows. */
export function importSummaryText(s: JournalImportSummary, shown = 20): string {
  const lines = [
    `baskets: ${s.baskets.imported} imported, ${s.baskets.replayed} already recorded, ${s.baskets.rejected} rejected`,
    `lines:   ${s.lines.imported} imported, ${s.lines.replayed} already recorded, ${s.lines.rejected} rejected`,
  ];
  if (s.skipped) lines.push(`skipped: ${s.skipped} (no sale: training mode, voided transactions, fuel only …)`);
  for (const r of s.rejects.slice(0, shown)) lines.push(`  row ${r.row}${r.transactionId ? ` (transaction ${r.transactionId})` : ''}: ${r.reason}`);
  if (s.rejectCount > shown) lines.push(`  … and ${s.rejectCount - shown} more rejects (--rejects FILE.csv writes them all)`);
  return lines.join('\n') + '\n';
}

/** The violations as a table, then a summary line. */
export function violationTable(report: ValidationReport, shown = 50): string {
  const lines: string[] = [];
  if (report.violationCount > 0) {
    // no rule between rows: one violation per line unless its message wraps
    const table = new Table({
      head: ['row', 'field', 'code', 'message', 'value'],
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
      style: { head: [], border: [] },
      colWidths: [8, 30, 24, 64, 22],
      wordWrap: true,
    });
    for (const v of report.violations.slice(0, shown)) table.push([String(v.row), v.field ?? '', v.code, v.message, v.value ?? '']);
    lines.push(table.toString());
    if (report.violationCount > shown) lines.push(`… and ${report.violationCount - shown} more (use --json for the first ${report.violations.length})`);
    lines.push(
      `by code: ${Object.entries(report.byCode)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ')}`,
    );
  }
  const week = report.week ? `, week ${report.week.start} – ${report.week.end}` : '';
  lines.push(
    `${report.format}: ${report.rows} rows${week}: ${report.ok ? 'valid' : `${report.violationCount} violation${report.violationCount === 1 ? '' : 's'}`}`,
  );
  return lines.join('\n') + '\n';
}

/** An RJR file name starts with the account number: `{accountNumber}_{YYYYMMDD_HHMM}_{retailer}.txt`. */
export function accountFromFileName(file: string): string | undefined {
  return /^([^_]+)_\d{8}_\d{4}_/.exec(basename(file))?.[1];
}

export function registerScandataCommands(program: Command): void {
  const scandata = program.command('scandata').description('weekly manufacturer scan-data files (RJR, Altria) and the POS journals they are made from');
  scandata
    .command('import')
    .description(
      'import a POS journal (CSV or NAXML POSJournal) into c-store sales, streamed; bad rows are rejected with their row and reason while the rest import; ' +
        're-importing a file changes nothing. Exit code 0 when nothing was rejected, 1 when something was, 2 on a usage error',
    )
    .argument('<file>', 'the journal file')
    .addOption(new Option('--format <format>', 'the journal format').choices([...JOURNAL_FORMATS.keys()]).makeOptionMandatory())
    .option('--location <id>', 'the location of every basket (NAXML: required; CSV: for a file without a location column)')
    .option('--rejects <file.csv>', 'write every reject (row, transaction, reason) to this CSV file')
    .option('--json', 'print the summary as JSON')
    .addOption(new Option('--database <url>', 'sqlite:PATH or postgres://… (default: TILLPOINT_DATABASE_URL or sqlite:./data/tillpoint.db)'))
    .action(async (file: string, opts: { format: string; location?: string; rejects?: string; json?: boolean; database?: string }) => {
      if (!existsSync(file)) throw new AppError('ValidationError', `no file ${file}`);
      const format = JOURNAL_FORMATS.get(opts.format)!;
      if (format.id === 'naxml' && !opts.location)
        throw new AppError('ValidationError', '--location is required for a NAXML journal (it names no Tillpoint location)');
      const config = loadConfig(opts);
      const db = createDb(config.databaseUrl);
      try {
        await migrateToLatest(db);
        if (opts.location && !(await locationsByIds(db.kysely, [opts.location])).length) throw new AppError('LocationNotFound', `no location ${opts.location}`);
        const { createCstore } = await import('../server.ts'); // the composition root only when the command runs
        const cstore = createCstore(db, config, { log: silentLogger });
        const size = statSync(file).size;
        const bar = new cliProgress.SingleBar(
          {
            format: 'import |{bar}| {percentage}% | {read} of {size} MiB | {eta_formatted} left',
            hideCursor: true,
            stream: process.stderr,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
        bar.start(size, 0, { read: mib(0), size: mib(size) });
        let read = 0;
        async function* counted(): AsyncGenerator<Buffer> {
          for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
            read += chunk.length;
            bar.update(read, { read: mib(read) });
            yield chunk;
          }
        }
        const rejectsOut = opts.rejects ? createWriteStream(opts.rejects) : null;
        rejectsOut?.write(stringify([['row', 'transaction', 'reason']]));
        const onReject = (r: ImportReject) => rejectsOut?.write(stringify([[r.row, r.transactionId ?? '', r.reason]]));
        let summary: JournalImportSummary;
        try {
          summary = await cstore.journal.import(format.read(counted()), { locationId: opts.location, fieldNames: format.fieldNames, onReject });
        } finally {
          bar.stop();
          if (rejectsOut) {
            rejectsOut.end();
            await finished(rejectsOut);
          }
        }
        process.stdout.write(opts.json ? JSON.stringify(summary, null, 2) + '\n' : importSummaryText(summary));
        if (summary.rejectCount > 0) process.exitCode = 1;
      } finally {
        await db.close();
      }
    });
  scandata
    .command('validate')
    .description('check a scan-data file against every rule of its format; prints each violation with its row and field, exit code 1 when there is any')
    .argument('<file>', 'the file to check')
    .addOption(new Option('--format <format>', 'the file format').choices([...SCAN_DATA_FORMATS.keys()]).makeOptionMandatory())
    .option('--week <date>', 'any date of the week the file must cover, YYYY-MM-DD (default: the week of its first row)')
    .option('--account <number>', 'the account number (RJR: read from the file name when absent) — outlet numbers must differ from it')
    .addOption(
      new Option('--date-separator <sep>', "RJR: require this separator before the time in transactiondate (default: '-' or a space)").choices(['-', 'space']),
    )
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: { format: string; week?: string; account?: string; dateSeparator?: '-' | 'space'; json?: boolean }) => {
      if (opts.week !== undefined && !isDate(opts.week)) throw new AppError('ValidationError', `--week "${opts.week}" is not a date YYYY-MM-DD`);
      if (!existsSync(file)) throw new AppError('ValidationError', `no file ${file}`);
      const format = SCAN_DATA_FORMATS.get(opts.format)!;
      const report = await format.validate(fileLines(file), {
        week: opts.week,
        accountNumber: opts.account ?? (format.id === 'rjr' ? accountFromFileName(file) : undefined),
        dateSeparator: opts.dateSeparator === 'space' ? ' ' : opts.dateSeparator,
      });
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : violationTable(report));
      if (!report.ok) process.exitCode = 1;
    });

  scandata
    .command('generate')
    .description(
      "generate the week's file of every account of a manufacturer (or one): sales priced with the promotions accepted at sale time, validated; prints each file's path, exit code 1 when one fails validation",
    )
    .addOption(new Option('--manufacturer <m>', 'whose files').choices([...SCAN_DATA_MANUFACTURERS]).makeOptionMandatory())
    .requiredOption('--week <date>', 'any date of the week, YYYY-MM-DD (RJR Monday–Sunday, Altria Sunday–Saturday)')
    .option('--account <number>', 'only the account with this number')
    .option('--out <dir>', 'write the files here (default: TILLPOINT_SCANDATA_DIR, where the admin API downloads them from)')
    .addOption(new Option('--database <url>', 'sqlite:PATH or postgres://… (default: TILLPOINT_DATABASE_URL or sqlite:./data/tillpoint.db)'))
    .action(async (opts: { manufacturer: string; week: string; account?: string; out?: string; database?: string }) => {
      if (!isDate(opts.week)) throw new AppError('ValidationError', `--week "${opts.week}" is not a date YYYY-MM-DD`);
      const config = loadConfig(opts);
      const db = createDb(config.databaseUrl);
      try {
        await migrateToLatest(db);
        const { createCstore } = await import('../server.ts');
        const cstore = createCstore(db, config);
        const accounts = await cstore.scanData.accountsFor({ manufacturer: opts.manufacturer, ...(opts.account ? { accountNumber: opts.account } : {}) });
        if (!accounts.length)
          throw new AppError(
            'NotFound',
            `no ${opts.manufacturer} scan-data account${opts.account ? ` ${opts.account}` : ''} (add one: POST /admin/v1/cstore/programs/{programId}/scandata/accounts)`,
          );
        const actor = { type: 'cli' as const, id: 'cli', name: 'tillpoint scandata generate' };
        for (const account of accounts) {
          const bar = new cliProgress.SingleBar(
            {
              format: `${account.manufacturer} ${account.account_number_mask} |{bar}| {value} rows`,
              hideCursor: true,
              stream: process.stderr,
              clearOnComplete: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(0, 0);
          try {
            const r = await cstore.scanData.generate(account.id, opts.week, actor, {
              ...(opts.out ? { outDir: opts.out } : {}),
              onProgress: (rows) => bar.update(rows),
            });
            bar.stop();
            const s = r.submission;
            process.stdout.write(`${r.path}\n`);
            process.stderr.write(
              `  ${s.manufacturer} week ${s.weekStart} – ${s.weekEnd}: ${s.rows} rows, ${s.transactions} transactions, ${s.outlets} outlets, ${s.state}${s.holdReason ? ` (${s.holdReason})` : ''}, due ${s.dueAt}\n`,
            );
            if (r.report && !r.report.ok) {
              process.stderr.write(violationTable(r.report));
              process.exitCode = 1;
            }
          } catch (e) {
            bar.stop();
            throw e;
          }
        }
      } finally {
        await db.close();
      }
    });
}
