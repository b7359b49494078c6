import { describe, expect, it } from 'vitest';
import { buildCart, type Cart, type RawLine, type RawPayment } from '../../src/domain/cart.ts';
import { eligibility, evaluate, type EvaluationContext, MISSING_GUEST_HISTORY } from '../../src/domain/evaluate.ts';
import type { Incentive, RuleRef } from '../../src/domain/incentive.ts';
import { decidableWith, needsOf, RULES, ruleCatalogue, validateRuleRefs } from '../../src/domain/rules/registry.ts';
import type { GuestHistory, RedemptionRecord, RuleFailure } from '../../src/domain/rules/rule.ts';

// Wednesday 25 November 2026, noon, store-local.
const NOW = { date: '2026-11-25', time: '12:00', dayOfWeek: 3 };
const AS_OF = '2026-11-25T17:00:00.000Z';

const offer = (rules: RuleRef[], id = 'ofr-1'): Incentive => ({ id, kind: 'OFFER', name: id, pointCost: 0, rules, vendorConfigs: {} });
const reward = (rules: RuleRef[], id = 'rwd-1', pointCost = 100): Incentive => ({ id, kind: 'REWARD', name: id, pointCost, rules, vendorConfigs: {} });

/** A cart builder: goods, taxes, payments, and the incentives it redeems. */
class CartBuilder {
  private lines: RawLine[] = [];
  private payments: RawPayment[] = [];
  item(productId: string, price: string, over: Partial<RawLine> = {}): this {
    this.lines.push({ referenceId: String(this.lines.length + 1), productId, productType: 'item', quantity: 1, price, ...over });
    return this;
  }
  redeem(incentive: Incentive, quantity = 1): this {
    this.lines.push({
      referenceId: String(this.lines.length + 1),
      productId: `PLU-${incentive.id}`,
      productType: incentive.kind === 'REWARD' ? 'reward' : 'offer',
      quantity,
      price: '0',
      incentiveId: incentive.id,
    });
    return this;
  }
  pay(type: string, amount: number): this {
    this.payments.push({ type, amount });
    return this;
  }
  build(): Cart {
    return buildCart('USD', this.lines, this.payments);
  }
}
const aCart = () => new CartBuilder();

function history(over: Partial<GuestHistory> = {}): GuestHistory {
  return { asOf: AS_OF, redemptions: [], claimedTransactions: 0, birthdate: null, identification: 'code', ...over };
}

const redeemed = (incentiveId: string, localDate: string, over: Partial<RedemptionRecord> = {}): RedemptionRecord => ({
  incentiveId,
  kind: 'OFFER',
  quantity: 1,
  at: `${localDate}T17:00:00.000Z`,
  localDate,
  ...over,
});

/** The failures of one rule when `incentive` is redeemed in `cart` (by default: $10 of goods, paid in cash). */
function failuresOf(ruleId: string, incentive: Incentive, over: Partial<EvaluationContext> = {}, cart?: Cart, extra: Incentive[] = []): RuleFailure[] {
  let c = cart;
  if (!c) {
    const b = aCart().item('P1', '10.00').redeem(incentive);
    for (const e of extra) b.redeem(e);
    c = b.build();
  }
  const ctx: EvaluationContext = {
    now: NOW,
    store: { id: 's1', externalId: '9999', groups: ['northeast'] },
    serviceMode: 'EAT_IN',
    guest: { id: 'g1', balance: 10_000, enrolledAt: '2026-03-01T10:00:00.000Z' },
    earn: { rateMilli: 10_000, minimumSpendCents: 0, currencyDigits: 2 },
    incentives: new Map([incentive, ...extra].map((i) => [i.id, i])),
    channel: 'Restaurant',
    history: history(),
    ...over,
  };
  return evaluate(c, ctx).failures.filter((f) => f.ruleId === ruleId);
}

const only = (ruleId: string, args: Record<string, unknown>) => offer([{ ruleId, args }]);

