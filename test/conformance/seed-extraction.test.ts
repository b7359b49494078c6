import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSeedDocument, untangle, UntangleError } from '../../src/conformance/seed-document.ts';
import { SEED_FILES, seedExamples, seedText } from '../../src/conformance/seed-examples.ts';
import { fieldOf, parseSeedJson, SeedSyntaxError, toPlainJson } from '../../src/conformance/seed-json.ts';

/**
 * The conformance kit reads the vendor documents literally: the copies it ships are the documents
 * byte for byte, every example is found where the document has it, and what the lenient reader
 * does with the documents' not-quite-JSON is stated here, case by case.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// CI has shared/ beside the repository; a checkout elsewhere names it (no silent skip).
const SHARED = process.env.TILLPOINT_SHARED_DIR ?? join(ROOT, '..', 'shared');

describe('the shipped seed documents', () => {
  it.each(Object.values(SEED_FILES))('src/conformance/seeds/%s is ../shared/seeds/ byte for byte', (file) => {
    const original = join(SHARED, 'seeds', file);
    expect(existsSync(original), `${original} (set TILLPOINT_SHARED_DIR when shared/ is not beside the repository)`).toBe(true);
    expect(readFileSync(join(ROOT, 'src/conformance/seeds', file)).equals(readFileSync(original))).toBe(true);
  });
});

describe('the lenient seed-JSON reader', () => {
  it('keeps comments, trailing commas, optional markers, alternatives, notes and bare words as data', () => {
    const { value, leniencies } = parseSeedJson(`{
      "type": "REWARD or OFFER", // a comment
      "tender": "CASH" or "CARD",
      "name": "sanity id of reward or offer"
      "parentReferenceId"?: "1",
      "price": "0" (price field only returned back for rewards),
      "productType": "REWARD or OFFER",
      "url": $url,
    }`);
    expect(toPlainJson(value)).toEqual({
      type: 'REWARD or OFFER',
      tender: 'CASH or CARD',
      name: 'sanity id of reward or offer',
      parentReferenceId: '1',
      price: '0',
      productType: 'REWARD or OFFER',
      url: '$url',
    });
    expect(fieldOf(value, 'type')?.value).toEqual({
      type: 'oneOf',
      options: [
        { type: 'string', text: 'REWARD' },
        { type: 'string', text: 'OFFER' },
      ],
    });
    expect(fieldOf(value, 'type')?.note).toBe('a comment');
    expect(fieldOf(value, 'tender')?.value.type).toBe('oneOf');
    // prose with "or" in it is one string, not two alternatives
    expect(fieldOf(value, 'name')?.value).toEqual({ type: 'string', text: 'sanity id of reward or offer' });
    expect(fieldOf(value, 'parentReferenceId')?.optional).toBe(true);
    expect(fieldOf(value, 'price')).toMatchObject({ note: 'price field only returned back for rewards', onlyWhen: { key: 'type', equals: 'REWARD' } });
    expect(fieldOf(value, 'url')?.value).toEqual({ type: 'placeholder', name: '$url' });
    expect(leniencies.map((l) => l.kind).sort()).toEqual(
      [
        'alternatives',
        'alternatives-in-string',
        'alternatives-in-string',
        'bare-word',
        'comment',
        'missing-comma',
        'note',
        'optional-marker',
        'trailing-comma',
      ].sort(),
    );
  });

  it('keeps a number as the document spells it', () => {
    expect(parseSeedJson('{"price": 5.00}').value).toEqual({
      type: 'object',
      fields: [{ key: 'price', value: { type: 'number', text: '5.00', value: 5 }, optional: false }],
    });
  });

  it('refuses what no lenient reading makes sense of, naming the line', () => {
    expect(() => parseSeedJson('{\n  "a": 1,\n  "b" "c"\n}')).toThrow(SeedSyntaxError);
    expect(() => parseSeedJson('{\n  "a": 1,\n  "b" "c"\n}')).toThrow(/line 3/);
  });
});

describe('loyalty-api-v1-ncr.txt', () => {
  const ncr = seedExamples('ncr');

  it('has six examples, each parsed from its own code block', () => {
    expect(readSeedDocument(seedText('ncr'))).toHaveLength(6);
    expect(Object.fromEntries(Object.entries(ncr).map(([k, p]) => [k, [p.request.line, p.answer.line]]))).toEqual({
      identify: [35, 50],
      pending: [95, 175],
      claimed: [211, 287],
    });
  });

  it('identify: the identifier is "$digitCode or $loyaltyId", the answer lists eligibleDiscounts without orderReferenceId', () => {
    expect(toPlainJson(ncr.identify.request.node)).toEqual({
      identifier: '$digitCode or $loyaltyId',
      posVendor: {
        matchingId: '$smgCode',
        operator: '$operatorId',
        posType: '$posVendorName',
        storeId: '$rbiStoreId',
        terminal: '$terminalNumber',
        transactionId: '$posTransactionId',
      },
    });
    expect(fieldOf(ncr.identify.request.node, 'identifier')?.value.type).toBe('oneOf');
    expect(toPlainJson(ncr.identify.answer.node)).toEqual({
      balances: [{ amount: 14464, currency: 'points' }],
      eligibleDiscounts: [
        { details: { displayName: 'some display name', type: 'REWARD or OFFER' }, productId: '$benefitPlu', referenceId: '$loyaltyIncentiveId' },
      ],
      loyaltyUser: { created: '2021-08-10T12:18:39.180Z', id: '$loyaltyUserId', name: '$loyaltyUserName' },
      order: [{ name: 'Whopper', productId: '$incentivePlu', referenceId: '00' }],
      transactionId: '$loyaltyTransactionId',
    });
  });

  it('the update answers: a comment and a trailing comma the reader records, the rest as written', () => {
    for (const pair of [ncr.pending, ncr.claimed]) {
      expect(pair.answer.leniencies.map((l) => l.kind).sort()).toEqual(['comment', 'trailing-comma', 'alternatives-in-string'].sort());
      const discount = (pair.answer.node as { fields: { key: string; value: { items: unknown[] } }[] }).fields[0]!.value.items[0];
      expect(fieldOf(discount as never, 'orderReferenceId')?.note).toBe('this will be the referenceId on the request order entry');
      expect(toPlainJson(pair.answer.node)).toMatchObject({
        points: 102220,
        pointsEarned: 5000,
        pointsRedeemed: 0,
        receiptCode: 'J25QL1WAH5KJ7P75',
        presentation: { identifier: 'Transaction ID: $loyaltyTransactionId' },
      });
    }
    // the PENDING request spells the service mode placeholder "$serivceMode", the CLAIMED one "$serviceMode"
    expect(toPlainJson(ncr.pending.request.node)).toMatchObject({
      serviceMode: '$serivceMode',
      status: 'PENDING',
      transactionDetails: { appliedDiscounts: [{ referenceId: '' }] },
    });
    expect(toPlainJson(ncr.claimed.request.node)).toMatchObject({
      serviceMode: '$serviceMode',
      status: 'CLAIMED',
      transactionDetails: { appliedDiscounts: [{ referenceId: '$loyaltyIncentiveId' }] },
    });
  });
});

describe('loyalty-api-v1-winrest.txt (the endpoint reference merged with the Winrest page)', () => {
  const w = seedExamples('winrest');
  const blocks = readSeedDocument(seedText('winrest'));

  it('has fifteen code blocks; those from "Overview" on up to Void are merged and unreadable as they stand', () => {
    expect(blocks).toHaveLength(15);
    const unreadable = blocks.filter((b) => {
      try {
        parseSeedJson(b.text);
        return false;
      } catch {
        return true;
      }
    });
    expect(unreadable.map((b) => b.index)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('an untangling must give back the block exactly: no character invented or dropped', () => {
    const block = blocks[10]!;
    expect(untangle(block, block.text)).toBe(block.text);
    expect(() => untangle(block, block.text.replace('"points": 14464', '"points": 14465'))).toThrow(UntangleError);
    expect(() => untangle(block, block.text.replace('pointsEarnedname', 'pointsEarned[-name-]x'))).toThrow(/differs from the file/);
  });

  it('identify (the reference): "Winrest" or "Tillster", a missing comma, and price only for rewards', () => {
    expect(toPlainJson(w.identify.request.node)).toEqual({
      identifier: '123456',
      posVendor: { operator: '300', posType: 'Winrest or Tillster', supportingPos: 'Partner', storeId: '9999', terminal: '0', transactionId: '000000000257' },
    });
    expect(toPlainJson(w.identify.answer.node)).toEqual({
      balances: [{ amount: 14464, currency: 'points' }],
      loyaltyUser: { created: '2021-08-10T12:18:39.180Z', id: '4711fc2a-3a8f-414f-a9e7-44dd5231dca7', name: 'Farhan' },
      order: [
        {
          productId: '$incentivePlu',
          incentiveId: 'sanity id of reward or offer',
          quantity: '1',
          referenceId: '00',
          productType: 'REWARD or OFFER',
          price: '0',
        },
      ],
      transactionId: 'f4190848-169d-4c69-9f53-f916318c432b',
    });
    expect(w.identify.answer.leniencies.map((l) => l.kind)).toEqual(expect.arrayContaining(['missing-comma', 'note', 'trailing-comma']));
    const line = (w.identify.answer.node as { fields: { key: string; value: { items?: unknown[] } }[] }).fields.find((f) => f.key === 'order')!.value.items![0];
    expect(fieldOf(line as never, 'price')?.onlyWhen).toEqual({ key: 'productType', equals: 'REWARD' });
  });

  it('the Winrest page repeats the reference identify request, and answers the reward price "300"', () => {
    expect(w.identifyWinrest.request.reading).toBe('winrest');
    expect(w.identifyWinrest.request.node).toEqual(w.identify.request.node);
    expect(toPlainJson(w.identifyWinrest.answer.node)).toEqual({
      balances: [{ amount: 14464, currency: 'points' }],
      loyaltyUser: { created: '2021-08-10T12:18:39.180Z', id: '4711fc2a-3a8f-414f-a9e7-44dd5231dca7', name: 'Farhan' },
      order: [
        {
          productId: '$incentivePlu',
          incentiveId: 'sanity id of reward or offer',
          quantity: '1',
          referenceId: '00',
          productType: 'REWARD or OFFER',
          price: '300',
        },
      ],
      transactionId: 'f4190848-169d-4c69-9f53-f916318c432b',
    });
  });

  it('validate: the answer, the same on both pages', () => {
    const answer = {
      points: 14464,
      pointsEarned: 50,
      pointsRedeemed: 750,
      loyaltyId: '4711fc2a-3a8f-414f-a9e7-44dd5231dca7',
      transactionId: '07e5c312-9e8e-4e67-8980-f42fc499a142',
    };
    expect(toPlainJson(w.validate.answer.node)).toEqual(answer);
    expect(w.validateWinrest.answer.node).toEqual(w.validate.answer.node);
  });

  it('the RulesError example keeps isEngineError and errorConfig, with the bare $url, the same on both pages', () => {
    expect(toPlainJson(w.rulesError.answer.node)).toEqual({
      code: 'RulesError',
      details: {
        ruleEvaluation: [
          {
            code: 'insufficient-point-balance',
            currentValue: 0,
            message: 'User does not have sufficient funds to redeem reward',
            ruleId: 'point-balance',
            targetValue: 250,
          },
        ],
        isEngineError: true,
        errorConfig: { timeout: 0, method: 'put', data: '__REDACTED__', url: '$url' },
      },
      message: 'Rule evaluation failed',
    });
    expect(w.rulesErrorWinrest.answer.node).toEqual(w.rulesError.answer.node);
  });

  it('update, unclaimed and void answers', () => {
    const update = { points: 14464, pointsEarned: 50, pointsRedeemed: 750, loyaltyId: '$loyaltyUserId', transactionId: '$transactionId' };
    expect(toPlainJson(w.update.answer.node)).toEqual(update);
    expect(toPlainJson(w.updateWinrest.answer.node)).toEqual(update);
    expect(toPlainJson(w.unclaimed.answer.node)).toEqual({
      presentation: { footer: 'receipt footer', header: 'receipt header', marketing: 'receipt marketing promo', identifier: 'Transaction ID: $transactionId' },
      transactionId: '$transactionId',
    });
    expect(toPlainJson(w.void.answer.node)).toEqual({ transactionId: '$transactionId' });
  });

  it("the sale body of every transaction call: Void's copy, which the Unclaimed copy repeats where it is readable", () => {
    const sale = w.void.request;
    for (const pair of [w.validate, w.update, w.unclaimed, w.rulesError]) expect(pair.request).toStrictEqual(sale);
    expect(toPlainJson(sale.node)).toEqual({
      channel: 'Restaurant',
      created: '2021-05-04T13:39:47Z',
      serviceMode: 'Eatin',
      status: 'CLAIMED',
      transactionDetails: {
        currency: 'USD',
        order: [
          { name: 'some incentive name', price: 5, productId: '$incentivePlu', productType: 'offer', quantity: 1, referenceId: '1', tax: 0 },
          { name: 'med whopper combo', price: 5, productId: '$plu', productType: 'combo', quantity: 1, referenceId: '1', tax: 0 },
          { name: 'whopper', parentReferenceId: '1', price: 0, productId: '$plu', productType: 'item', quantity: 1, referenceId: '2', tax: 0 },
          { name: 'med fries', parentReferenceId: '1', price: 0, productId: '$plu', productType: 'item', quantity: 1, referenceId: '3', tax: 0 },
        ],
        payments: [{ amount: 500, type: 'CASH or CARD', ccToken: 'optional PAN token' }],
        posVendor: { operator: '300', posType: 'POS/Kiosk vendor name', storeId: '9999', terminal: '0', transactionId: '000000000257' },
      },
    });
    const from = (text: string) => text.slice(text.indexOf('"name": "med whopper combo"'));
    expect(from(blocks[11]!.text)).toBe(from(blocks[13]!.text));
  });
});
