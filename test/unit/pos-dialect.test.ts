import { describe, expect, it } from 'vitest';
import type { TransactionBodyT } from '../../src/adapters/http/schemas/pos.ts';
import { selectDialect } from '../../src/adapters/pos/index.ts';
import { ncrDialect } from '../../src/adapters/pos/ncr/ncr.dialect.ts';
import { partnerDialect } from '../../src/adapters/pos/partner/partner.dialect.ts';
import { winrestDialect } from '../../src/adapters/pos/winrest/winrest.dialect.ts';
import type { PosPrincipal } from '../../src/app/model.ts';
import { buildCart } from '../../src/domain/cart.ts';

const principal = (vendor: string): PosPrincipal => ({ keyId: 'k', programId: 'p', vendor, environment: 'test' });

type Line = TransactionBodyT['transactionDetails']['order'][number];
const body = (posType: string, order: Line[], extra: Partial<TransactionBodyT['transactionDetails']> = {}): TransactionBodyT => ({
  transactionDetails: { currency: 'USD', order, payments: [], posVendor: { posType, storeId: '9999', terminal: '0', transactionId: '1' }, ...extra },
});

describe('POS dialects', () => {
  it("picks the dialect from the API key's vendor, whatever posType says", () => {
    expect(selectDialect(principal('ncr')).id).toBe('ncr');
    expect(selectDialect(principal('winrest')).id).toBe('winrest');
    expect(selectDialect(principal('tillster')).id).toBe('tillster');
    expect(selectDialect(principal('toast')).id).toBe('toast');
    // A vendor without a dialect of its own speaks the generic shapes under its own name.
    expect(selectDialect(principal('Aloha')).id).toBe('aloha');
  });

  it("answers with the key's vendor config, whatever posType or supportingPos name", () => {
    const pv = { posType: 'NCR R10', supportingPos: 'Partner', storeId: '9999', terminal: '0', transactionId: '1' };
    expect(winrestDialect.posContext(pv, principal('winrest'))).toMatchObject({ pluVendor: 'winrest', posType: 'NCR R10', dialect: 'winrest' });
    expect(ncrDialect.posContext(pv, principal('ncr'))).toMatchObject({ pluVendor: 'ncr', dialect: 'ncr' });
  });

  it("keeps the Loyalty API reference's example order, where an offer line and a combo share referenceId 1", () => {
    // Transaction Validation example of the Winrest/endpoint-reference document.
    const order: Line[] = [
      { name: 'some incentive name', price: 5.0, productId: '900203', productType: 'offer', quantity: 1, referenceId: '1', tax: 0 },
      { name: 'med whopper combo', price: 5.0, productId: '3001', productType: 'combo', quantity: 1, referenceId: '1', tax: 0 },
      { name: 'whopper', parentReferenceId: '1', price: 0, productId: '4001', productType: 'item', quantity: 1, referenceId: '2', tax: 0 },
      { name: 'med fries', parentReferenceId: '1', price: 0, productId: '4002', productType: 'item', quantity: 1, referenceId: '3', tax: 0 },
    ];
    const input = winrestDialect.saleInput(body('Winrest', order), 'CLAIMED');
    expect(input.order.map((l) => l.referenceId)).toEqual(['1~offer', '1', '2', '3']);
    const cart = buildCart('USD', input.order, []);
    expect(cart.lines.filter((l) => l.parentRef === '1').map((l) => l.productId)).toEqual(['4001', '4002']);
    // Two goods lines sharing a referenceId are still ambiguous and left to the cart to refuse.
    const goods = partnerDialect.saleInput(body('Partner', [order[1]!, { ...order[2]!, referenceId: '1', parentReferenceId: null }]), 'CLAIMED');
    expect(() => buildCart('USD', goods.order, [])).toThrow(/duplicates referenceId/);
  });

  it('reads NCR appliedDiscounts as pins: blank referenceIds at PENDING, exactly the stamped ids at CLAIMED', () => {
    const order: Line[] = [
      { price: 0, productId: '900101', productType: 'item', quantity: 1, referenceId: '1' },
      { price: 0, productId: '4002', productType: 'item', quantity: 1, referenceId: '2' },
    ];
    const pending = ncrDialect.saleInput(
      body('NCR', order, { appliedDiscounts: [{ orderReferenceId: '1', productId: '900101', referenceId: '' }] }),
      'PENDING',
    );
    expect(pending.appliedIncentiveIds).toBeNull();
    expect(pending.itemLineRedemption).toEqual({
      pins: [{ lineRef: '1', incentiveId: null, field: 'transactionDetails.appliedDiscounts[0].referenceId' }],
      upsizes: true,
    });

    const claimed = ncrDialect.saleInput(
      body('NCR', order, {
        appliedDiscounts: [
          { orderReferenceId: '1', referenceId: 'rwd-small-fries' },
          { orderReferenceId: '2', referenceId: ' ' },
        ],
      }),
      'CLAIMED',
    );
    expect(claimed.appliedIncentiveIds).toEqual(['rwd-small-fries']);
    expect(ncrDialect.saleInput(body('NCR', order), 'CLAIMED').appliedIncentiveIds).toEqual([]);
    expect(ncrDialect.saleInput(body('NCR', order), 'VALIDATE').appliedIncentiveIds).toBeNull();
  });
});
