import { describe, expect, it } from 'vitest';
import { seedText } from '../../src/conformance/seed-examples.ts';
import { NCR_EXAMPLES, WINREST_EXAMPLES } from './seed-examples.ts';

/** Every key and every primitive value of an example, as text. */
function seedWords(example: unknown): string[] {
  const words: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        words.push(k);
        walk(x);
      }
    } else words.push(String(v));
  };
  walk(example);
  return words;
}

/** The examples the conformance tests replay are the documents' own, as the kit reads them. */
describe('seed examples', () => {
  it('are the kit\'s examples as plain JSON, alternatives as one "A or B" string', () => {
    expect(NCR_EXAMPLES.pending.response.presentation.identifier).toBe('Transaction ID: $loyaltyTransactionId');
    expect(WINREST_EXAMPLES.identify.request.posVendor).toEqual({
      operator: '300',
      posType: 'Winrest or Tillster',
      supportingPos: 'Partner',
      storeId: '9999',
      terminal: '0',
      transactionId: '000000000257',
    });
    expect(WINREST_EXAMPLES.void.request.transactionDetails.order).toHaveLength(4);
    expect(WINREST_EXAMPLES.identifyReference.response.order[0]).toEqual({
      productId: '$incentivePlu',
      incentiveId: 'sanity id of reward or offer',
      quantity: '1',
      referenceId: '00',
      productType: 'REWARD or OFFER',
      price: '0',
    });
  });

  /**
   * The kit proves each untangling gives back its merged block character for character; this also
   * proves it spliced no value together from two pages: each key and value occurs whole in the file.
   */
  it.each([
    ['identify answer (Winrest page)', WINREST_EXAMPLES.identify.response],
    ['validate answer', WINREST_EXAMPLES.validate.response],
    ['RulesError', WINREST_EXAMPLES.validate.error],
    ['update answer', WINREST_EXAMPLES.update.response],
    ['unclaimed answer', WINREST_EXAMPLES.unclaimed.response],
  ])('every key and value of the untangled %s occurs in the Winrest document', (_name, example) => {
    const text = seedText('winrest');
    for (const word of seedWords(example)) expect(text, word).toContain(word);
  });
});
