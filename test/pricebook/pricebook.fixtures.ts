import type { PricebookBatch } from '../../src/adapters/pricebook/batch.ts';
import { aMultipack, aPromotion, add, end, modify } from '../unit/promotions/promotion.builder.ts';

export const VENDOR = { name: 'Tillpoint', version: '0.1.0' };

/** One of each: a buydown added, a multipack added (with characters XML must escape), a modify, an end. */
export const GOLDEN_BATCH: PricebookBatch = {
  batchId: '6f1c2a4e-0000-4000-8000-000000000001',
  location: { storeLocationId: '1042', name: 'Main St & 5th' },
  createdAt: '2026-12-01T08:15:00.000Z',
  changes: [
    add(aPromotion({ externalId: 'RJD-100', description: 'Camel Crush $0.75 off per pack', upcs: ['012300000017', '012300000024'], maxPerTransaction: 5 })),
    add(aMultipack({ externalId: 'RJD-200', description: 'Grizzly <Wintergreen> "buy 2" & save $1.00', startDate: '2026-12-05', endDate: '2027-01-31' })),
    modify(
      aPromotion({ externalId: 'RJD-050', amountCents: 50 }),
      aPromotion({
        externalId: 'RJD-050',
        description: 'Newport Menthol $1.25 off per pack',
        brand: 'Newport',
        upcs: ['026100000016'],
        amountCents: 125,
        endDate: '2027-02-28',
      }),
    ),
    end(
      aPromotion({
        externalId: 'RJD-010',
        description: 'Pall Mall Red $0.40 off per pack',
        brand: 'Pall Mall',
        upcs: ['012300000031'],
        amountCents: 40,
        startDate: '2026-11-01',
        endDate: '2026-11-30',
      }),
    ),
  ],
};
