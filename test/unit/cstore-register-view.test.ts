import { describe, expect, it } from 'vitest';
import { registerView } from '../../src/app/cstore/locations.service.ts';

describe('registerView: where a location’s register stands', () => {
  it('has nothing to say before the first batch', () => {
    expect(registerView({ counts: {}, lastSeq: null, lastApplied: null }, true)).toMatchObject({
      status: 'no_batches',
      label: 'No update sent yet',
      unappliedBatches: 0,
    });
  });

  it('is up to date when the agent acknowledged every batch', () => {
    const v = registerView({ counts: { acknowledged: 3 }, lastSeq: 3, lastApplied: { seq: 3, at: '2026-12-01T15:00:00.000Z' } }, true);
    expect(v).toMatchObject({ status: 'up_to_date', lastAppliedSeq: 3, lastAppliedAt: '2026-12-01T15:00:00.000Z', unappliedBatches: 0 });
    expect(v.label).toBe('Register up to date (batch #3 applied 2026-12-01T15:00:00.000Z)');
  });

  it('waits for the agent while a batch is ready or delivered', () => {
    expect(registerView({ counts: { acknowledged: 1, delivered: 1 }, lastSeq: 2, lastApplied: { seq: 1, at: 'x' } }, true)).toMatchObject({
      status: 'waiting',
      unappliedBatches: 1,
    });
  });

  it('says failed as soon as the register refused a batch, whatever came after', () => {
    expect(registerView({ counts: { failed: 1, acknowledged: 1 }, lastSeq: 2, lastApplied: { seq: 2, at: 'x' } }, true)).toMatchObject({
      status: 'failed',
      failedBatches: 1,
    });
  });

  it('cannot confirm anything at a location without a POS agent', () => {
    expect(registerView({ counts: { ready: 1, delivered: 1 }, lastSeq: 2, lastApplied: null }, false)).toMatchObject({
      status: 'unconfirmed',
      unappliedBatches: 2,
    });
  });
});
