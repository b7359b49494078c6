import { PassThrough } from 'node:stream';
import { formatOptions, type ScanDataFormat, type WriteSummary } from '../../src/adapters/scandata/writer.ts';
import type { PricedLine } from '../../src/domain/scandata/pricing.ts';
import { weekContaining } from '../../src/domain/scandata/week.ts';
import { ACCOUNT, anOutlet } from './builders.ts';

/** Writes `rows` in `format` for the builders' account and outlet; returns the file's text. */
export async function writeToText(
  format: ScanDataFormat,
  rows: readonly PricedLine[],
  opts: { week?: string; options?: unknown } = {},
): Promise<{ text: string; summary: WriteSummary }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const summary = await format.write(
    {
      account: ACCOUNT,
      week: weekContaining(opts.week ?? '2026-12-01', format.weekStart),
      outlet: (id) => anOutlet({ locationId: id, outletNumber: id === 'loc-1' ? '1042' : `20${id.replace(/\D/g, '')}` }),
      rows: () => rows,
      options: formatOptions(format, opts.options),
    },
    out,
  );
  out.end();
  return { text: Buffer.concat(chunks).toString('utf8'), summary };
}
