import { priceTransaction } from '../../src/domain/scandata/pricing.ts';
import { aBasket, aBuydown, aMultipack, CAMEL_BLUE, CAMEL_CRUSH, GRIZZLY, MARLBORO, NEWPORT } from './builders.ts';

/**
 * A small week, hand-checkable (docs/scan-data.md walks through it), in both formats' weeks
 * (Mon 30 Nov – Sat 5 Dec 2026):
 * T1 a multipack with a buydown, T2 a coupon and a plain buydown, T3 a loyalty offer,
 * T4 a sale and its void, T5 an outlet multipack with an Altria buydown.
 */
export const GOLDEN_PROMOTIONS = [
  aBuydown(), // BD-1: CAMEL $0.50 BUYDOWN (Camel Blue, Camel Crush)
  aMultipack(), // MP-1: CAMEL 2 PACKS SAVE $1.00
  aBuydown({ externalId: 'LOY-1', upcs: [GRIZZLY], amountCents: 75, loyaltyOnly: true, description: 'GRIZZLY REWARDS $0.75' }),
  aBuydown({ manufacturer: 'altria', externalId: 'PM-BD', upcs: [MARLBORO], amountCents: 35, description: 'MARLBORO $0.35 BUYDOWN' }),
  aMultipack({ externalId: 'STORE-MP', funding: 'outlet', upcs: [MARLBORO], amountCents: 98, description: 'STORE 2 FOR $16' }),
];

const at = (date: string, time: string) => ({ localDate: date, localTime: time, soldAt: `${date}T${time}-05:00` });

export const GOLDEN_BASKETS = [
  aBasket([{ upc: CAMEL_BLUE, quantity: 2 }], { transactionId: 'T1', ...at('2026-11-30', '09:05:00') }),
  aBasket(
    [
      {
        upc: NEWPORT,
        description: 'NEWPORT BOX KS',
        unitPriceCents: 949,
        manufacturerName: 'ITG Brands',
        coupon: { id: 'CPN-NP1', description: 'NEWPORT $1 OFF', amountCents: 100 },
        tender: 'cash',
      },
      { upc: CAMEL_CRUSH, description: 'CAMEL CRUSH BOX', unitPriceCents: 909 },
    ],
    { transactionId: 'T2', registerId: '2', ...at('2026-12-01', '12:30:00') },
  ),
  aBasket(
    [
      {
        upc: GRIZZLY,
        description: 'GRIZZLY WINTERGREEN LC',
        unitOfMeasure: 'CAN',
        unitPriceCents: 529,
        category: 'smokeless',
        manufacturerName: 'American Snuff',
        consumerPhone: '(336) 555-0199',
      },
    ],
    { transactionId: 'T3', loyaltyId: 'L-555', ...at('2026-12-02', '18:45:10') },
  ),
  aBasket([{ quantity: 1 }, { quantity: -1 }], { transactionId: 'T4', ...at('2026-12-03', '07:10:00') }),
  aBasket([{ upc: MARLBORO, description: 'MARLBORO RED BOX', unitPriceCents: 849, quantity: 2, manufacturerName: 'Philip Morris USA' }], {
    transactionId: 'T5',
    ageVerification: 'manual-entry',
    ...at('2026-12-04', '21:00:00'),
  }),
];

export const goldenRows = () => GOLDEN_BASKETS.flatMap((b) => priceTransaction(b, GOLDEN_PROMOTIONS).rows);
