import { type Json, type FillOptions, fillExample } from './check.ts';
import { type SeedExample, seedExamples } from './seed-examples.ts';

/**
 * The calls the kit replays, in the seeds' order, and which example each sends and expects. Pure:
 * the HTTP client (`client.ts`) and the POS-side listener (`listener.ts`) both read it.
 *
 * NCR (loyalty-api-v1-ncr.txt): identify → validate → update PENDING → update CLAIMED → void →
 * unclaimed → the RulesError example. The NCR page shows identify and the two updates; validate,
 * void, unclaimed and the error come from the endpoint reference (loyalty-api-v1-winrest.txt),
 * with NCR's sale body where one is sent for a loyalty transaction.
 * Winrest, Tillster, Partner (the endpoint reference; Winrest's own page where it has the call):
 * identify → validate → update (CLAIMED) → void → unclaimed → the RulesError example.
 */

export const VENDORS = ['ncr', 'winrest', 'tillster', 'partner'] as const;
export type Vendor = (typeof VENDORS)[number];

/** `posVendor.posType` the kit sends for each vendor (`$posVendorName`, `"Winrest" or "Tillster"`). */
export const POS_TYPE: Record<Vendor, string> = { ncr: 'NCR', winrest: 'Winrest', tillster: 'Tillster', partner: 'Partner' };

export interface KitValues {
  vendor: Vendor;
  /** `posVendor.storeId` (`$rbiStoreId`, the reference's "9999") */
  store: string;
  /** identify's `identifier` (`$digitCode or $loyaltyId`, the reference's "123456"): a guest with one incentive pre-selected */
  identifier: string;
  /** a guest who cannot afford `rewardPlu`, for the RulesError example (a loyalty id, as it is identified twice) */
  shortIdentifier?: string;
  /** the PLU of a reward, rung for `shortIdentifier` in the RulesError example */
  rewardPlu?: string;
  /** NCR: that reward's incentive id, which NCR stamps on its applied discount (`$loyaltyIncentiveId`) */
  rewardId?: string;
  /** every other `$placeholder` by name, e.g. `$plu` (a menu item the target knows) */
  values: Record<string, string>;
  /** the POS transaction ids of this run start with it (the seeds' "000000000257"); unique per run */
  runId: string;
}

/** Sample values for the placeholders that only describe the till; the examples' own where they have one. */
export const DEFAULT_VALUES: Record<string, string> = {
  $smgCode: 'SMG-1',
  $operatorId: '300',
  $terminalNumber: '0',
  $serviceMode: 'Eatin',
  $serivceMode: 'Eatin',
  $panToken: 'optional PAN token',
};

export interface Step {
  id: string;
  title: string;
  method: 'POST' | 'PUT';
  /** the request path; `{txn}` is the chain's loyalty transaction */
  path: string;
  request: SeedExample;
  answer: SeedExample;
  /** the HTTP status the Loyalty API v1 contract gives the call */
  status: number;
  /** a chain of calls shares one loyalty transaction and its bindings */
  chain: 'sale' | 'unclaimed' | 'rules-error';
  /** answer paths whose example value is required as written */
  exact?: string[];
  /** the answer may have empty arrays where the example shows an element */
  allowEmpty?: boolean;
  /** what the step does to the values it sends, in words, for the report */
  note?: string;
}

const RULES_EXACT = ['$.code', '$.message', '$.details.ruleEvaluation[0].code', '$.details.ruleEvaluation[0].ruleId', '$.details.ruleEvaluation[0].message'];

export function steps(vendor: Vendor): Step[] {
  const ref = seedExamples('winrest');
  const winrest = vendor === 'winrest';
  const validate = winrest ? ref.validateWinrest : ref.validate;
  const update = winrest ? ref.updateWinrest : ref.update;
  const rulesError = winrest ? ref.rulesErrorWinrest : ref.rulesError;
  const unclaimed: Step = {
    id: 'unclaimed',
    title: 'Unclaimed transaction',
    method: 'POST',
    path: '/loyalty/transaction/pos',
    request: ref.unclaimed.request,
    answer: ref.unclaimed.answer,
    status: 200,
    chain: 'unclaimed',
  };
  const errorIdentify = (identify: { request: SeedExample; answer: SeedExample }): Step => ({
    id: 'rules-error.identify',
    title: 'Identify the guest who cannot afford the reward',
    method: 'POST',
    path: '/loyalty/identify',
    ...identify,
    status: 200,
    chain: 'rules-error',
    allowEmpty: true,
  });

  if (vendor === 'ncr') {
    const ncr = seedExamples('ncr');
    const ORDER_REF = ['$.eligibleDiscounts[0].orderReferenceId'];
    return [
      { id: 'identify', title: 'Identify', method: 'POST', path: '/loyalty/identify', ...ncr.identify, status: 200, chain: 'sale' },
      {
        id: 'validate',
        title: 'Validate (the PENDING cart)',
        method: 'POST',
        path: '/loyalty/transaction/pos/validate/{txn}',
        request: ncr.pending.request,
        answer: ref.validate.answer,
        status: 200,
        chain: 'sale',
      },
      {
        id: 'pending',
        title: 'Update PENDING',
        method: 'PUT',
        path: '/loyalty/transaction/pos/{txn}',
        ...ncr.pending,
        status: 200,
        chain: 'sale',
        exact: ORDER_REF,
      },
      {
        id: 'claimed',
        title: 'Update CLAIMED',
        method: 'PUT',
        path: '/loyalty/transaction/pos/{txn}',
        ...ncr.claimed,
        status: 200,
        chain: 'sale',
        exact: ORDER_REF,
      },
      {
        id: 'void',
        title: 'Void',
        method: 'PUT',
        path: '/loyalty/transaction/pos/{txn}/void',
        request: ncr.claimed.request,
        answer: ref.void.answer,
        status: 200,
        chain: 'sale',
      },
      unclaimed,
      errorIdentify(ncr.identify),
      {
        id: 'rules-error',
        title: 'Validate a reward the guest cannot afford (RulesError)',
        method: 'POST',
        path: '/loyalty/transaction/pos/validate/{txn}',
        // "This request should be an exact mirror of what the POS expects to send when they actually
        // claim the transaction": NCR's CLAIMED body, the reward stamped as NCR stamps it.
        request: ncr.claimed.request,
        answer: ref.rulesError.answer,
        status: 400,
        chain: 'rules-error',
        exact: RULES_EXACT,
        note: '$benefitPlu and $loyaltyIncentiveId are the reward',
      },
    ];
  }
  return [
    { id: 'identify', title: 'Identify', method: 'POST', path: '/loyalty/identify', ...ref.identify, status: 200, chain: 'sale' },
    { id: 'validate', title: 'Validate', method: 'POST', path: '/loyalty/transaction/pos/validate/{txn}', ...validate, status: 200, chain: 'sale' },
    { id: 'claimed', title: 'Update (CLAIMED)', method: 'PUT', path: '/loyalty/transaction/pos/{txn}', ...update, status: 200, chain: 'sale' },
    { id: 'void', title: 'Void', method: 'PUT', path: '/loyalty/transaction/pos/{txn}/void', ...ref.void, status: 200, chain: 'sale' },
    unclaimed,
    errorIdentify(ref.identify),
    {
      id: 'rules-error',
      title: 'Validate a reward the guest cannot afford (RulesError)',
      method: 'POST',
      path: '/loyalty/transaction/pos/validate/{txn}',
      ...rulesError,
      status: 400,
      chain: 'rules-error',
      exact: RULES_EXACT,
      note: '$incentivePlu is the reward',
    },
  ];
}

