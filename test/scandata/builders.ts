import type { ScanDataAccount, ScanDataOutlet } from '../../src/adapters/scandata/writer.ts';
import { upcA } from '../../src/domain/promotions/upc.ts';
import type { PricingPromotion, SaleLine } from '../../src/domain/scandata/sale-line.ts';

/** Builders for scan-data tests: a sale line, promotions, an outlet and an account. */

export const CAMEL_BLUE = upcA('01230000101'); // 012300001015
export const CAMEL_CRUSH = upcA('01230000102');
export const NEWPORT = upcA('02620000301');
export const GRIZZLY = upcA('04260000401');
export const MARLBORO = upcA('02820000001');
export const WATER = upcA('07890000001');

export function aLine(over: Partial<SaleLine> = {}): SaleLine {
  return {
    locationId: 'loc-1',
    registerId: '1',
    transactionId: 'T1',
    lineNumber: 1,
    soldAt: '2026-12-01T15:15:00Z',
    localDate: '2026-12-01',
    localTime: '10:15:00',
    upc: CAMEL_BLUE,
    description: 'CAMEL BLUE BOX KS',
    unitOfMeasure: 'PACK',
    quantity: 1,
    unitPriceCents: 899,
    tender: 'cash',
    loyaltyId: null,
    ageVerification: 'scanned-id',
    category: 'cigarettes',
    manufacturerName: 'RJ Reynolds',
    ...over,
  };
}

/** Lines of one basket, numbered from 1. */
export function aBasket(lines: Partial<SaleLine>[], common: Partial<SaleLine> = {}): SaleLine[] {
  return lines.map((l, i) => aLine({ ...common, lineNumber: i + 1, ...l }));
}

export function aBuydown(over: Partial<PricingPromotion> = {}): PricingPromotion {
  return {
    manufacturer: 'rjr',
    externalId: 'BD-1',
    type: 'buydown',
    description: 'CAMEL $0.50 BUYDOWN',
    upcs: [CAMEL_BLUE, CAMEL_CRUSH],
    startDate: '2026-11-01',
    endDate: '2026-12-31',
    amountCents: 50,
    quantity: 1,
    maxPerTransaction: null,
    status: 'active',
    funding: 'manufacturer',
    loyaltyOnly: false,
    ...over,
  };
}

export function aMultipack(over: Partial<PricingPromotion> = {}): PricingPromotion {
  return aBuydown({ externalId: 'MP-1', type: 'multipack', description: 'CAMEL 2 PACKS SAVE $1.00', quantity: 2, amountCents: 100, ...over });
}

export function anOutlet(over: Partial<ScanDataOutlet> = {}): ScanDataOutlet {
  return {
    locationId: 'loc-1',
    outletNumber: '1042',
    name: 'Main St Fuels',
    address1: '12 Main St',
    address2: null,
    city: 'Winston-Salem',
    state: 'NC',
    zip: '27101',
    phone: '(336) 555-0142',
    contactName: 'Dana Lee',
    contactEmail: 'dana@mainstfuels.example',
    ...over,
  };
}

export const ACCOUNT: ScanDataAccount = { accountNumber: '700123', retailerName: 'Main St Fuels', submitterName: 'Main St Fuels LLC' };
