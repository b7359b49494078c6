import type { Promotion, PromotionChange } from '../../../src/domain/promotions/promotion.ts';

/** A valid RJR buydown; override what the test is about. */
export function aPromotion(overrides: Partial<Promotion> = {}): Promotion {
  return {
    manufacturer: 'rjr',
    externalId: 'RJ-1',
    type: 'buydown',
    description: 'Camel Crush $0.75 off per pack',
    brand: 'Camel',
    upcs: ['012300000017'],
    startDate: '2026-12-01',
    endDate: '2026-12-31',
    amountCents: 75,
    quantity: 1,
    maxPerTransaction: null,
    status: 'active',
    lastModified: '2026-11-20T06:00:00.000Z',
    ...overrides,
  };
}

/** A multipack: buy `quantity`, save `amountCents` on the group. */
export function aMultipack(overrides: Partial<Promotion> = {}): Promotion {
  return aPromotion({
    externalId: 'RJ-M',
    type: 'multipack',
    description: 'Grizzly buy 2 save $1.00',
    brand: 'Grizzly',
    upcs: ['073100000010', '073100000027'],
    quantity: 2,
    amountCents: 100,
    maxPerTransaction: 3,
    ...overrides,
  });
}

export const add = (after: Promotion): PromotionChange => ({ kind: 'add', externalId: after.externalId, before: null, after });
export const modify = (before: Promotion, after: Promotion): PromotionChange => ({ kind: 'modify', externalId: after.externalId, before, after });
export const end = (before: Promotion): PromotionChange => ({ kind: 'end', externalId: before.externalId, before, after: null });
