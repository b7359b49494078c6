import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import Table from 'cli-table3';
import { type Command, Option } from 'commander';
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
 */

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
  const scandata = program.command('scandata').description('weekly manufacturer scan-data files (RJR, Altria)');
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
}
