import { describe, expect, it } from 'vitest';
import { ALTRIA_FIELDS, altriaFormat, finalSalesCents, lastSixDigits } from '../../src/adapters/scandata/altria.format.ts';
import { RJR_FIELDS, rjrFormat } from '../../src/adapters/scandata/rjr.format.ts';
import { textLines } from '../../src/adapters/scandata/validation.ts';
import { formatOptions } from '../../src/adapters/scandata/writer.ts';
import { ACCOUNT } from './builders.ts';
import { goldenRows } from './golden-week.ts';
import { writeToText } from './support.ts';

describe('RJR weekly file', () => {
  it('matches the golden file: header, 34 fields, per-unit amounts, negative void, Y/N flags', async () => {
    const { text, summary } = await writeToText(rjrFormat, goldenRows());
    await expect(text).toMatchFileSnapshot('./golden/rjr-week.txt');
    expect(summary).toEqual({ rows: 7, quantity: 7, finalSalesCents: 2 * 799 + 849 + 859 + 454 + 899 - 899 + 2 * 765, outsideWeek: 0 });
    const lines = textLines(text);
    expect(lines[0]).toBe(RJR_FIELDS.join('|'));
    expect(lines.every((l) => l.split('|').length === 34)).toBe(true);
    expect((await rjrFormat.validate(lines, { accountNumber: ACCOUNT.accountNumber, week: '2026-12-01' })).violations).toEqual([]);
  });

  it('writes the date separator the setting names', async () => {
    const { text } = await writeToText(rjrFormat, goldenRows().slice(0, 1), { options: { dateSeparator: ' ' } });
    expect(textLines(text)[1]!.split('|')[7]).toBe('2026-11-30 09:05:00');
    expect(() => formatOptions(rjrFormat, { dateSeparator: '/' })).toThrow(/dateSeparator/);
  });

  it('leaves out rows outside the Monday–Sunday week and counts them', async () => {
    const { summary } = await writeToText(rjrFormat, goldenRows(), { week: '2026-12-07' });
    expect(summary).toMatchObject({ rows: 0, outsideWeek: 7 });
  });

  it('names the file {accountNumber}_{YYYYMMDD_HHMM}_{retailer}.txt', () => {
    expect(rjrFormat.fileName(ACCOUNT, { date: '2026-12-07', time: '09:30' })).toBe('700123_20261207_0930_Main_St_Fuels.txt');
  });
});

describe('Altria weekly file', () => {
  it('matches the golden file: summary line first, 45 fields, WeekEndDate the Saturday', async () => {
    const { text } = await writeToText(altriaFormat, goldenRows());
    await expect(text).toMatchFileSnapshot('./golden/altria-week.txt');
    const lines = textLines(text);
    expect(lines[0]).toBe(`7|7|${((2 * 799 + 849 + 859 + 454 + 2 * 765) / 100).toFixed(2)}|Main St Fuels LLC`);
    expect(lines.slice(1).every((l) => l.split('|').length === ALTRIA_FIELDS.length)).toBe(true);
    expect(new Set(lines.slice(1).map((l) => l.split('|')[1]))).toEqual(new Set(['20261205']));
    expect((await altriaFormat.validate(lines, { week: '2026-12-01' })).violations).toEqual([]);
  });

  it('truncates FinalSalesPrice to whole cents and keeps the last 6 digits of a phone', () => {
    expect(finalSalesCents(3, 1234, 10)).toBe(370);
    expect(finalSalesCents(-3, 1234, 10)).toBe(-370);
    expect(lastSixDigits('+1 (336) 555-0199')).toBe('550199');
    expect(lastSixDigits('12345')).toBe('');
  });

  it('iterates the rows twice (totals, then rows) and refuses a source that changed in between', async () => {
    let calls = 0;
    const rows = goldenRows();
    const job = {
      account: ACCOUNT,
      week: { start: '2026-11-29', end: '2026-12-05' },
      outlet: () => undefined,
      rows: () => (++calls === 1 ? rows : rows.slice(1)),
      options: formatOptions(altriaFormat),
    };
    const { PassThrough } = await import('node:stream');
    const out = new PassThrough().resume();
    await expect(
      altriaFormat.write(
        {
          ...job,
          outlet: (id: string) => ({
            locationId: id,
            outletNumber: '1042',
            name: 'X',
            address1: '1 A St',
            address2: null,
            city: 'C',
            state: 'NC',
            zip: '27101',
            phone: null,
            contactName: null,
            contactEmail: null,
          }),
        },
        out,
      ),
    ).rejects.toThrow(/changed between/);
    expect(calls).toBe(2);
  });
});