describe('date-span', () => {
  it('passes on the first and the last day', () => {
    expect(failuresOf('date-span', only('date-span', { start: '2026-11-25', end: '2026-11-25' }))).toEqual([]);
  });
  it('fails before the start and after the end, naming both dates', () => {
    expect(failuresOf('date-span', only('date-span', { start: '2026-12-01' }))).toEqual([
      {
        code: 'invalid-start-date',
        ruleId: 'date-span',
        incentiveId: 'ofr-1',
        currentValue: '2026-11-25',
        targetValue: '2026-12-01',
        message: 'Incentive is not valid yet',
      },
    ]);
    expect(failuresOf('date-span', only('date-span', { end: '2026-11-24' }))[0]).toMatchObject({
      code: 'invalid-end-date',
      currentValue: '2026-11-25',
      targetValue: '2026-11-24',
    });
  });
});

describe('time-span', () => {
  it('passes inside the window, start inclusive', () => {
    expect(failuresOf('time-span', only('time-span', { start: '12:00', end: '14:00' }))).toEqual([]);
  });
  it('fails outside, with the time and the window', () => {
    expect(failuresOf('time-span', only('time-span', { start: '14:00', end: '17:00' }))[0]).toMatchObject({
      code: 'invalid-time-of-day',
      ruleId: 'time-span',
      currentValue: '12:00',
      targetValue: { start: '14:00', end: '17:00' },
    });
    expect(failuresOf('time-span', only('time-span', { start: '10:00', end: '12:00' }))[0]?.code).toBe('invalid-time-of-day');
  });
  it('runs over midnight when the end is before the start', () => {
    const late = only('time-span', { start: '22:00', end: '02:00' });
    expect(failuresOf('time-span', late, { now: { ...NOW, time: '23:30' } })).toEqual([]);
    expect(failuresOf('time-span', late, { now: { ...NOW, time: '01:59' } })).toEqual([]);
    expect(failuresOf('time-span', late, { now: { ...NOW, time: '02:00' } })).toHaveLength(1);
  });
});

describe('day-of-the-week', () => {
  it('passes on a listed day', () => {
    expect(failuresOf('day-of-the-week', only('day-of-the-week', { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] }))).toEqual([]);
  });
  it('fails on another, naming the day', () => {
    expect(failuresOf('day-of-the-week', only('day-of-the-week', { days: ['SAT', 'SUN'] }))[0]).toMatchObject({
      code: 'invalid-day-of-the-week',
      ruleId: 'day-of-the-week',
      currentValue: 'WED',
      targetValue: ['SAT', 'SUN'],
    });
  });
});

describe('limit-per-order', () => {
  it('allows one per order when not configured', () => {
    const o = offer([]);
    expect(failuresOf('limit-per-order', o, {}, aCart().item('P1', '10.00').redeem(o, 2).build())[0]).toMatchObject({
      code: 'exceeds-limit-per-order',
      currentValue: 2,
      targetValue: 1,
    });
  });
  it('allows up to max when configured', () => {
    const o = only('limit-per-order', { max: 2 });
    expect(failuresOf('limit-per-order', o, {}, aCart().item('P1', '10.00').redeem(o, 2).build())).toEqual([]);
  });
});

