import { readFileSync } from 'node:fs';
import { type Leniency, parseSeedJson, type SeedNode } from './seed-json.ts';
import { readSeedDocument, type SeedBlock, untangle } from './seed-document.ts';

/**
 * Every example request and answer of the two vendor documents, read from the byte-identical
 * copies in `src/conformance/seeds/` (a test proves they equal `../shared/seeds/`).
 *
 * @example
 * const { pending } = seedExamples('ncr');
 * pending.request.node   // the PENDING request as the NCR document writes it
 * pending.answer.node    // its example answer
 */

export type SeedSource = 'ncr' | 'winrest';

export interface SeedExample {
  source: SeedSource;
  /** the block's position among the document's code blocks and its first line in the file */
  block: number;
  line: number;
  /** the heading and label the document gives the block */
  heading: string;
  /** for the merged part of the Winrest file: which page's reading of the block this is */
  reading?: 'reference' | 'winrest';
  node: SeedNode;
  leniencies: Leniency[];
}

export interface SeedPair {
  request: SeedExample;
  answer: SeedExample;
}

export const SEED_FILES: Record<SeedSource, string> = {
  ncr: 'loyalty-api-v1-ncr.txt',
  winrest: 'loyalty-api-v1-winrest.txt',
};

export function seedText(source: SeedSource): string {
  return readFileSync(new URL(`./seeds/${SEED_FILES[source]}`, import.meta.url), 'utf8');
}

/**
 * Where each example is: a block index, the prose the block must follow (a guard against an edited
 * file), and for a merged block of the Winrest file the block with the other page's text in `[-…-]`.
 */
interface Spec {
  block: number;
  heading: string[];
  reading?: 'reference' | 'winrest';
  annotated?: string;
  /** a merged example that runs on into the next block (the Winrest page's Identify answer) */
  continued?: { block: number; annotated: string };
}

const NCR: Record<'identify' | 'pending' | 'claimed', { request: Spec; answer: Spec }> = {
  identify: { request: { block: 0, heading: ['Identify', 'Example request'] }, answer: { block: 1, heading: ['Example response'] } },
  pending: { request: { block: 2, heading: ['Update (Pending)', 'Example request'] }, answer: { block: 3, heading: ['Example', 'response'] } },
  claimed: { request: { block: 4, heading: ['Update (Claimed)', 'Example request'] }, answer: { block: 5, heading: ['Example response'] } },
};

// ---- the merged blocks of loyalty-api-v1-winrest.txt, with the other page's text in [-…-] ----------

/** Winrest page, Identify, example request (merged with the tail of the reference's sale body). */
const WINREST_IDENTIFY_REQUEST = `{
    "identifier": "123456",
    "posVendor": {
          "[-productId-]operator": "[-$plu-]300",
                "[-productType"-]posType": "[-item-]Winrest"[-,-] or "Tillster",
              "[-quantity"-]supportingPos": [-1-]"Partner",
        "storeId": "9999",
        "[-referenceId-]terminal": "[-3-]0",
        "transactionId": "000000000257"
    }
[- "tax": 0
-]  }`;

/** Winrest page, Identify, example response: its first part (merged with the reference's sale body) … */
const WINREST_IDENTIFY_ANSWER = `{
    "balances": [
[-   }-]     {
[-   ],-]         "[-payments-]amount": [-[-]14464,
[-            {-]
"currency": "points"
        }
[-      "amount": 500-]],
       "loyaltyUser": {
        "[-type-]created": "[-CASH" or "CARD",-]2021-08-10T12:18:39.180Z",
          "id": "4711fc2a-3a8f-414f-a9e7-44dd5231dca7",
        "[-ccToken-]name": "[-optional PAN token-]Farhan"
            [-}-]},
    "order":  [
[- ],         "posVendor": -]{
            "[-operator-]productId": "[-300-]$incentivePlu",
            "[-posType-]incentiveId": "[-POS/Kiosk vendor name-]sanity id of reward or offer",
            "[-storeId-]quantity": "[-9999-]1",
            "[-terminal-]referenceId": "[-0-]00",

[-           "transactionId": "000000000257"-]       "productType": "REWARD or [-}-]OFFER",
[-    }  } -]`;

/** … and its end, merged with the reference's Transaction Validation answer. */
const WINREST_IDENTIFY_ANSWER_END = `[-{     -]"[-points-]price": [-14464,-]"300" 
[-   "pointsEarned": 50,     "pointsRedeemed": 750-]},
[-    "loyaltyId": "4711fc2a-3a8f-414f-a9e7-44dd5231dca7"-]],
    "transactionId": "[-07e5c312-]f4190848-[-9e8e-]169d-[-4e67-]4c69-[-8980-]9f53-[-f42fc499a142-]f916318c432b"
}`;

