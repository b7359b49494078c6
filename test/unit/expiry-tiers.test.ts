import { describe, expect, it } from 'vitest';
import { expirationBuckets, type ExpiryLedgerEntry, expiryCutoff, pointsDue, validateExpiryPolicy } from '../../src/domain/expiry.ts';
import { pointsEarnedInWindow, tierFor, validateTierConfig } from '../../src/domain/tiers.ts';

const MONTHLY = { kind: 'monthly-buckets', months: 6 } as const;
const e = (kind: string, points: number, createdAt: string, transactionId: string | null = null): ExpiryLedgerEntry => ({
  kind,
  points,
  createdAt,
  transactionId,
});

describe('monthly-buckets expiry', () => {
  it('buckets credits by month; each expires on the first day of the seventh month after', () => {
    const buckets = expirationBuckets(
      [e('EARN', 100, '2026-01-15T12:00:00Z'), e('EARN', 50, '2026-02-10T12:00:00Z'), e('EARN', 25, '2026-02-20T12:00:00Z')],
      MONTHLY,
      new Date('2026-05-01T00:00:00Z'),
    );
    expect(buckets).toEqual([
      { points: 100, expiresAt: '2026-08-01T00:00:00.000Z', earnedMonth: '2026-01', due: false },
      { points: 75, expiresAt: '2026-09-01T00:00:00.000Z', earnedMonth: '2026-02', due: false },
    ]);
  });

  it('redemptions consume the oldest bucket first (FIFO), across buckets', () => {
    const ledger = [
      e('EARN', 100, '2026-01-15T12:00:00Z'),
      e('EARN', 50, '2026-02-10T12:00:00Z'),
      e('REDEEM', -120, '2026-03-01T12:00:00Z'),
      e('EARN', 40, '2026-03-01T12:00:00Z'),
    ];
    expect(expirationBuckets(ledger, MONTHLY, new Date('2026-04-01T00:00:00Z')).map((b) => [b.earnedMonth, b.points])).toEqual([
      ['2026-02', 30],
      ['2026-03', 40],
    ]);
  });

  it('a void takes the points back from the bucket its sale earned into', () => {
    const ledger = [
      e('EARN', 100, '2026-01-15T12:00:00Z', 't1'),
      e('EARN', 60, '2026-02-10T12:00:00Z', 't2'),
      e('VOID_EARN', -60, '2026-02-11T12:00:00Z', 't2'),
    ];
    expect(expirationBuckets(ledger, MONTHLY, new Date('2026-03-01T00:00:00Z')).map((b) => [b.earnedMonth, b.points])).toEqual([['2026-01', 100]]);
  });

  it('marks due buckets and an expiry leaves nothing due (a rerun writes nothing)', () => {
    const now = new Date('2026-08-01T03:00:00Z');
    const ledger = [e('EARN', 100, '2026-01-31T23:59:59Z'), e('EARN', 70, '2026-02-01T00:00:00Z'), e('REDEEM', -30, '2026-04-01T12:00:00Z')];
    const due = pointsDue(ledger, MONTHLY, now);
    expect(due.points).toBe(70);
    expect(due.buckets).toEqual([{ points: 70, expiresAt: '2026-08-01T00:00:00.000Z', earnedMonth: '2026-01', due: true }]);
    const after = [...ledger, e('EXPIRE', -70, now.toISOString())];
    expect(pointsDue(after, MONTHLY, now).points).toBe(0);
    expect(expirationBuckets(after, MONTHLY, now).map((b) => [b.earnedMonth, b.points])).toEqual([['2026-02', 70]]);
  });

  it('the buckets always sum to the balance', () => {
    const ledger = [
      e('ADJUST', 500, '2025-12-01T00:00:00Z'),
      e('EARN', 80, '2026-01-05T00:00:00Z'),
      e('REDEEM', -250, '2026-01-06T00:00:00Z'),
      e('VOID_REDEEM', 250, '2026-02-01T00:00:00Z'),
      e('REDEEM', -560, '2026-03-01T00:00:00Z'),
    ];
    const balance = ledger.reduce((s, x) => s + x.points, 0);
    expect(balance).toBe(20);
    const buckets = expirationBuckets(ledger, MONTHLY, new Date('2026-03-02T00:00:00Z'));
    expect(buckets.reduce((s, b) => s + b.points, 0)).toBe(balance);
    // 580 earned in Dec–Jan and 250 returned in February: the 810 spent take Dec, Jan, then 230 of Feb.
    expect(buckets.map((b) => [b.earnedMonth, b.points])).toEqual([['2026-02', 20]]);
  });

  it('ignores entries after now; the cutoff is the start of the month `months` back', () => {
    expect(expirationBuckets([e('EARN', 10, '2026-06-01T00:00:00Z')], MONTHLY, new Date('2026-05-01T00:00:00Z'))).toEqual([]);
    expect(expiryCutoff(MONTHLY, new Date('2026-08-15T10:00:00Z'))).toBe('2026-02-01T00:00:00.000Z');
  });
});