describe('max-redemption', () => {
  it('counts the guest’s earlier redemptions and this order, in total by default', () => {
    const o = only('max-redemption', { max: 2 });
    expect(failuresOf('max-redemption', o, { history: history({ redemptions: [redeemed('ofr-1', '2025-01-10')] }) })).toEqual([]);
    expect(
      failuresOf('max-redemption', o, { history: history({ redemptions: [redeemed('ofr-1', '2025-01-10'), redeemed('ofr-1', '2026-02-01')] }) })[0],
    ).toMatchObject({
      code: 'exceeds-max-redemption',
      ruleId: 'max-redemption',
      currentValue: 3,
      targetValue: 2,
    });
  });
  it('counts only the current store-local period (weeks start on Monday)', () => {
    const weekly = only('max-redemption', { max: 1, period: 'week' });
    // Sunday 22 November is last week; Monday 23 November is this week.
    expect(failuresOf('max-redemption', weekly, { history: history({ redemptions: [redeemed('ofr-1', '2026-11-22')] }) })).toEqual([]);
    expect(failuresOf('max-redemption', weekly, { history: history({ redemptions: [redeemed('ofr-1', '2026-11-23')] }) })).toHaveLength(1);
    const daily = only('max-redemption', { max: 1, period: 'day' });
    expect(failuresOf('max-redemption', daily, { history: history({ redemptions: [redeemed('ofr-1', '2026-11-24')] }) })).toEqual([]);
  });
  it('ignores other incentives', () => {
    expect(
      failuresOf('max-redemption', only('max-redemption', { max: 1 }), { history: history({ redemptions: [redeemed('ofr-other', '2026-11-25')] }) }),
    ).toEqual([]);
  });
});

describe('first-order', () => {
  it('passes for a guest without claimed sales', () => {
    expect(failuresOf('first-order', only('first-order', {}))).toEqual([]);
  });
  it('fails after a claimed sale', () => {
    expect(failuresOf('first-order', only('first-order', {}), { history: history({ claimedTransactions: 2 }) })[0]).toMatchObject({
      code: 'not-first-order',
      currentValue: 2,
      targetValue: 0,
    });
  });
});

describe('cart-requirements', () => {
  const needsDrink = only('cart-requirements', { productIds: ['DRINK-S', 'DRINK-M'] });
  it('passes when any listed product is in the order (combo children too)', () => {
    const cart = aCart().item('COMBO', '8.00', { productType: 'combo' }).item('DRINK-M', '0', { parentReferenceId: '1' }).redeem(needsDrink).build();
    expect(failuresOf('cart-requirements', needsDrink, {}, cart)).toEqual([]);
  });
  it('fails without them, and below minQuantity', () => {
    expect(failuresOf('cart-requirements', needsDrink)[0]).toMatchObject({
      code: 'missing-required-item',
      ruleId: 'cart-requirements',
      currentValue: 0,
      targetValue: { productIds: ['DRINK-S', 'DRINK-M'], minQuantity: 1 },
    });
    const two = only('cart-requirements', { productIds: ['DRINK-S'], minQuantity: 2 });
    expect(failuresOf('cart-requirements', two, {}, aCart().item('DRINK-S', '1.00').redeem(two).build())[0]).toMatchObject({ currentValue: 1 });
  });
});

describe('cart-exclusions', () => {
  const noBundle = only('cart-exclusions', { productIds: ['BUNDLE'] });
  it('passes without the listed products', () => {
    expect(failuresOf('cart-exclusions', noBundle)).toEqual([]);
  });
  it('fails with them, naming what was found', () => {
    const cart = aCart().item('BUNDLE', '20.00').redeem(noBundle).build();
    expect(failuresOf('cart-exclusions', noBundle, {}, cart)[0]).toMatchObject({
      code: 'excluded-item-in-cart',
      currentValue: ['BUNDLE'],
      targetValue: ['BUNDLE'],
    });
  });
});

describe('store-restrictions and restaurant-group', () => {
  it('store list: passes at a listed store, fails elsewhere', () => {
    expect(failuresOf('store-restrictions', only('store-restrictions', { storeIds: ['9999'] }))).toEqual([]);
    expect(failuresOf('store-restrictions', only('store-restrictions', { storeIds: ['1001'] }))[0]).toMatchObject({
      code: 'invalid-store-id',
      currentValue: '9999',
      targetValue: ['1001'],
    });
  });
  it('groups: passes at a store of a listed group, fails elsewhere and for a store in no group', () => {
    expect(failuresOf('restaurant-group', only('restaurant-group', { groups: ['west', 'northeast'] }))).toEqual([]);
    expect(failuresOf('restaurant-group', only('restaurant-group', { groups: ['west'] }))[0]).toMatchObject({
      code: 'invalid-restaurant-group',
      ruleId: 'restaurant-group',
      currentValue: ['northeast'],
      targetValue: ['west'],
    });
    expect(failuresOf('restaurant-group', only('restaurant-group', { groups: ['west'] }), { store: { id: 's', externalId: '1' } })[0]?.currentValue).toEqual(
      [],
    );
  });
});

