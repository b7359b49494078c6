import { describe, expect, it } from 'vitest';
import { type NewIncentive, validateIncentive } from '../../src/app/provisioning.ts';
import { validatePluConfig } from '../../src/domain/plu-config.ts';

const reward = (vendorConfigs: Record<string, unknown>): NewIncentive => ({
  kind: 'REWARD',
  name: 'R',
  pointCost: 100,
  vendorConfigs: vendorConfigs as NewIncentive['vendorConfigs'],
});

describe('vendor PLU configs', () => {
  it.each([
    [{ pluType: 'constantPlu', constantPlu: '900101' }],
    [{ pluType: 'constantPlu', constantPlu: '1201', priceCents: 300 }],
    [{ pluType: 'discountPlu', discountPlu: 'D100' }],
    [
      {
        pluType: 'quantityBasedPlu',
        quantityBasedPlu: [
          { quantity: 1, plu: 'A' },
          { quantity: 2, plu: 'B' },
        ],
      },
    ],
    [
      {
        pluType: 'sizeBasedPlu',
        sizeBasedPlu: [
          { size: 'small', plu: '900101' },
          { size: 'medium', plu: '900111' },
        ],
      },
    ],
    [{ pluType: 'parentChildPlu', parentChildPlu: { plu: 'P' } }],
    [{ pluType: 'parentChildPlu', parentChildPlu: { plu: 'P', childPlu: 'C' } }],
    [
      {
        pluType: 'multiConstantPlus',
        multiConstantPlus: [
          { plu: 'A', quantity: 1 },
          { plu: 'B', quantity: 2 },
        ],
      },
    ],
    [{ pluType: 'ignore' }],
  ])('accepts %j', (config) => {
    expect(validatePluConfig(config, 'vendorConfigs.ncr')).toEqual([]);
  });

  it.each([
    ['a missing payload', { pluType: 'constantPlu' }, 'vendorConfigs.ncr.constantPlu: is required'],
    ['an empty PLU', { pluType: 'discountPlu', discountPlu: '' }, 'vendorConfigs.ncr.discountPlu:'],
    ['a PLU with spaces', { pluType: 'constantPlu', constantPlu: '9 1' }, 'vendorConfigs.ncr.constantPlu:'],
    ['a misspelt key', { pluType: 'constantPlu', constantPlu: '1', constantPLU: '1' }, 'vendorConfigs.ncr.constantPLU: unexpected property'],
    ['an unknown pluType', { pluType: 'magicPlu' }, 'vendorConfigs.ncr.pluType: must be one of constantPlu'],
    ['no object', 'constantPlu', 'vendorConfigs.ncr: must be an object'],
    ['an empty size list', { pluType: 'sizeBasedPlu', sizeBasedPlu: [] }, 'vendorConfigs.ncr.sizeBasedPlu:'],
    ['a size without PLU', { pluType: 'sizeBasedPlu', sizeBasedPlu: [{ size: 'small' }] }, 'vendorConfigs.ncr.sizeBasedPlu[0].plu: is required'],
    [
      'a size listed twice',
      {
        pluType: 'sizeBasedPlu',
        sizeBasedPlu: [
          { size: 'Small', plu: 'A' },
          { size: 'small', plu: 'B' },
        ],
      },
      'size "small" is listed twice',
    ],
    [
      'a PLU listed twice',
      {
        pluType: 'multiConstantPlus',
        multiConstantPlus: [
          { plu: 'A', quantity: 1 },
          { plu: 'A', quantity: 2 },
        ],
      },
      'PLU "A" is listed twice',
    ],
    ['a zero quantity', { pluType: 'quantityBasedPlu', quantityBasedPlu: [{ quantity: 0, plu: 'A' }] }, 'vendorConfigs.ncr.quantityBasedPlu[0].quantity:'],
    [
      'a quantity listed twice',
      {
        pluType: 'quantityBasedPlu',
        quantityBasedPlu: [
          { quantity: 1, plu: 'A' },
          { quantity: 1, plu: 'B' },
        ],
      },
      'quantity "1" is listed twice',
    ],
    ['a parent without PLU', { pluType: 'parentChildPlu', parentChildPlu: { childPlu: 'C' } }, 'vendorConfigs.ncr.parentChildPlu.plu: is required'],
    ['a negative price', { pluType: 'ignore', priceCents: -1 }, 'vendorConfigs.ncr.priceCents:'],
    ['a price in major units', { pluType: 'constantPlu', constantPlu: '1', priceCents: 2.5 }, 'vendorConfigs.ncr.priceCents:'],
  ])('refuses %s', (_name, config, message) => {
    const problems = validatePluConfig(config, 'vendorConfigs.ncr');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('checks every vendor of an incentive, and only vendors the server knows, in lower case', () => {
    expect(validateIncentive(reward({ ncr: { pluType: 'constantPlu', constantPlu: '1' }, winrest: { pluType: 'ignore' } }))).toEqual([]);
    expect(validateIncentive(reward({ NCR: { pluType: 'constantPlu', constantPlu: '1' } }))).toEqual([
      expect.stringContaining('vendorConfigs.NCR: unknown POS vendor'),
    ]);
    expect(validateIncentive(reward({ ncr: { pluType: 'constantPlu' }, partner: { pluType: 'discountPlu', discountPlu: 'D' }, winrest: {} }))).toEqual([
      'vendorConfigs.ncr.constantPlu: is required',
      expect.stringContaining('vendorConfigs.winrest.pluType: must be one of'),
    ]);
    expect(validateIncentive({ ...reward({}), vendorConfigs: null as never })).toEqual(['vendorConfigs: must be an object keyed by POS vendor']);
  });
});