/** Reference, Transaction Validation, expected response (merged with the end of the Winrest Identify answer). */
const REFERENCE_VALIDATE_ANSWER = `{     "points[-price-]": 14464,[-"300" -]
   "pointsEarned": 50,     "pointsRedeemed": 750[-}-],
    "loyaltyId": "4711fc2a-3a8f-414f-a9e7-44dd5231dca7"[-]-],
    "transactionId": "07e5c312[-f4190848-]-9e8e[-169d-]-4e67[-4c69-]-8980[-9f53-]-f42fc499a142[-f916318c432b-]"
}`;

/** Reference, Transaction Validation, the RulesError example (merged with the Winrest Validate request). */
const REFERENCE_RULES_ERROR = `{
    "code[-channel-]": "RulesError[-Restaurant-]",
    "details[-created-]": {[-"2021-05-04T13:39:47Z",-]
    "ruleEvaluation[-serviceMode-]": [[-"Eatin",-]
      {[-"status": "CLAIMED",-]
        "code[-transactionDetails-]": "insufficient-point-balance",[-{-]
        "currentValue[-currency-]": 0[-"USD"-],
        "message[-order-]": "User does not have sufficient funds to redeem reward",
[- [
            {-]
      "ruleId": "point-balance",         "targetValue[-name-]": 250[- "some incentive name",-]
      }     ],     "isEngineError[-price-]": true[-5.00-],
     "errorConfig": {           "timeout[-productId-]": 0[-"$incentivePlu"-],
      "method": "put",          "data[-productType-]": "__REDACTED__[-offer-]",
      "url": $url       }   },   "message[-quantity-]": "Rule evaluation failed"
}`;

/** Winrest page, Validate, example response (merged with the reference's sale body). */
const WINREST_VALIDATE_ANSWER = `{
    "[-productType-]points": [-"item"-]14464,
    "pointsEarned": 50,
    "pointsRedeemed": 750,
    "[-quantity-]loyaltyId": [-1-]"4711fc2a-3a8f-414f-a9e7-44dd5231dca7",
    "transactionId": "07e5c312-9e8e-4e67-8980-f42fc499a142"
     }`;

/** Winrest page, Validate, example error response (merged with the reference's sale body). */
const WINREST_RULES_ERROR = `{
    "[-referenceId-]code": "[-3-]RulesError",
  "details": {
    "ruleEvaluation": [
[-      "tax":-]{
[-0-]        "code": "insufficient-point-balance",
[-   }         ]-]"currentValue": 0,
        "[-payments-]message": [-[-]"User does not have sufficient funds to redeem reward",
[-    {-]    "ruleId": "point-balance",
           "[-amount-]targetValue": [-500,-]250
      }
    ],
    "[-type-]isEngineError": [-"CASH" or-]true,
    "[-CARD-]errorConfig"[-,-]: {
      "timeout": 0,
       "[-ccToken-]method": "[-optional-]put",
[-PAN token"-]     "data": "__REDACTED__",
      [-}-]"url": $url
    }
  [-]-]},
  
     "[-posVendor-]message": [-{-]
       "Rule evaluation failed"
}`;

/** Reference, Transaction Update, expected response (merged with the Winrest Update request). */
const REFERENCE_UPDATE_ANSWER = `{     "points": 14464,     "pointsEarned[-name-]": 50[- "some incentive name"-],
    "pointsRedeemed": 750,     "loyaltyId": "$loyaltyUserId",     "transactionId[-price-]": "$transactionId"
}`;

/** Reference, Unclaimed Transaction, example response (merged with the Winrest Update response). */
const REFERENCE_UNCLAIMED_ANSWER = `{
  "presentation":
{     "footer[-points-]": "receipt footer"[-14464-],
    "header[-pointsEarned-]": "receipt header"[-50-],
    "marketing[-pointsRedeemed-]": "receipt marketing promo"[-750-],
    "identifier[-loyaltyId-]": "Transaction ID: $transactionId"[-$loyaltyUserId",-]
  },   "transactionId": "$transactionId"
}`;

/** Winrest page, Update, example response (merged with the reference's Unclaimed answer). */
const WINREST_UPDATE_ANSWER = `{
[-  "presentation":
{-]     "[-footer-]points": [-"receipt footer"-]14464,
    "[-header-]pointsEarned": [-"receipt header"-]50,
    "[-marketing-]pointsRedeemed": [-"receipt marketing promo"-]750,
    "[-identifier-]loyaltyId": [-"Transaction ID: $transactionId-]"$loyaltyUserId",
  [-},-]   "transactionId": "$transactionId"
}`;

