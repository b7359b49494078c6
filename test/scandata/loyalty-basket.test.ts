import { describe, expect, it } from 'vitest';
import type { Cart, CartLine } from '../../src/domain/cart.ts';
import { cstoreBasket, lineDiscounts, tenderOf } from '../../src/domain/scandata/loyalty-basket.ts';
import { priceTransaction } from '../../src/domain/scandata/pricing.ts';
import { aBuydown, aLine, aMultipack, CAMEL_BLUE, MARLBORO } from './builders.ts';

const line = (ref: string, productId: string, over: Partial<CartLine> = {}): CartLine => ({
  ref,
  parentRef: null,
  productId,
  name: `line ${ref}`,
  kind: 'item',
  quantity: 1,
  unitPriceCents: 899,
  amountCents: 899,
  taxCents: 0,
  incentiveId: null,
  ...over,
});

describe('a Loyalty-API basket as a c-store sale', () => {
  it('takes item lines whose productId is a valid UPC (or its zero-padded form) and leaves everything else out', () => {
    const cart: Pick<Cart, 'lines'> = {
      lines: [
        line('1', CAMEL_BLUE, { quantity: 2 }),
        line('2', '2001'),
        line('3', `0${MARLBORO}`),
        line('4', CAMEL_BLUE.slice(0, 11) + String((Number(CAMEL_BLUE[11]) + 1) % 10)),
        line('5', CAMEL_BLUE, { kind: 'reward' }),
        line('6', CAMEL_BLUE, { quantity: 0 }),
        line('7', MARLBORO, { parentRef: '2' }),
      ],
    };
    const b = cstoreBasket(cart);
    expect(b.refs).toEqual(['1', '3', '7']);
    expect(b.lines.map((l) => [l.productId, l.quantity, l.unitPriceCents])).toEqual([
      [CAMEL_BLUE, 2, 899],
      [MARLBORO, 1, 899],
      [MARLBORO, 1, 899],
    ]);
  });

  it('reads the tender that paid the most, in scan-data words', () => {
    expect(tenderOf({ tenders: [] })).toBe('other');
    expect(
      tenderOf({
        tenders: [
          { type: 'CASH', amountCents: 100 },
          { type: 'VISA', amountCents: 900 },
        ],
      }),
    ).toBe('credit');
    expect(tenderOf({ tenders: [{ type: 'apple pay', amountCents: 100 }] })).toBe('mobile');
    expect(tenderOf({ tenders: [{ type: 'GIFT', amountCents: 100 }] })).toBe('other');
  });

  it('gives each discount back on its cart line, per unit, with who funds it', () => {
    const lines = [aLine({ lineNumber: 1, quantity: 3 })];
    const { rows } = priceTransaction(lines, [aBuydown(), aMultipack({ funding: 'outlet', externalId: 'OUT-2' })]);
    const d = lineDiscounts(rows, ['7']);
    expect(d.map((x) => [x.lineRef, x.kind, x.funding, x.quantity, x.unitAmountCents, x.amountCents])).toEqual([
      ['7', 'buydown', 'manufacturer', 2, 50, 100],
      ['7', 'multipack', 'outlet', 2, 50, 100],
      ['7', 'buydown', 'manufacturer', 1, 50, 50],
    ]);
  });
});