describe('service-mode', () => {
  it('passes in a listed mode and fails in another', () => {
    expect(failuresOf('service-mode', only('service-mode', { modes: ['EAT_IN'] }))).toEqual([]);
    expect(failuresOf('service-mode', only('service-mode', { modes: ['DRIVE_THRU'] }))[0]).toMatchObject({
      code: 'invalid-service-mode',
      currentValue: 'EAT_IN',
      targetValue: ['DRIVE_THRU'],
    });
  });
});

describe('subtotal-spend and total-spend', () => {
  it('subtotal: goods before tax', () => {
    expect(failuresOf('subtotal-spend', only('subtotal-spend', { minimumCents: 1000 }))).toEqual([]);
    expect(failuresOf('subtotal-spend', only('subtotal-spend', { minimumCents: 1001 }))[0]).toMatchObject({
      code: 'insufficient-subtotal-spend',
      currentValue: 1000,
      targetValue: 1001,
    });
  });
  it('total: goods plus the lines’ tax', () => {
    const o = only('total-spend', { minimumCents: 1080 });
    expect(failuresOf('total-spend', o, {}, aCart().item('P1', '10.00', { tax: '0.80' }).redeem(o).build())).toEqual([]);
    expect(failuresOf('total-spend', o, {}, aCart().item('P1', '10.00', { tax: '0.79' }).redeem(o).build())[0]).toMatchObject({
      code: 'insufficient-total-spend',
      currentValue: 1079,
      targetValue: 1080,
    });
  });
  it('total: the TAXES pseudo-payment when no line carries tax', () => {
    const o = only('total-spend', { minimumCents: 1080 });
    expect(failuresOf('total-spend', o, {}, aCart().item('P1', '10.00').redeem(o).pay('TAXES', 80).build())).toEqual([]);
  });
});

describe('payment-method', () => {
  const visa = only('payment-method', { types: ['VISA', 'MASTERCARD'] });
  it('passes when a payment uses a listed tender, or before any payment', () => {
    expect(failuresOf('payment-method', visa, {}, aCart().item('P1', '10.00').redeem(visa).pay('cash', 500).pay('visa', 500).build())).toEqual([]);
    expect(failuresOf('payment-method', visa, {}, aCart().item('P1', '10.00').redeem(visa).pay('SUBTOTAL', 1000).build())).toEqual([]);
  });
  it('fails when paid otherwise', () => {
    expect(failuresOf('payment-method', visa, {}, aCart().item('P1', '10.00').redeem(visa).pay('CASH', 1000).build())[0]).toMatchObject({
      code: 'invalid-payment-method',
      currentValue: ['CASH'],
      targetValue: ['VISA', 'MASTERCARD'],
    });
  });
});

describe('cool-down', () => {
  const day = only('cool-down', { seconds: 86_400 });
  it('passes without an earlier redemption and after the cool-down', () => {
    expect(failuresOf('cool-down', day)).toEqual([]);
    expect(failuresOf('cool-down', day, { history: history({ redemptions: [redeemed('ofr-1', '2026-11-24', { at: '2026-11-24T17:00:00.000Z' })] }) })).toEqual(
      [],
    );
  });
  it('fails within it, with the seconds elapsed', () => {
    expect(
      failuresOf('cool-down', day, { history: history({ redemptions: [redeemed('ofr-1', '2026-11-25', { at: '2026-11-25T16:58:20.000Z' })] }) })[0],
    ).toMatchObject({
      code: 'cool-down-active',
      ruleId: 'cool-down',
      currentValue: 100,
      targetValue: 86_400,
    });
  });
});

