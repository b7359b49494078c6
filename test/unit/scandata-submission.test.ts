import { describe, expect, it } from 'vitest';
import { dueAt, holdReason, median, submissionStanding } from '../../src/domain/scandata/submission.ts';
import { weekContaining } from '../../src/domain/scandata/week.ts';
import { instantAt } from '../../src/domain/time.ts';

describe('scan-data submission deadlines and statuses', () => {
  it('RJR is due Wednesday 17:00 US Eastern after its Monday–Sunday week, in winter and in summer time', () => {
    expect(dueAt('rjr', weekContaining('2026-12-02', 'monday'))).toBe('2026-12-09T22:00:00.000Z'); // EST
    expect(dueAt('rjr', weekContaining('2026-07-01', 'monday'))).toBe('2026-07-08T21:00:00.000Z'); // EDT
  });

  it('follows the daylight-saving changes between the week and its deadline', () => {
    // the week ends Sunday 8 March 2026, the night summer time starts: Wednesday is EDT
    expect(dueAt('rjr', weekContaining('2026-03-04', 'monday'))).toBe('2026-03-11T21:00:00.000Z');
    // the week ends Sunday 1 November 2026, the night it ends: Wednesday is EST
    expect(dueAt('rjr', weekContaining('2026-10-28', 'monday'))).toBe('2026-11-04T22:00:00.000Z');
  });

  it('Altria is due Tuesday 17:00 US Eastern after its Sunday–Saturday week', () => {
    expect(dueAt('altria', weekContaining('2026-12-02', 'sunday'))).toBe('2026-12-08T22:00:00.000Z');
  });

  it('reads a wall clock in a zone as an instant', () => {
    expect(instantAt('2026-12-09', '17:00', 'America/New_York').toISOString()).toBe('2026-12-09T22:00:00.000Z');
    expect(instantAt('2026-07-08', '09:30', 'America/Los_Angeles').toISOString()).toBe('2026-07-08T16:30:00.000Z');
  });

  it('warns within 24 h of the deadline, is late after it, and keeps a late submission flagged', () => {
    const due = '2026-12-09T22:00:00.000Z';
    expect(submissionStanding('generated', due, new Date('2026-12-08T21:59:59Z'))).toEqual({ status: 'generated', late: false, warning: null });
    expect(submissionStanding('generated', due, new Date('2026-12-08T22:00:00Z')).warning).toMatch(/due within 24 h/);
    expect(submissionStanding('pending', due, new Date('2026-12-09T22:00:00Z'))).toMatchObject({ status: 'pending', late: false });
    expect(submissionStanding('held', due, new Date('2026-12-09T22:00:01Z'))).toMatchObject({
      status: 'late',
      late: true,
      warning: expect.stringMatching(/^late/),
    });
    expect(submissionStanding('submitted', due, new Date('2026-12-20T00:00:00Z'), '2026-12-09T21:00:00Z')).toEqual({
      status: 'submitted',
      late: false,
      warning: null,
    });
    expect(submissionStanding('submitted', due, new Date('2026-12-20T00:00:00Z'), '2026-12-10T09:00:00Z')).toMatchObject({ status: 'submitted', late: true });
  });

  it('holds a week when an expected outlet sold nothing, or transactions fall under the share of the trailing median', () => {
    const usual = { expectedOutlets: 2, outletsWithSales: 2, transactions: 100, trailing: [100, 90, 110, 100] };
    expect(holdReason(usual, 50)).toBeNull();
    expect(holdReason({ ...usual, outletsWithSales: 1 }, 50)).toMatch(/outlets 1 < 2/);
    expect(holdReason({ ...usual, transactions: 49 }, 50)).toBe('transactions 49 < 50 % of the trailing 4-week median 100');
    expect(holdReason({ ...usual, transactions: 50 }, 50)).toBeNull();
    expect(holdReason({ ...usual, transactions: 1 }, 0)).toBeNull(); // the rule off
    expect(holdReason({ ...usual, transactions: 1, trailing: [0, 0, 0, 0] }, 50)).toBeNull(); // no history, no rule
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
