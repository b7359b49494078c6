import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Static, TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { PricedLine } from '../../domain/scandata/pricing.ts';
import type { ScanWeek, WeekStart } from '../../domain/scandata/week.ts';
import type { ValidateOptions, ValidationReport } from './validation.ts';

/**
 * The weekly scan-data file of one manufacturer, as a plug-in: one object per format (RJR,
 * Altria …) with an id, typed options, its week, its file name, a streaming writer and the
 * validator for the same rules. Adding ITG is one more object in {@link SCAN_DATA_FORMATS}.
 */

/** A store as the manufacturer knows it. */
export interface ScanDataOutlet {
  locationId: string;
  /** the store's own number in this manufacturer's program — never the account number */
  outletNumber: string;
  name: string;
  address1: string;
  address2: string | null;
  city: string;
  /** two upper-case letters */
  state: string;
  /** 12345 or 12345-6789 */
  zip: string;
  phone: string | null;
  contactName: string | null;
  contactEmail: string | null;
}

/** The retailer's account at the manufacturer: one file per account and week. */
export interface ScanDataAccount {
  accountNumber: string;
  /** the retailer's name in the file name */
  retailerName: string;
  /** Altria's summary line: who submits */
  submitterName: string;
}

export interface WriteJob<O> {
  account: ScanDataAccount;
  /** the week to write; the writer's own kind (Monday–Sunday for RJR, Sunday–Saturday for Altria) */
  week: ScanWeek;
  /** the outlet of a location of this account */
  outlet: (locationId: string) => ScanDataOutlet | undefined;
  /**
   * The account's priced rows of the week, grouped by basket. A function, not an iterable: a
   * writer that needs totals before the rows (Altria's summary line) iterates it twice, so the I/O
   * part runs its query twice instead of holding the week in memory.
   */
  rows: () => AsyncIterable<PricedLine> | Iterable<PricedLine>;
  options: O;
}

export interface WriteSummary {
  /** data rows written */
  rows: number;
  /** signed sum of quantities */
  quantity: number;
  /** signed sum of quantity × final unit price, minor units */
  finalSalesCents: number;
  /** rows of the account not written because their local date is outside the week */
  outsideWeek: number;
}

export class ScanDataWriteError extends Error {}

export interface ScanDataFormat<S extends TObject = TObject> {
  /** stable id, used on the CLI (`--format rjr`) and in stored submissions */
  id: string;
  description: string;
  /** the manufacturer whose promotions count as "this manufacturer's" in the file */
  manufacturer: string;
  weekStart: WeekStart;
  /** the writer's options (TypeBox); defaults filled in by {@link formatOptions} */
  options: S;
  /** how many times `write` iterates `job.rows()` */
  passes: 1 | 2;
  /** the file name for an account, generated at a store-local date and time (YYYY-MM-DD, HH:MM) */
  fileName(account: ScanDataAccount, generatedAt: { date: string; time: string }): string;
  /** streams the file to `out` (honouring back-pressure); resolves when the last byte is handed over */
  write(job: WriteJob<Static<S>>, out: Writable): Promise<WriteSummary>;
  /** checks a file of this format, streaming, line by line */
  validate(lines: AsyncIterable<string> | Iterable<string>, opts?: ValidateOptions): Promise<ValidationReport>;
}

/** Types a format plug-in (keeps its options' static type). */
export function defineFormat<S extends TObject>(format: ScanDataFormat<S>): ScanDataFormat<S> {
  return format;
}

/** A format's options with defaults filled in; throws naming the field when one is wrong. */
export function formatOptions<S extends TObject>(format: ScanDataFormat<S>, input: unknown = {}): Static<S> {
  const value = Value.Default(format.options, Value.Clone(input ?? {}));
  const error = Value.Errors(format.options, value).First();
  if (error) throw new ScanDataWriteError(`${format.id} option ${error.path.slice(1) || '(root)'}: ${error.message}`);
  return value as Static<S>;
}

/**
 * Writes lines to a stream in chunks of about 64 KiB and waits for `drain` when the stream asks:
 * the file's size never sits in memory.
 */
export class LineSink {
  private buffer: string[] = [];
  private size = 0;
  constructor(
    private readonly out: Writable,
    private readonly chunk = 64 * 1024,
  ) {}

  async line(text: string): Promise<void> {
    this.buffer.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= this.chunk) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const data = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    if (!this.out.write(data)) await once(this.out, 'drain');
  }
}

/** Text for a pipe-delimited field: no pipes, no line breaks, trimmed. */
export function field(text: string | null | undefined): string {
  if (text === null || text === undefined) return '';
  return text.replace(/[|\r\n\t]+/g, ' ').trim();
}

/** A file-name-safe retailer name: letters and digits, other characters dropped, spaces as "_". */
export function fileNamePart(text: string): string {
  return (
    text
      .trim()
      .replace(/\s+/g, '_')
      .replace(/[^A-Za-z0-9_-]/g, '') || 'retailer'
  );
}
