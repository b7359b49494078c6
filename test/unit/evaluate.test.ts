import { describe, expect, it } from 'vitest';
import { buildCart, type RawLine } from '../../src/domain/cart.ts';
import { evaluate, type EvaluationContext } from '../../src/domain/evaluate.ts';
import type { Incentive } from '../../src/domain/incentive.ts';
import { ruleResults } from '../../src/domain/rule-results.ts';

const whopper: Incentive = { id: 'rwd-whopper', kind: 'REWARD', name: 'Free Whopper', pointCost: 700, rules: [], vendorConfigs: {} };
const fries: Incentive = { id: 'rwd-fries', kind: 'REWARD', name: 'Free Fries', pointCost: 250, rules: [], vendorConfigs: {} };
const twoOff: Incentive = {
  id: 'ofr-2-off',
  kind: 'OFFER',
  name: '$2 off $10',
  pointCost: 0,
  rules: [
    { ruleId: 'subtotal-spend', args: { minimumCents: 1000 } },
    { ruleId: 'date-span', args: { start: '2026-11-01', end: '2026-11-30' } },
  ],
  vendorConfigs: {},
};
const driveThru: Incentive = {
  id: 'ofr-dt',
  kind: 'OFFER',
  name: 'Drive-thru only',
  pointCost: 0,
  rules: [
    { ruleId: 'service-mode', args: { modes: ['DRIVE_THRU'] } },
    { ruleId: 'store-restrictions', args: { storeIds: ['1001'] } },
  ],
  vendorConfigs: {},
};

function aCart(...lines: Partial<RawLine>[]) {
  return buildCart(
    'USD',
    lines.map((l, i) => ({ referenceId: String(i + 1), productId: `P${i}`, productType: 'item', quantity: 1, price: '0', ...l })),
    [],
  );
}

function context(over: Partial<EvaluationContext> = {}): EvaluationContext {
  return {
    now: { date: '2026-11-25', time: '12:00', dayOfWeek: 3 },
    store: { id: 's1', externalId: '9999' },
    serviceMode: 'EAT_IN',
    guest: { id: 'g', balance: 1000, enrolledAt: '2026-01-01T00:00:00Z' },
    earn: { rateMilli: 10_000, minimumSpendCents: 0, currencyDigits: 2 },
    incentives: new Map([whopper, fries, twoOff, driveThru].map((i) => [i.id, i])),
    ...over,
  };
}

