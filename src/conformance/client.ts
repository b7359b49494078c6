import { checkAgainst, type FieldResult, MissingValueError } from './check.ts';
import { bindIdentified, chainStart, type KitValues, requestText, type Step, steps } from './scenario.ts';

/**
 * The server side of certification: replays the seeds' examples (`scenario.ts`) against any
 * Loyalty API v1 server over HTTP (global fetch) and checks every answer field by field.
 */

export interface CallResult {
  step: string;
  /** the code and message of an error answer */
  said?: string;
  title: string;
  method: string;
  path: string;
  /** where the example comes from, e.g. "loyalty-api-v1-ncr.txt line 95 → line 175" */
  example: string;
  note?: string;
  status: { expected: number; actual: number | null };
  fields: FieldResult[];
  /** why the call was not made or its answer not read */
  error?: string;
  ok: boolean;
}

export interface RunReport {
  kind: 'server';
  target: string;
  vendor: string;
  calls: CallResult[];
  passed: number;
  failed: number;
  ok: boolean;
}

export interface RunOptions extends KitValues {
  target: string;
  key: string;
  /** called as each call completes (the CLI prints the table as it goes) */
  onCall?: (call: CallResult) => void;
  /** replaces global fetch (tests) */
  fetch?: typeof fetch;
}

function source(step: Step): string {
  const file = (s: { source: string }) => `loyalty-api-v1-${s.source}.txt`;
  const r = step.request;
  const a = step.answer;
  return `${file(r)} line ${r.line} → ${a.source === r.source ? '' : `${file(a)} `}line ${a.line}${a.reading ? ` (${a.reading} reading)` : ''}`;
}

export async function runConformance(options: RunOptions): Promise<RunReport> {
  const doFetch = options.fetch ?? fetch;
  const base = options.target.replace(/\/+$/, '');
  const chains = new Map<Step['chain'], Map<string, string>>();
  const calls: CallResult[] = [];
  for (const step of steps(options.vendor)) {
    let bindings = chains.get(step.chain);
    if (!bindings) {
      bindings = chainStart(step.chain, options, chains.get('sale') ?? new Map());
      chains.set(step.chain, bindings);
    }
    const call: CallResult = {
      step: step.id,
      title: step.title,
      method: step.method,
      path: step.path,
      example: source(step),
      status: { expected: step.status, actual: null },
      fields: [],
      ok: false,
    };
    if (step.note) call.note = step.note;
    calls.push(call);
    try {
      if (step.chain === 'rules-error' && (!options.shortIdentifier || !options.rewardPlu || (options.vendor === 'ncr' && !options.rewardId))) {
        throw new Error(
          `not sent: the RulesError example needs a guest who cannot afford a reward (--short-identifier) and that reward (--reward-plu${options.vendor === 'ncr' ? ', --reward-id' : ''})`,
        );
      }
      const txn = bindings.get('$loyaltyTransactionId');
      if (step.path.includes('{txn}') && !txn) throw new MissingValueError('$loyaltyTransactionId', 'the URL');
      call.path = step.path.replace('{txn}', txn ?? '');
      const body = requestText(step, options, bindings);
      const res = await doFetch(`${base}${call.path}`, {
        method: step.method,
        headers: { 'content-type': 'application/json', 'x-api-key': options.key },
        body,
      });
      call.status.actual = res.status;
      const text = await res.text();
      let answer: unknown;
      try {
        answer = JSON.parse(text);
      } catch {
        throw new Error(`the answer is not JSON: ${text.slice(0, 120)}`);
      }
      const a = answer as { code?: unknown; message?: unknown } | null;
      if (res.status >= 400 && a && typeof a === 'object') call.said = `${String(a.code ?? '')} ${String(a.message ?? '')}`.trim();
      call.fields = checkAgainst(step.answer.node, answer, { bindings, exact: new Set(step.exact ?? []), requireElements: !step.allowEmpty });
      if (step.path === '/loyalty/identify') bindIdentified(answer, bindings);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      call.error =
        e instanceof MissingValueError
          ? `not sent: ${e.message}${step.chain === 'rules-error' ? '' : ' (an earlier call failed?)'}`
          : `${(e as Error).message}${cause ? `: ${cause.code ?? cause.message}` : ''}`;
    }
    call.ok = !call.error && call.status.actual === call.status.expected && call.fields.every((f) => f.ok);
    options.onCall?.(call);
  }
  const failed = calls.filter((c) => !c.ok).length;
  return { kind: 'server', target: base, vendor: options.vendor, calls, passed: calls.length - failed, failed, ok: failed === 0 };
}
