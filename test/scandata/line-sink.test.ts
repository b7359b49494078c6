import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { rjrFormat } from '../../src/adapters/scandata/rjr.format.ts';
import { formatOptions, LineSink } from '../../src/adapters/scandata/writer.ts';
import { weekContaining } from '../../src/domain/scandata/week.ts';
import { ACCOUNT } from './builders.ts';
import { goldenRows } from './golden-week.ts';

/** A stream that holds its first chunk until `release()`, then takes the rest at once. */
function slowStream() {
  const chunks: string[] = [];
  let pending: (() => void) | null = null;
  const out = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      if (chunks.length === 1) pending = done;
      else done();
    },
  });
  return { out, chunks, release: () => pending?.() };
}

describe('streaming a file', () => {
  it('waits for the stream to drain instead of buffering the file', async () => {
    const { out, chunks, release } = slowStream();
    const sink = new LineSink(out, 8);
    let second = false;
    await sink.line('first line'); // over the chunk size: handed to the stream, which holds it
    const next = sink.line('second line').then(() => (second = true)); // the stream is over its mark: wait
    await new Promise(setImmediate); // every pending microtask has run: only a drain can settle it now
    expect(second).toBe(false);
    expect(out.writableNeedDrain).toBe(true);
    release();
    await next;
    expect(second).toBe(true);
    expect(chunks).toEqual(['first line\n', 'second line\n']);
  });

  it('refuses a row of a location the account has no outlet for', async () => {
    const out = new Writable({ write: (_c, _e, done) => done() });
    await expect(
      rjrFormat.write(
        { account: ACCOUNT, week: weekContaining('2026-12-01', 'monday'), outlet: () => undefined, rows: goldenRows, options: formatOptions(rjrFormat) },
        out,
      ),
    ).rejects.toThrow(/no outlet of account 700123 for location loc-1/);
  });
});