/** What the kit knows about the menu: learnt in the sale, or the reward of the RulesError example. */
const MENU = ['$incentivePlu', '$benefitPlu', '$loyaltyIncentiveId'];

/**
 * The bindings a chain starts with: the sale learns everything from its identify; the unclaimed sale
 * (no guest) keeps what the sale learnt about the menu, not who bought; the RulesError chain rings
 * the integrator's reward, which its identify must answer as pre-selected.
 */
export function chainStart(chain: Step['chain'], v: KitValues, sale: Map<string, string>): Map<string, string> {
  if (chain === 'unclaimed') return new Map([...sale].filter(([k]) => MENU.includes(k)));
  if (chain === 'rules-error') {
    return new Map(
      Object.entries({
        ...(v.rewardPlu ? { $benefitPlu: v.rewardPlu, $incentivePlu: v.rewardPlu } : {}),
        ...(v.rewardId ? { $loyaltyIncentiveId: v.rewardId } : {}),
      }),
    );
  }
  return new Map();
}

/** The POS transaction id of a chain: the run id and the chain, so reruns never collide. */
export function posTransactionId(v: KitValues, chain: Step['chain']): string {
  return `${v.runId}-${chain === 'sale' ? 'S' : chain === 'unclaimed' ? 'U' : 'E'}`;
}

/** Request paths where the example shows a sample of the till's own data, filled (and checked) as any string. */
export function isTillSample(path: string): boolean {
  return path === '$.identifier' || /\.posVendor\.(storeId|transactionId|posType)$/.test(path);
}

/**
 * How a step's request is filled: placeholders from the chain's bindings and the kit values; the
 * till's sample literals of the reference (`"identifier": "123456"`, `"storeId": "9999"`,
 * `"transactionId": "000000000257"`, `"posType": "Winrest" or "Tillster"`) replaced by the
 * integrator's, whatever the example writes there.
 */
export function fillOptions(step: Step, v: KitValues, bindings: Map<string, string>): FillOptions {
  const values = new Map<string, Json>(Object.entries({ ...DEFAULT_VALUES, ...v.values }));
  values.set('$rbiStoreId', v.store);
  values.set('$posVendorName', POS_TYPE[v.vendor]);
  values.set('$posTransactionId', posTransactionId(v, step.chain));
  for (const [k, value] of bindings) if (k.startsWith('$')) values.set(k, value);
  const identifier = step.chain === 'rules-error' ? (v.shortIdentifier ?? '') : v.identifier;
  return {
    values,
    at: (path) => {
      if (path === '$.identifier') return identifier;
      if (/\.posVendor\.storeId$/.test(path)) return v.store;
      if (/\.posVendor\.transactionId$/.test(path)) return posTransactionId(v, step.chain);
      if (/\.posVendor\.posType$/.test(path)) return POS_TYPE[v.vendor];
      return undefined;
    },
  };
}

export function requestText(step: Step, v: KitValues, bindings: Map<string, string>): string {
  return fillExample(step.request.node, fillOptions(step, v, bindings));
}

/**
 * After identify: the ids the later examples write differently all mean this loyalty transaction and
 * this guest (`$loyaltyTransactionId` on the NCR page, `$transactionId` in the reference, whose
 * validate answer also shows another literal id than its identify answer).
 */
export function bindIdentified(answer: unknown, bindings: Map<string, string>): void {
  const a = answer as { transactionId?: unknown; loyaltyUser?: { id?: unknown } } | null;
  if (typeof a?.transactionId === 'string') {
    for (const name of ['$loyaltyTransactionId', '$transactionId', '07e5c312-9e8e-4e67-8980-f42fc499a142']) bindings.set(name, a.transactionId);
  }
  if (typeof a?.loyaltyUser?.id === 'string') bindings.set('$loyaltyUserId', a.loyaltyUser.id);
}