describe('transaction-count', () => {
  it('passes within the bounds', () => {
    expect(failuresOf('transaction-count', only('transaction-count', { min: 3, max: 5 }), { history: history({ claimedTransactions: 3 }) })).toEqual([]);
  });
  it('fails below min and above max', () => {
    expect(failuresOf('transaction-count', only('transaction-count', { min: 5 }), { history: history({ claimedTransactions: 3 }) })[0]).toMatchObject({
      code: 'insufficient-transaction-count',
      currentValue: 3,
      targetValue: 5,
    });
    expect(failuresOf('transaction-count', only('transaction-count', { min: 0, max: 2 }), { history: history({ claimedTransactions: 3 }) })[0]).toMatchObject({
      code: 'exceeds-transaction-count',
      currentValue: 3,
      targetValue: 2,
    });
  });
});

describe('birthday-window', () => {
  const week = only('birthday-window', { daysBefore: 3, daysAfter: 7 });
  it('passes around the birthday, also across New Year', () => {
    expect(failuresOf('birthday-window', week, { history: history({ birthdate: '1990-11-27' }) })).toEqual([]);
    expect(failuresOf('birthday-window', week, { history: history({ birthdate: '1990-11-18' }) })).toEqual([]);
    expect(failuresOf('birthday-window', week, { now: { ...NOW, date: '2026-12-30' }, history: history({ birthdate: '1990-01-02' }) })).toEqual([]);
    expect(failuresOf('birthday-window', week, { now: { ...NOW, date: '2027-01-05' }, history: history({ birthdate: '1990-12-30' }) })).toEqual([]);
  });
  it('fails outside, without telling the POS the birthdate', () => {
    const [f] = failuresOf('birthday-window', week, { history: history({ birthdate: '1990-11-29' }) });
    expect(f).toMatchObject({ code: 'outside-birthday-window', currentValue: '2026-11-25', targetValue: { daysBefore: 3, daysAfter: 7 } });
    expect(JSON.stringify(f)).not.toContain('11-29');
  });
  it('takes 28 February for a 29 February birthday in other years', () => {
    const sameDay = only('birthday-window', { daysBefore: 0, daysAfter: 0 });
    expect(failuresOf('birthday-window', sameDay, { now: { ...NOW, date: '2026-02-28' }, history: history({ birthdate: '2000-02-29' }) })).toEqual([]);
  });
  it('fails for a guest without a birthdate', () => {
    expect(failuresOf('birthday-window', week)[0]).toMatchObject({ code: 'missing-birthdate', ruleId: 'birthday-window' });
  });
});

describe('user-enrollment', () => {
  it('passes for a guest enrolled in the window', () => {
    expect(failuresOf('user-enrollment', only('user-enrollment', { start: '2026-01-01', end: '2026-06-30' }))).toEqual([]);
  });
  it('fails before the start and after the end', () => {
    expect(failuresOf('user-enrollment', only('user-enrollment', { start: '2026-11-01' }))[0]).toMatchObject({
      code: 'invalid-enrollment-start-date',
      ruleId: 'user-enrollment',
      currentValue: '2026-03-01',
      targetValue: '2026-11-01',
    });
    expect(failuresOf('user-enrollment', only('user-enrollment', { end: '2026-02-01' }))[0]).toMatchObject({ code: 'invalid-enrollment-end-date' });
  });
});

describe('guest-offer-limit', () => {
  const three = only('guest-offer-limit', { max: 3, period: 'week' });
  it('counts every offer of the guest in the period, this one included', () => {
    const two = [redeemed('ofr-a', '2026-11-23'), redeemed('ofr-b', '2026-11-24'), redeemed('rwd-x', '2026-11-24', { kind: 'REWARD' })];
    expect(failuresOf('guest-offer-limit', three, { history: history({ redemptions: two }) })).toEqual([]);
    expect(failuresOf('guest-offer-limit', three, { history: history({ redemptions: [...two, redeemed('ofr-c', '2026-11-25')] }) })[0]).toMatchObject({
      code: 'exceeds-guest-offer-limit',
      currentValue: 4,
      targetValue: 3,
    });
  });
});