describe('inactivity expiry', () => {
  const POLICY = { kind: 'inactivity', days: 180 } as const;
  it('the whole balance expires N days after the last activity', () => {
    const ledger = [e('EARN', 100, '2026-01-10T12:00:00Z'), e('REDEEM', -40, '2026-02-01T12:00:00Z')];
    const activity = { lastActivityAt: '2026-02-01T12:00:00.000Z', createdAt: '2025-06-01T00:00:00.000Z' };
    expect(expirationBuckets(ledger, POLICY, new Date('2026-03-01T00:00:00Z'), activity)).toEqual([
      { points: 60, expiresAt: '2026-07-31T12:00:00.000Z', due: false },
    ]);
    expect(pointsDue(ledger, POLICY, new Date('2026-07-31T12:00:00Z'), activity).points).toBe(60);
  });
  it('a later manual credit restarts the clock; a guest without activity counts from sign-up', () => {
    const ledger = [e('ADJUST', 100, '2026-05-01T00:00:00Z')];
    expect(
      expirationBuckets(ledger, POLICY, new Date('2026-06-01T00:00:00Z'), {
        lastActivityAt: '2025-01-01T00:00:00.000Z',
        createdAt: '2024-01-01T00:00:00.000Z',
      })[0]!.expiresAt,
    ).toBe('2026-10-28T00:00:00.000Z');
    expect(
      expirationBuckets([e('ADJUST', 5, '2024-01-01T00:00:00Z')], POLICY, new Date('2024-02-01T00:00:00Z'), {
        lastActivityAt: null,
        createdAt: '2024-01-01T00:00:00.000Z',
      })[0]!.expiresAt,
    ).toBe('2024-06-29T00:00:00.000Z');
  });
  it('nothing for an empty balance; never for the none policy', () => {
    expect(
      expirationBuckets([e('EARN', 10, '2026-01-01T00:00:00Z'), e('EXPIRE', -10, '2026-07-01T00:00:00Z')], POLICY, new Date('2026-08-01T00:00:00Z')),
    ).toEqual([]);
    expect(expirationBuckets([e('EARN', 10, '2020-01-01T00:00:00Z')], { kind: 'none' }, new Date('2026-08-01T00:00:00Z'))).toEqual([
      { points: 10, expiresAt: null, due: false },
    ]);
  });
  it('validates policies', () => {
    expect(validateExpiryPolicy({ kind: 'inactivity', days: 180 })).toEqual([]);
    expect(validateExpiryPolicy({ kind: 'inactivity', days: 0 })).toEqual(['expiry.days: must be a whole number of days, 1 to 3660']);
    expect(validateExpiryPolicy({ kind: 'weekly' })).toEqual(['expiry.kind: must be inactivity, monthly-buckets or none']);
  });
});

describe('tiers', () => {
  const CONFIG = {
    windowDays: 365,
    tiers: [
      { name: 'Gold', minPoints: 5000 },
      { name: 'Member', minPoints: 0 },
      { name: 'Silver', minPoints: 1000 },
    ],
  };
  it('picks the highest tier reached and the next one up', () => {
    expect(tierFor(CONFIG, 1200)).toEqual({ name: 'Silver', minPoints: 1000, pointsInWindow: 1200, next: { name: 'Gold', minPoints: 5000, pointsToGo: 3800 } });
    expect(tierFor(CONFIG, 0)!.name).toBe('Member');
    expect(tierFor(CONFIG, 9999)).toMatchObject({ name: 'Gold', next: null });
    expect(tierFor({ windowDays: 30, tiers: [{ name: 'Gold', minPoints: 100 }] }, 99)).toBeNull();
    expect(tierFor(null, 100)).toBeNull();
  });
  it('counts points earned in the rolling window, net of reversals of those sales', () => {
    const now = new Date('2026-11-25T00:00:00Z');
    const ledger = [
      { kind: 'EARN', points: 500, createdAt: '2025-11-20T00:00:00Z', transactionId: 'old' },
      { kind: 'EARN', points: 300, createdAt: '2026-01-10T00:00:00Z', transactionId: 't1' },
      { kind: 'EARN', points: 200, createdAt: '2026-06-10T00:00:00Z', transactionId: 't2' },
      { kind: 'VOID_EARN', points: -80, createdAt: '2026-06-11T00:00:00Z', transactionId: 't2' },
      { kind: 'VOID_EARN', points: -500, createdAt: '2026-01-01T00:00:00Z', transactionId: 'old' },
      { kind: 'REDEEM', points: -250, createdAt: '2026-06-12T00:00:00Z', transactionId: 't3' },
    ];
    expect(pointsEarnedInWindow(ledger, 365, now)).toBe(420);
  });
  it('validates configurations', () => {
    expect(validateTierConfig(CONFIG)).toEqual([]);
    expect(
      validateTierConfig({
        windowDays: 0,
        tiers: [
          { name: 'A', minPoints: 1 },
          { name: 'A', minPoints: 1 },
        ],
      }),
    ).toEqual([
      'tiers.windowDays: must be a whole number of days, 1 to 3660',
      'tiers.tiers[1].name: "A" is listed twice',
      'tiers.tiers[1].minPoints: two tiers cannot start at the same points',
    ]);
  });
});
