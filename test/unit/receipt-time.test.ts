import { describe, expect, it } from 'vitest';
import { isReceiptCode, newReceiptCode, renderPresentation } from '../../src/domain/receipt.ts';
import { normalizeServiceMode } from '../../src/domain/service-mode.ts';
import { localTimeAt, parseLocalDateTime } from '../../src/domain/time.ts';
import { seededRandom } from '../support/fixtures.ts';

describe('receipts', () => {
  it('makes 16-character codes from the unambiguous alphabet', () => {
    const rnd = seededRandom(7);
    const codes = new Set(Array.from({ length: 1000 }, () => newReceiptCode(rnd)));
    expect(codes.size).toBe(1000);
    for (const c of codes) expect(isReceiptCode(c)).toBe(true);
    expect([...codes].join('')).not.toMatch(/[IO]/);
  });

  it('fills templates and leaves out lines whose figure is unknown', () => {
    const p = renderPresentation(
      { header: 'Royal Perks', pointsEarned: 'Earned: {pointsEarned}', totalPoints: 'Balance: {balance}', qrCode: '{claimUrl}' },
      { transactionId: 't', receiptCode: 'R', pointsEarned: 70, pointsRedeemed: 0, balance: null, claimUrl: 'https://x/r/R' },
    );
    expect(p).toEqual({ header: 'Royal Perks', pointsEarned: 'Earned: 70', qrCode: 'https://x/r/R' });
  });
});

describe('store-local time and service modes', () => {
  it('reads the wall clock of the store', () => {
    const t = localTimeAt(new Date('2026-11-26T03:30:00Z'), 'America/Los_Angeles');
    expect(t).toEqual({ date: '2026-11-25', time: '19:30', dayOfWeek: 3 });
  });

  it('takes x-user-datetime as the store wall clock, whatever offset it carries', () => {
    expect(parseLocalDateTime('2026-11-25T13:45:00-05:00')).toEqual({ date: '2026-11-25', time: '13:45', dayOfWeek: 3 });
    expect(parseLocalDateTime('2026-02-30T10:00:00')).toBeNull();
    expect(parseLocalDateTime('yesterday')).toBeNull();
  });

  it.each([
    ['Eatin', 'EAT_IN'],
    ['EAT_IN', 'EAT_IN'],
    ['drive-thru', 'DRIVE_THRU'],
    ['TAKEOUT', 'TAKEOUT'],
    ['Curbside', 'CURBSIDE'],
    ['rocket', null],
  ])('%s → %s', (text, mode) => expect(normalizeServiceMode(text)).toBe(mode));
});