describe('authentication-required', () => {
  const any = only('authentication-required', { via: ['app', 'web', 'code'] });
  it('passes for an App or Web sale and for a guest identified by one-time code', () => {
    expect(failuresOf('authentication-required', any, { channel: 'App', history: history({ identification: 'loyalty-id' }) })).toEqual([]);
    expect(failuresOf('authentication-required', any, { channel: 'Web', history: history({ identification: 'loyalty-id' }) })).toEqual([]);
    expect(failuresOf('authentication-required', any, { channel: 'Restaurant', history: history({ identification: 'code' }) })).toEqual([]);
  });
  it('fails for a restaurant sale identified by loyalty id, and by code when codes are not listed', () => {
    expect(failuresOf('authentication-required', any, { history: history({ identification: 'loyalty-id' }) })[0]).toMatchObject({
      code: 'guest-not-authenticated',
      ruleId: 'authentication-required',
      currentValue: { channel: 'Restaurant', identifiedBy: 'loyalty-id' },
      targetValue: ['app', 'web', 'code'],
    });
    expect(failuresOf('authentication-required', only('authentication-required', { via: ['app'] }))).toHaveLength(1);
  });
});

describe('stackable', () => {
  const alone = only('stackable', { withRewards: false });
  const fries = reward([], 'rwd-fries');
  it('passes without rewards in the order, and always with withRewards true', () => {
    expect(failuresOf('stackable', alone)).toEqual([]);
    expect(failuresOf('stackable', only('stackable', { withRewards: true }), {}, undefined, [fries])).toEqual([]);
  });
  it('fails with a reward in the order, naming it', () => {
    expect(failuresOf('stackable', alone, {}, undefined, [fries])[0]).toMatchObject({ code: 'not-stackable-with-rewards', currentValue: ['rwd-fries'] });
  });
});

describe('guest history', () => {
  it('a rule whose history was not loaded fails closed', () => {
    expect(failuresOf('first-order', only('first-order', {}), { history: null })[0]).toMatchObject({ code: MISSING_GUEST_HISTORY, targetValue: 'history' });
    expect(
      failuresOf('birthday-window', only('birthday-window', { daysBefore: 1, daysAfter: 1 }), {
        history: { asOf: AS_OF, redemptions: [], claimedTransactions: 0 },
      })[0],
    ).toMatchObject({
      code: MISSING_GUEST_HISTORY,
      targetValue: 'birthday',
    });
  });
  it('needsOf names what the incentives need, nothing for plain ones', () => {
    expect([...needsOf([offer([{ ruleId: 'service-mode', args: { modes: ['EAT_IN'] } }])])]).toEqual([]);
    expect(
      needsOf([
        only('cool-down', { seconds: 1 }),
        only('birthday-window', { daysBefore: 0, daysAfter: 0 }),
        only('authentication-required', { via: ['code'] }),
      ]),
    ).toEqual(new Set(['history', 'birthday', 'identification']));
  });
});

describe('what rules depend on', () => {
  const dependingOn = (d: string) =>
    [...RULES.values()]
      .filter((r) => (r.dependsOn as readonly string[]).includes(d))
      .map((r) => r.id)
      .sort();
  it('every rule declares it: the basket’s, the store’s, the service mode’s and the clock’s', () => {
    expect(dependingOn('order')).toEqual(['cart-exclusions', 'cart-requirements', 'payment-method', 'subtotal-spend', 'total-spend']);
    expect(dependingOn('store')).toEqual(['restaurant-group', 'store-restrictions']);
    expect(dependingOn('serviceMode')).toEqual(['service-mode']);
    expect(dependingOn('time')).toEqual(['birthday-window', 'cool-down', 'date-span', 'day-of-the-week', 'guest-offer-limit', 'max-redemption', 'time-span']);
  });
  it('a rule is decided before the order only when everything it depends on is known', () => {
    const beforeOrder = new Set(['time', 'store'] as const);
    expect(decidableWith('date-span', beforeOrder)).toBe(true);
    expect(decidableWith('store-restrictions', beforeOrder)).toBe(true);
    expect(decidableWith('service-mode', beforeOrder)).toBe(false);
    expect(decidableWith('subtotal-spend', new Set(['time', 'store', 'serviceMode'] as const))).toBe(false);
    expect(decidableWith('first-order', new Set())).toBe(true);
  });
  it('an unknown rule counts as decidable: it fails closed wherever it is checked', () => {
    expect(decidableWith('no-such-rule', new Set())).toBe(true);
  });
});

