import { describe, expect, it } from 'vitest';
import { applyChanges, changedFields, diffPromotions, planPromotionChanges } from '../../../src/domain/promotions/diff.ts';
import type { Promotion, PromotionChange } from '../../../src/domain/promotions/promotion.ts';
import { aMultipack, aPromotion, add, end, modify } from './promotion.builder.ts';

const TODAY = '2026-12-10';

describe('diffPromotions: add', () => {
  it('adds a live promotion the register does not have', () => {
    const p = aPromotion();
    expect(diffPromotions([], [], [p], TODAY)).toEqual([add(p)]);
  });

  it('adds a promotion that starts in the future (the register holds its start date)', () => {
    const p = aPromotion({ startDate: '2026-12-20', endDate: '2027-01-20' });
    expect(diffPromotions([], [], [p], TODAY)).toEqual([add(p)]);
  });

  it('does not add what is already pending as the same add', () => {
    const p = aPromotion();
    expect(diffPromotions([], [add(p)], [p], TODAY)).toEqual([]);
  });

  it('queues a fresh add when the feed changed a promotion that is still only pending, superseding the old add', () => {
    const before = aPromotion();
    const now = aPromotion({ amountCents: 90 });
    const plan = planPromotionChanges([], [add(before)], [now], TODAY);
    expect(plan.changes).toEqual([add(now)]);
    expect(plan.superseded).toEqual([add(before)]);
  });

  it('does not add cancelled or already ended records', () => {
    const cancelled = aPromotion({ externalId: 'C', status: 'cancelled' });
    const ended = aPromotion({ externalId: 'E', endDate: '2026-12-09' });
    expect(diffPromotions([], [], [cancelled, ended], TODAY)).toEqual([]);
  });

  it('treats a promotion ending today as live', () => {
    const p = aPromotion({ endDate: TODAY });
    expect(diffPromotions([], [], [p], TODAY)).toEqual([add(p)]);
  });
});

describe('diffPromotions: modify', () => {
  it('modifies when a register-relevant field changed, with before and after', () => {
    const onRegister = aPromotion();
    const feed = aPromotion({ amountCents: 100, endDate: '2027-01-15' });
    expect(diffPromotions([onRegister], [], [feed], TODAY)).toEqual([modify(onRegister, feed)]);
    expect(changedFields(onRegister, feed)).toEqual(['endDate', 'amountCents']);
  });

  it.each<[string, Partial<Promotion>]>([
    ['type and quantity', { type: 'multipack', quantity: 2 }],
    ['description', { description: 'Camel Crush $0.75 off' }],
    ['brand', { brand: 'Camel Crush' }],
    ['UPC list', { upcs: ['012300000017', '026100000016'] }],
    ['start date', { startDate: '2026-12-02' }],
    ['per-transaction limit', { maxPerTransaction: 2 }],
  ])('sees a change of %s', (_name, change) => {
    const onRegister = aPromotion();
    expect(diffPromotions([onRegister], [], [aPromotion(change)], TODAY)).toHaveLength(1);
  });

  it('ignores a new lastModified stamp on the same terms, and UPC order', () => {
    const onRegister = aMultipack();
    const feed = aMultipack({ lastModified: '2026-12-09T06:00:00.000Z', upcs: [...onRegister.upcs].reverse() });
    expect(diffPromotions([onRegister], [], [feed], TODAY)).toEqual([]);
  });

  it('does not modify again when the pending modify already has the feed state', () => {
    const onRegister = aPromotion();
    const feed = aPromotion({ amountCents: 100 });
    expect(diffPromotions([onRegister], [modify(onRegister, feed)], [feed], TODAY)).toEqual([]);
  });

  it('queues a newer modify over a pending one the feed has moved past', () => {
    const onRegister = aPromotion();
    const pending = modify(onRegister, aPromotion({ amountCents: 100 }));
    const feed = aPromotion({ amountCents: 125 });
    const plan = planPromotionChanges([onRegister], [pending], [feed], TODAY);
    expect(plan.changes).toEqual([modify(onRegister, feed)]);
    expect(plan.superseded).toEqual([pending]);
  });

  it('queues nothing when the feed went back to what the register has, and marks the pending modify moot', () => {
    const onRegister = aPromotion();
    const pending = modify(onRegister, aPromotion({ amountCents: 100 }));
    const plan = planPromotionChanges([onRegister], [pending], [aPromotion()], TODAY);
    expect(plan.changes).toEqual([]);
    expect(plan.superseded).toEqual([pending]);
  });

  it('modifies a promotion pending as ended that came back changed', () => {
    const onRegister = aPromotion();
    const feed = aPromotion({ endDate: '2027-02-28' });
    const plan = planPromotionChanges([onRegister], [end(onRegister)], [feed], TODAY);
    expect(plan.changes).toEqual([modify(onRegister, feed)]);
    expect(plan.superseded).toEqual([end(onRegister)]);
  });
});