describe('evaluate', () => {
  it('earns 10 points per dollar of goods, rounded down, excluding reward lines', () => {
    const result = evaluate(aCart({ price: '7.99' }, { price: '0.55' }, { productType: 'reward', price: '0', incentiveId: 'rwd-fries' }), context());
    expect(result.pointsEarned).toBe(85); // $8.54 → 85.4 → 85
    expect(result.pointsRedeemed).toBe(250);
    expect(result.failures).toEqual([]);
  });

  it('takes loyalty discounts off the eligible spend', () => {
    const result = evaluate(aCart({ price: '12.00' }, { productType: 'offer', price: '2.00', incentiveId: 'ofr-2-off' }), context());
    expect(result.eligibleSpendCents).toBe(1000);
    expect(result.pointsEarned).toBe(100);
  });

  it('honours decimal earning rates and the minimum spend', () => {
    const cart = aCart({ price: '3.99' });
    expect(evaluate(cart, context({ earn: { rateMilli: 2_500, minimumSpendCents: 0, currencyDigits: 2 } })).pointsEarned).toBe(9);
    expect(evaluate(cart, context({ earn: { rateMilli: 10_000, minimumSpendCents: 500, currencyDigits: 2 } })).pointsEarned).toBe(0);
  });

  it('lists every failing rule of every incentive, not just the first', () => {
    const result = evaluate(
      aCart({ price: '5.00' }, { productType: 'offer', incentiveId: 'ofr-2-off' }, { productType: 'offer', incentiveId: 'ofr-dt' }),
      context({ now: { date: '2026-12-01', time: '09:00', dayOfWeek: 2 } }),
    );
    expect(result.failures.map((f) => [f.incentiveId, f.code, f.ruleId])).toEqual([
      ['ofr-2-off', 'insufficient-subtotal-spend', 'subtotal-spend'],
      ['ofr-2-off', 'invalid-end-date', 'date-span'],
      ['ofr-dt', 'invalid-service-mode', 'service-mode'],
      ['ofr-dt', 'invalid-store-id', 'store-restrictions'],
      ['ofr-dt', 'exceeds-offers-per-order', 'offers-per-order'],
    ]);
  });

  it('refuses a reward the balance cannot cover, with current and target values', () => {
    const result = evaluate(
      aCart({ productType: 'reward', incentiveId: 'rwd-whopper' }, { productType: 'reward', incentiveId: 'rwd-fries' }),
      context({ guest: { id: 'g', balance: 800, enrolledAt: '' } }),
    );
    expect(result.failures).toEqual([
      {
        code: 'insufficient-point-balance',
        ruleId: 'point-balance',
        incentiveId: 'rwd-fries',
        currentValue: 100,
        targetValue: 250,
        message: 'User does not have sufficient funds to redeem reward',
      },
    ]);
  });

  it('allows each incentive once per order unless configured otherwise', () => {
    const result = evaluate(aCart({ productType: 'reward', incentiveId: 'rwd-fries', quantity: 2 }), context());
    expect(result.failures.map((f) => f.code)).toEqual(['exceeds-limit-per-order']);
  });

  it('passes the date span on its first and last day (inclusive, store-local)', () => {
    const cart = aCart({ price: '10.00' }, { productType: 'offer', incentiveId: 'ofr-2-off' });
    expect(evaluate(cart, context({ now: { date: '2026-11-01', time: '00:00', dayOfWeek: 0 } })).failures).toEqual([]);
    expect(evaluate(cart, context({ now: { date: '2026-11-30', time: '23:59', dayOfWeek: 1 } })).failures).toEqual([]);
    expect(evaluate(cart, context({ now: { date: '2026-10-31', time: '23:59', dayOfWeek: 6 } })).failures[0]?.code).toBe('invalid-start-date');
  });
});

describe('ruleResults', () => {
  it('names every configured rule of every incentive with its verdict, then the order-wide checks that failed', () => {
    const ctx = context({ now: { date: '2026-12-01', time: '09:00', dayOfWeek: 2 } });
    const evaluation = evaluate(
      aCart({ price: '12.00' }, { productType: 'offer', incentiveId: 'ofr-2-off' }, { productType: 'offer', incentiveId: 'ofr-dt' }),
      ctx,
    );
    const results = ruleResults(evaluation, ctx.incentives, 'PENDING', '2026-12-01T14:00:00.000Z');
    expect(results).toMatchObject({ stage: 'PENDING', at: '2026-12-01T14:00:00.000Z', pointsEarned: evaluation.pointsEarned });
    expect(results.incentives.map((i) => [i.incentiveId, i.applied, i.rules.map((r) => [r.ruleId, r.passed, r.failure?.code ?? null])])).toEqual([
      [
        'ofr-2-off',
        false,
        [
          ['subtotal-spend', true, null],
          ['date-span', false, 'invalid-end-date'],
        ],
      ],
      [
        'ofr-dt',
        false,
        [
          ['service-mode', false, 'invalid-service-mode'],
          ['store-restrictions', false, 'invalid-store-id'],
          ['offers-per-order', false, 'exceeds-offers-per-order'],
        ],
      ],
    ]);
  });

  it('says an incentive applied when every rule passed', () => {
    const ctx = context();
    const results = ruleResults(
      evaluate(aCart({ price: '12.00' }, { productType: 'offer', incentiveId: 'ofr-2-off' }), ctx),
      ctx.incentives,
      'CLAIMED',
      '2026-11-25T17:00:00.000Z',
    );
    expect(results.incentives).toEqual([
      {
        incentiveId: 'ofr-2-off',
        kind: 'OFFER',
        quantity: 1,
        points: 0,
        applied: true,
        rules: [
          { ruleId: 'subtotal-spend', passed: true, failure: null },
          { ruleId: 'date-span', passed: true, failure: null },
        ],
      },
    ]);
  });
});