describe('eligibility', () => {
  it('judges each candidate alone against the cart and the balance', () => {
    const cheap = reward([], 'rwd-cheap', 100);
    const dear = reward([], 'rwd-dear', 5000);
    const weekend = offer([{ ruleId: 'day-of-the-week', args: { days: ['SAT', 'SUN'] } }], 'ofr-weekend');
    const result = eligibility(
      aCart().item('P1', '10.00').build(),
      {
        now: NOW,
        store: { id: 's1', externalId: '9999' },
        serviceMode: null,
        guest: { id: 'g', balance: 1000, enrolledAt: '2026-01-01T00:00:00Z' },
        earn: { rateMilli: 10_000, minimumSpendCents: 0, currencyDigits: 2 },
        incentives: new Map(),
      },
      [cheap, dear, weekend],
    );
    expect(result.map((v) => [v.incentive.id, v.failures.map((f) => f.code)])).toEqual([
      ['rwd-cheap', []],
      ['rwd-dear', ['insufficient-point-balance']],
      ['ofr-weekend', ['invalid-day-of-the-week']],
    ]);
  });
  it('sees the cart products that incentives first prepared in the same evaluation name', () => {
    // Each incentive's rules are prepared on first use, giving its product ids their keys
    // (product-keys.ts) after the cart's facts were built: every candidate must still see them.
    const cart = aCart().item('FRESH-A', '1.00').item('FRESH-B', '1.00').item('FRESH-C', '1.00').build();
    const ctx: EvaluationContext = {
      now: NOW,
      store: { id: 's1', externalId: '9999' },
      serviceMode: null,
      guest: null,
      earn: { rateMilli: 10_000, minimumSpendCents: 0, currencyDigits: 2 },
      incentives: new Map(),
    };
    const needsA = offer([{ ruleId: 'cart-requirements', args: { productIds: ['FRESH-A'] } }], 'ofr-a');
    const needsB = offer([{ ruleId: 'cart-requirements', args: { productIds: ['FRESH-B', 'FRESH-X'] } }], 'ofr-b');
    const notC = offer([{ ruleId: 'cart-exclusions', args: { productIds: ['FRESH-Y', 'FRESH-C'] } }], 'ofr-c');
    const result = eligibility(cart, ctx, [needsA, needsB, notC]);
    expect(result.map((v) => [v.incentive.id, v.failures.map((f) => f.currentValue)])).toEqual([
      ['ofr-a', []],
      ['ofr-b', []],
      ['ofr-c', [['FRESH-C']]],
    ]);
  });
});

