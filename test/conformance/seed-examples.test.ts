import { describe, expect, it } from 'vitest';
import { codeBlocks, NCR_EXAMPLES, SEED_TEXT, seedWords, UNTANGLED, WINREST_EXAMPLES } from './seed-examples.ts';

/** The examples the conformance tests replay are the documents' own. */
describe('seed examples', () => {
  it('parses every NCR code block, and the Winrest blocks the page diff leaves whole', () => {
    expect(codeBlocks(SEED_TEXT.ncr)).toHaveLength(6);
    expect(NCR_EXAMPLES.pending.response.presentation.identifier).toBe('Transaction ID: $loyaltyTransactionId');
    expect(WINREST_EXAMPLES.identify.request.posVendor).toEqual({ operator: '300', posType: 'Winrest or Tillster', supportingPos: 'Partner', storeId: '9999', terminal: '0', transactionId: '000000000257' });
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

  it.each(Object.entries(UNTANGLED))('every key and value of the hand-untangled %s occurs in the Winrest document', (_name, example) => {
    for (const word of seedWords(example)) expect(SEED_TEXT.winrest, word).toContain(word);
  });
});