/**
 * The reference writes one sale body for validate, update, unclaimed and void; only its copy under
 * Void survives the merge whole, so it is the request of every transaction call (the test shows
 * the Unclaimed copy's readable part is the same text).
 */
const SALE: Spec = { block: 13, heading: ['Void', 'Example Request'] };

const WINREST = {
  identify: { request: { block: 0, heading: ['Identify (POST)', 'Expected Request Payload:'] }, answer: { block: 1, heading: ['Expected Response Payload:'] } },
  identifyWinrest: {
    request: { block: 2, heading: ['Identify', 'Example request'], reading: 'winrest', annotated: WINREST_IDENTIFY_REQUEST },
    answer: {
      block: 3,
      heading: ['Example response'],
      reading: 'winrest',
      annotated: WINREST_IDENTIFY_ANSWER,
      continued: { block: 4, annotated: WINREST_IDENTIFY_ANSWER_END },
    },
  },
  validate: { request: SALE, answer: { block: 4, heading: ['Expected Response Payload:'], reading: 'reference', annotated: REFERENCE_VALIDATE_ANSWER } },
  validateWinrest: { request: SALE, answer: { block: 7, heading: ['Example Response'], reading: 'winrest', annotated: WINREST_VALIDATE_ANSWER } },
  rulesError: { request: SALE, answer: { block: 5, heading: ['Validate', 'Request'], reading: 'reference', annotated: REFERENCE_RULES_ERROR } },
  rulesErrorWinrest: { request: SALE, answer: { block: 8, heading: ['Example Error Response'], reading: 'winrest', annotated: WINREST_RULES_ERROR } },
  update: { request: SALE, answer: { block: 10, heading: ['Expected Response Payload:'], reading: 'reference', annotated: REFERENCE_UPDATE_ANSWER } },
  updateWinrest: { request: SALE, answer: { block: 12, heading: ['Example Response'], reading: 'winrest', annotated: WINREST_UPDATE_ANSWER } },
  unclaimed: { request: SALE, answer: { block: 12, heading: ['Example Response'], reading: 'reference', annotated: REFERENCE_UNCLAIMED_ANSWER } },
  void: { request: SALE, answer: { block: 14, heading: ['Example Response'] } },
} satisfies Record<string, { request: Spec; answer: Spec }>;

export type NcrExampleName = keyof typeof NCR;
export type WinrestExampleName = keyof typeof WINREST;

export class SeedDocumentError extends Error {}

function load(source: SeedSource, blocks: SeedBlock[], spec: Spec): SeedExample {
  const block = blocks[spec.block];
  if (!block) throw new SeedDocumentError(`${SEED_FILES[source]} has no code block #${spec.block}`);
  const context = block.context.join(' | ');
  for (const h of spec.heading) {
    if (!block.context.includes(h))
      throw new SeedDocumentError(`${SEED_FILES[source]} block #${spec.block} (line ${block.line}) is not under "${h}": ${context}`);
  }
  let text = spec.annotated === undefined ? block.text : untangle(block, spec.annotated);
  if (spec.continued) {
    const next = blocks[spec.continued.block];
    if (!next) throw new SeedDocumentError(`${SEED_FILES[source]} has no code block #${spec.continued.block}`);
    text += '\n' + untangle(next, spec.continued.annotated);
  }
  let parsed: ReturnType<typeof parseSeedJson>;
  try {
    parsed = parseSeedJson(text);
  } catch (e) {
    throw new SeedDocumentError(
      `${SEED_FILES[source]} block #${spec.block} (line ${block.line}${spec.reading ? `, ${spec.reading} reading` : ''}): ${(e as Error).message}`,
    );
  }
  const { value, leniencies } = parsed;
  return {
    source,
    block: spec.block,
    line: block.line,
    heading: spec.heading.join(' / '),
    ...(spec.reading ? { reading: spec.reading } : {}),
    node: value,
    leniencies,
  };
}

const cache = new Map<SeedSource, Record<string, SeedPair>>();

/** The named request/answer pairs of one document, parsed from the shipped copy. */
export function seedExamples(source: 'ncr'): Record<NcrExampleName, SeedPair>;
export function seedExamples(source: 'winrest'): Record<WinrestExampleName, SeedPair>;
export function seedExamples(source: SeedSource): Record<string, SeedPair>;
export function seedExamples(source: SeedSource): Record<string, SeedPair> {
  const hit = cache.get(source);
  if (hit) return hit;
  const blocks = readSeedDocument(seedText(source));
  const specs: Record<string, { request: Spec; answer: Spec }> = source === 'ncr' ? NCR : WINREST;
  const out = Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [name, { request: load(source, blocks, s.request), answer: load(source, blocks, s.answer) }]),
  );
  cache.set(source, out);
  return out;
}
