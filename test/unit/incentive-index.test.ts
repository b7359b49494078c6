import { describe, expect, it } from 'vitest';
import type { Incentive } from '../../src/domain/incentive.ts';
import { incentiveIndex } from '../../src/domain/incentive-index.ts';

const incentive = (id: string, vendorConfigs: Record<string, unknown>): Incentive => ({ id, vendorConfigs }) as unknown as Incentive;

describe('incentive index', () => {
  const fries = incentive('rwd-fries', {
    ncr: {
      pluType: 'sizeBasedPlu',
      sizeBasedPlu: [
        { size: 'S', plu: '900101' },
        { size: 'M', plu: '900111' },
      ],
    },
    partner: { pluType: 'constantPlu', constantPlu: '900101' },
  });
  const coffee = incentive('rwd-coffee', {
    partner: { pluType: 'constantPlu', constantPlu: '900200' },
    winrest: { pluType: 'constantPlu', constantPlu: '900101' },
  });
  const index = incentiveIndex(new Map([fries, coffee].map((i) => [i.id, i])));

  it('finds incentives by a vendor PLU, by any vendor PLU (each once) and by upsize PLU, in the map order', () => {
    expect(index.byVendorPlu('partner', '900101')).toEqual([fries]);
    expect(index.byVendorPlu('ncr', '900111')).toEqual([fries]);
    expect(index.byVendorPlu('ncr', '900200')).toEqual([]);
    expect(index.byAnyPlu('900101')).toEqual([fries, coffee]);
    expect(index.upsize('ncr', '900111')).toBe(fries);
    // The first size is the base product, not an upsize.
    expect(index.upsize('ncr', '900101')).toBeUndefined();
  });

  it('is built once per incentive map', () => {
    const map = new Map([[fries.id, fries]]);
    expect(incentiveIndex(map)).toBe(incentiveIndex(map));
  });
});