describe('diffPromotions: end', () => {
  it('ends a promotion that vanished from the feed', () => {
    const onRegister = aPromotion();
    expect(diffPromotions([onRegister], [], [], TODAY)).toEqual([end(onRegister)]);
  });

  it('ends a promotion the manufacturer cancelled', () => {
    const onRegister = aPromotion();
    expect(diffPromotions([onRegister], [], [aPromotion({ status: 'cancelled' })], TODAY)).toEqual([end(onRegister)]);
  });

  it('ends a promotion past its end date, still in the feed or not', () => {
    const onRegister = aPromotion({ endDate: '2026-12-09' });
    expect(diffPromotions([onRegister], [], [onRegister], TODAY)).toEqual([end(onRegister)]);
    expect(diffPromotions([onRegister], [], [], TODAY)).toEqual([end(onRegister)]);
  });

  it('does not end again what is already pending as end', () => {
    const onRegister = aPromotion();
    expect(diffPromotions([onRegister], [end(onRegister)], [], TODAY)).toEqual([]);
  });

  it('ends a promotion with a pending modify that then vanished, superseding the modify', () => {
    const onRegister = aPromotion();
    const pending = modify(onRegister, aPromotion({ amountCents: 100 }));
    const plan = planPromotionChanges([onRegister], [pending], [], TODAY);
    expect(plan.changes).toEqual([end(onRegister)]);
    expect(plan.superseded).toEqual([pending]);
  });

  it('queues nothing but marks moot a pending end when the promotion is back unchanged', () => {
    const onRegister = aPromotion();
    const plan = planPromotionChanges([onRegister], [end(onRegister)], [onRegister], TODAY);
    expect(plan).toEqual({ changes: [], superseded: [end(onRegister)] });
  });

  it('marks moot a pending add whose promotion vanished before it was accepted', () => {
    const p = aPromotion();
    expect(planPromotionChanges([], [add(p)], [aPromotion({ status: 'cancelled' })], TODAY)).toEqual({ changes: [], superseded: [add(p)] });
  });
});

describe('diffPromotions: order and idempotence', () => {
  const register = [aPromotion({ externalId: 'B' }), aPromotion({ externalId: 'D' }), aPromotion({ externalId: 'F' })];
  const feed = [
    aPromotion({ externalId: 'E' }),
    aPromotion({ externalId: 'D', amountCents: 10 }),
    aPromotion({ externalId: 'A' }),
    aPromotion({ externalId: 'F', status: 'cancelled' }),
    aPromotion({ externalId: 'C', endDate: '2026-12-01' }),
  ];

  it('orders adds, then modifies, then ends; each by id', () => {
    const changes = diffPromotions(register, [], feed, TODAY);
    expect(changes.map((c) => `${c.kind}:${c.externalId}`)).toEqual(['add:A', 'add:E', 'modify:D', 'end:B', 'end:F']);
    expect(diffPromotions([...register].reverse(), [], [...feed].reverse(), TODAY)).toEqual(changes);
  });

  it('yields nothing on a re-run once the changes are pending, and nothing once they are accepted', () => {
    const first = diffPromotions(register, [], feed, TODAY);
    expect(diffPromotions(register, first, feed, TODAY)).toEqual([]);
    const accepted = applyChanges(register, first);
    expect(accepted.map((p) => p.externalId)).toEqual(['A', 'D', 'E']);
    expect(diffPromotions(accepted, [], feed, TODAY)).toEqual([]);
  });

  it('counts the last pending change per promotion and marks the older ones superseded', () => {
    const p = aPromotion({ externalId: 'B' });
    const pending: PromotionChange[] = [end(p), modify(p, aPromotion({ externalId: 'B', amountCents: 5 }))];
    const plan = planPromotionChanges(register, pending, [aPromotion({ externalId: 'B', amountCents: 5 })], TODAY);
    expect(plan.changes.filter((c) => c.externalId === 'B')).toEqual([]);
    expect(plan.superseded).toEqual([pending[0]]); // the older end is overtaken
  });

  it('lets the last record win when the feed repeats an id', () => {
    const p = aPromotion({ amountCents: 50 });
    expect(diffPromotions([], [], [aPromotion({ amountCents: 10 }), p], TODAY)).toEqual([add(p)]);
  });

  it('refuses a today that is not a date', () => {
    expect(() => diffPromotions([], [], [], '10/12/2026')).toThrow(RangeError);
  });
});

describe('planPromotionChanges: records rejected today hold their promotion', () => {
  it('does not end a promotion on the register whose record was rejected today', () => {
    const onRegister = aPromotion();
    expect(planPromotionChanges([onRegister], [], [], TODAY, { externalIds: ['RJ-1'] }).changes).toEqual([]);
  });

  it('leaves a pending change of a held promotion as it is', () => {
    const before = aPromotion();
    const pendingModify = modify(before, aPromotion({ amountCents: 90 }));
    const plan = planPromotionChanges([before], [pendingModify], [], TODAY, { externalIds: ['RJ-1'] });
    expect(plan).toEqual({ changes: [], superseded: [] });
  });

  it('does not add a new promotion whose record was rejected, and still plans the others', () => {
    const other = aMultipack();
    expect(planPromotionChanges([], [], [other], TODAY, { externalIds: ['RJ-1'] }).changes).toEqual([add(other)]);
  });

  it('ends nothing merely missing from the feed when a rejected record had no readable id', () => {
    const a = aPromotion();
    const cancelled = aMultipack({ status: 'cancelled' });
    const plan = planPromotionChanges([a, aMultipack()], [], [cancelled], TODAY, { unidentified: true });
    // the cancelled record is readable, so its promotion still ends; the vanished one waits
    expect(plan.changes).toEqual([end(aMultipack())]);
  });

  it('still ends a promotion that vanished when no rejected record names it', () => {
    const a = aPromotion();
    expect(planPromotionChanges([a], [], [], TODAY, { externalIds: ['OTHER'] }).changes).toEqual([end(a)]);
  });
});