describe('rule registry on write', () => {
  it('refuses unknown rules, a rule twice, bad arguments and offer-only rules on rewards', () => {
    expect(validateRuleRefs([{ ruleId: 'nope', args: {} }], 'OFFER')).toEqual(['rules[0].ruleId: unknown rule "nope"']);
    expect(
      validateRuleRefs(
        [
          { ruleId: 'date-span', args: { start: '2026-01-01' } },
          { ruleId: 'date-span', args: { end: '2026-12-31' } },
        ],
        'OFFER',
      )[0],
    ).toMatch(/^rules\[1\]\.ruleId: "date-span" is configured twice/);
    expect(validateRuleRefs([{ ruleId: 'cool-down', args: { seconds: 'soon' } }], 'OFFER')[0]).toMatch(/^rules\[0\]\.args\.seconds: /);
    expect(validateRuleRefs([{ ruleId: 'stackable', args: { withRewards: false } }], 'REWARD')).toEqual([
      'rules[0].ruleId: "stackable" applies to OFFER only, not to REWARD',
    ]);
    expect(validateRuleRefs([{ ruleId: 'stackable', args: { withRewards: false } }], 'OFFER')).toEqual([]);
  });
  it('refuses arguments that contradict themselves', () => {
    expect(validateRuleRefs([{ ruleId: 'date-span', args: { start: '2026-12-01', end: '2026-11-01' } }], 'OFFER')).toEqual([
      'rules[0].args.end: is before start',
    ]);
    expect(validateRuleRefs([{ ruleId: 'date-span', args: { start: '2026-02-30' } }], 'OFFER')).toEqual(['rules[0].args.start: is not a calendar date']);
    expect(validateRuleRefs([{ ruleId: 'transaction-count', args: { min: 5, max: 2 } }], 'OFFER')).toEqual(['rules[0].args.max: must not be below min']);
    expect(validateRuleRefs([{ ruleId: 'time-span', args: { start: '10:00', end: '10:00' } }], 'OFFER')).toHaveLength(1);
    expect(validateRuleRefs([{ ruleId: 'user-enrollment', args: {} }], 'OFFER')).toEqual(['rules[0].args.start: set start, end or both']);
  });
  it('refuses two rules that together can never pass', () => {
    const both = validateRuleRefs(
      [
        { ruleId: 'cart-requirements', args: { productIds: ['A', 'B'] } },
        { ruleId: 'cart-exclusions', args: { productIds: ['B'] } },
      ],
      'OFFER',
    );
    expect(both).toHaveLength(1);
    expect(both[0]).toMatch(/^rules\[1\]\.args\.productIds: B both required/);
    expect(
      validateRuleRefs(
        [
          { ruleId: 'first-order', args: {} },
          { ruleId: 'transaction-count', args: { min: 1 } },
        ],
        'OFFER',
      )[0],
    ).toMatch(/^rules\[1\]\.args\.min:/);
    // 28 and 29 November 2026 are a Saturday and a Sunday.
    expect(
      validateRuleRefs(
        [
          { ruleId: 'date-span', args: { start: '2026-11-28', end: '2026-11-29' } },
          { ruleId: 'day-of-the-week', args: { days: ['MON'] } },
        ],
        'OFFER',
      )[0],
    ).toMatch(/^rules\[1\]\.args\.days:/);
    // Contradictory-looking but satisfiable pairs are fine.
    expect(
      validateRuleRefs(
        [
          { ruleId: 'service-mode', args: { modes: ['DRIVE_THRU'] } },
          { ruleId: 'store-restrictions', args: { storeIds: ['1'] } },
        ],
        'OFFER',
      ),
    ).toEqual([]);
    expect(
      validateRuleRefs(
        [
          { ruleId: 'date-span', args: { start: '2026-11-28', end: '2026-11-29' } },
          { ruleId: 'day-of-the-week', args: { days: ['SUN'] } },
        ],
        'OFFER',
      ),
    ).toEqual([]);
  });
  it('serves a catalogue with every rule, its codes, JSON Schema arguments and kinds', () => {
    const catalogue = ruleCatalogue();
    expect(catalogue.map((r) => r.id)).toEqual([...RULES.keys()]);
    expect(catalogue.length).toBeGreaterThanOrEqual(21);
    const stackable = catalogue.find((r) => r.id === 'stackable')!;
    expect(stackable).toMatchObject({
      appliesTo: ['OFFER'],
      codes: ['not-stackable-with-rewards'],
      args: { type: 'object', properties: { withRewards: { type: 'boolean' } } },
    });
    expect(catalogue.find((r) => r.id === 'date-span')!.appliesTo).toEqual(['REWARD', 'OFFER']);
    expect(catalogue.find((r) => r.id === 'service-mode')!.dependsOn).toEqual(['serviceMode']);
    expect(JSON.parse(JSON.stringify(catalogue))).toEqual(catalogue);
  });
});
