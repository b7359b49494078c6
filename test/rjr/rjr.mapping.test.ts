import { describe, expect, it } from 'vitest';
import { isCalendarDate, mapRecord, readErrorReason, readPage, readToken, type RjrPromotionRecord } from '../../src/adapters/manufacturers/rjr/rjr.mapping.ts';

function aRecord(overrides: Record<string, unknown> = {}): RjrPromotionRecord {
  return {
    promotionId: 'RJD-1',
    promotionType: 'BUYDOWN',
    description: 'Camel Crush $0.75 off per pack',
    brand: 'Camel',
    upcs: ['012300000017', '026100000016'],
    startDate: '2026-12-01',
    endDate: '2026-12-31',
    discountAmount: '0.75',
    quantity: null,
    maxPerTransaction: 5,
    status: 'ACTIVE',
    lastModified: '2026-11-20T06:00:00Z',
    ...overrides,
  } as RjrPromotionRecord;
}

const reason = (raw: unknown) => {
  const r = mapRecord(raw);
  return 'rejected' in r ? r.rejected.reason : null;
};

describe('mapRecord', () => {
  it('maps a buydown into a Promotion with cents, sorted UPCs and quantity 1', () => {
    expect(mapRecord(aRecord({ upcs: ['026100000016', '012300000017', '012300000017'] }))).toEqual({
      ok: {
        manufacturer: 'rjr',
        externalId: 'RJD-1',
        type: 'buydown',
        description: 'Camel Crush $0.75 off per pack',
        brand: 'Camel',
        upcs: ['012300000017', '026100000016'],
        startDate: '2026-12-01',
        endDate: '2026-12-31',
        amountCents: 75,
        quantity: 1,
        maxPerTransaction: 5,
        status: 'active',
        lastModified: '2026-11-20T06:00:00Z',
      },
    });
  });

  it('maps a mix-and-match into a multipack and normalizes EAN-13/GTIN-14 codes', () => {
    const r = mapRecord(
      aRecord({
        promotionType: 'MIX_AND_MATCH',
        quantity: 2,
        discountAmount: '1.00',
        upcs: ['0012300000017', '00026100000016'],
        status: 'CANCELLED',
        brand: null,
        maxPerTransaction: undefined,
      }),
    );
    expect('ok' in r && r.ok).toMatchObject({
      type: 'multipack',
      quantity: 2,
      amountCents: 100,
      upcs: ['012300000017', '026100000016'],
      status: 'cancelled',
      brand: null,
      maxPerTransaction: null,
    });
  });

  it.each([
    ['0.50', 50],
    ['4.35', 435],
    ['10', 1000],
    ['0.1', 10],
    ['1.250', 125],
    [2.3, 230],
  ])('parses the amount %j exactly as %i cents', (amount, cents) => {
    const r = mapRecord(aRecord({ discountAmount: amount }));
    expect('ok' in r && r.ok.amountCents).toBe(cents);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a wrong check digit', { upcs: ['012300000017', '026100000017'] }, 'upcs[1] "026100000017" UPC-A check digit is 7, expected 6'],
    [
      'an EAN-13 outside the US',
      { upcs: ['4006381333931'] },
      'upcs[0] "4006381333931" EAN-13 outside the US/Canada range (leading digit not 0) has no UPC-A form',
    ],
    ['no UPCs', { upcs: [] }, 'upcs is empty'],
    ['a numeric UPC', { upcs: [12300000017] }, 'upcs[0] 12300000017 must be a string of digits'],
    ['a misspelt amount', { discountAmount: '0.5O' }, 'discountAmount "0.5O" must be a decimal amount like "5.00"'],
    ['fractions of a cent', { discountAmount: '0.505' }, 'discountAmount "0.505" has more than 2 decimal places'],
    ['a zero amount', { discountAmount: '0.00' }, 'discountAmount must be more than zero, got "0.00"'],
    ['a negative amount', { discountAmount: '-0.50' }, 'discountAmount must be more than zero, got "-0.50"'],
    ['dollars sent as cents', { discountAmount: '150.00' }, 'discountAmount "150.00" is more than $100'],
    ['a missing amount', { discountAmount: undefined }, 'discountAmount is missing'],
    ['an impossible date', { startDate: '2026-02-30' }, 'startDate "2026-02-30" is not a date YYYY-MM-DD'],
    ['a date-time', { endDate: '2026-12-31T23:59:59Z' }, 'endDate "2026-12-31T23:59:59Z" is not a date YYYY-MM-DD'],
    ['an end before the start', { endDate: '2026-11-30' }, 'endDate 2026-11-30 is before startDate 2026-12-01'],
    ['an unknown type', { promotionType: 'BOGO' }, 'promotionType "BOGO" is not BUYDOWN or MIX_AND_MATCH'],
    ['an unknown status', { status: 'PAUSED' }, 'status "PAUSED" is not ACTIVE or CANCELLED'],
    ['a mix-and-match without quantity', { promotionType: 'MIX_AND_MATCH', quantity: null }, 'quantity is missing for MIX_AND_MATCH'],
    ['a mix-and-match of one', { promotionType: 'MIX_AND_MATCH', quantity: 1 }, 'quantity of a MIX_AND_MATCH must be at least 2'],
    ['a fractional quantity', { promotionType: 'MIX_AND_MATCH', quantity: 2.5 }, 'quantity must be a whole number'],
    ['a buydown of three', { quantity: 3 }, 'quantity of a BUYDOWN must be 1, got 3'],
    ['a zero limit', { maxPerTransaction: 0 }, 'maxPerTransaction must be between 1 and 999, got 0'],
    ['no description', { description: '  ' }, 'description is empty'],
    ['no id', { promotionId: '' }, 'promotionId is missing'],
  ])('rejects %s with the reason', (_name, overrides, why) => {
    expect(reason(aRecord(overrides))).toBe(why);
  });

  it('keeps the id and the raw record on a rejection', () => {
    const raw = aRecord({ discountAmount: 'free' });
    expect(mapRecord(raw)).toEqual({ rejected: { externalId: 'RJD-1', reason: expect.stringContaining('discountAmount'), raw } });
    expect(mapRecord('nope')).toEqual({ rejected: { externalId: null, reason: 'record is not an object', raw: 'nope' } });
  });
});

describe('page, token and error answers', () => {
  it('reads a page and says what is wrong with a bad one', () => {
    expect(readPage({ page: 1, pageSize: 100, totalPages: 2, promotions: [] })).toEqual({ page: 1, totalPages: 2, records: [] });
    expect(readPage({ page: 1, totalPages: 2 })).toEqual({ malformed: 'promotions is not a list' });
    expect(readPage([])).toEqual({ malformed: 'page is not a JSON object' });
  });

  it('reads a token answer', () => {
    expect(readToken({ access_token: 't', token_type: 'Bearer', expires_in: 3600 })).toEqual({ accessToken: 't', expiresInSeconds: 3600 });
    expect(readToken({ access_token: 't', token_type: 'mac', expires_in: 3600 })).toEqual({ malformed: 'token_type mac is not Bearer' });
    expect(readToken({ access_token: 't' })).toEqual({ malformed: 'token answer has no positive expires_in' });
  });

  it('prefers the error description', () => {
    expect(readErrorReason({ error: 'forbidden', error_description: 'Outlet has not authorized this provider' })).toBe(
      'Outlet has not authorized this provider',
    );
    expect(readErrorReason({ message: 'nope' })).toBe('nope');
    expect(readErrorReason('text')).toBeNull();
  });

  it('knows calendar dates', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
    expect(isCalendarDate('2026-04-31')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
  });
});
