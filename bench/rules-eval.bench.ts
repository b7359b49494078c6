/**
 * Rules evaluation throughput: a 20-line cart against 200 active incentives with 5 rules each —
 * which of them could the guest redeem now, and why not — in one process. One evaluation = all
 * 200 incentives (1,000 rule checks) against the cart, the way the guest app's "available now" and
 * a kiosk's eligibility list need it. json-rules-engine (v7) evaluates equivalent rules on the same
 * facts in the same run; the ratio is reported, and both engines must agree on every incentive.
 *
 * Run: `node --import tsx bench/rules-eval.bench.ts` (or `npm run bench -- rules-eval`).
 */
import { loadavg } from 'node:os';
import { Engine, type NestedCondition, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import { buildCart, type Cart, type RawLine } from '../src/domain/cart.ts';
import { DAY_NAMES, periodStart } from '../src/domain/calendar.ts';
import { cartFacts, eligibility, evaluate, type EvaluationContext } from '../src/domain/evaluate.ts';
import type { Incentive, RuleRef } from '../src/domain/incentive.ts';
import { validateRuleRefs } from '../src/domain/rules/registry.ts';
import type { GuestHistory, RedemptionRecord } from '../src/domain/rules/rule.ts';
import { rng, table, writeResults } from './support.ts';

const INCENTIVES = 200;
const RULES_PER_INCENTIVE = 5;
const LINES = 20;
const TARGET_PER_SECOND = 20_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

const rand = rng(20261125);
const pick = <T>(list: readonly T[]): T => list[rand(list.length)]!;
const product = (i: number) => `P${String(i).padStart(3, '0')}`;

const NOW = { date: '2026-11-25', time: '12:30', dayOfWeek: 3 };
const AS_OF = '2026-11-25T17:30:00.000Z';
const STORE = { id: 's-9999', externalId: '9999', groups: ['northeast', 'franchisee-7'] };

/** Rule generators: each returns arguments that pass or fail about half the time. */
const GENERATORS: Record<string, () => Record<string, unknown>> = {
  'date-span': () => (rand(2) ? { start: '2026-11-01', end: '2026-12-31' } : { start: '2026-12-01', end: '2026-12-24' }),
  'time-span': () =>
    pick([
      { start: '11:00', end: '14:00' },
      { start: '14:00', end: '17:00' },
      { start: '22:00', end: '13:00' },
    ]),
  'day-of-the-week': () => ({ days: rand(2) ? ['MON', 'TUE', 'WED', 'THU', 'FRI'] : ['SAT', 'SUN'] }),
  'service-mode': () => ({ modes: rand(2) ? ['EAT_IN', 'TAKEOUT'] : ['DRIVE_THRU'] }),
  'store-restrictions': () => ({ storeIds: rand(2) ? ['9999', '1001', '2002'] : ['1001', '2002'] }),
  'restaurant-group': () => ({ groups: rand(2) ? ['northeast'] : ['west', 'south'] }),
  'subtotal-spend': () => ({ minimumCents: pick([1000, 5000, 9000, 20000]) }),
  'total-spend': () => ({ minimumCents: pick([1500, 6000, 12000, 25000]) }),
  // Required products come from P000–P029 and excluded ones from P030–P059: never both.
  'cart-requirements': () => ({ productIds: [product(rand(30)), product(rand(30)), product(rand(30))].filter((p, i, a) => a.indexOf(p) === i) }),
  'cart-exclusions': () => ({ productIds: [product(30 + rand(30)), product(30 + rand(30))].filter((p, i, a) => a.indexOf(p) === i) }),
  'payment-method': () => ({ types: rand(2) ? ['VISA', 'MASTERCARD'] : ['AMEX'] }),
  'max-redemption': () => ({ max: pick([1, 2, 3]), period: pick(['day', 'week', 'month', 'lifetime']) }),
};
const RULE_IDS = Object.keys(GENERATORS);

function makeIncentives(): Incentive[] {
  const out: Incentive[] = [];
  for (let i = 0; i < INCENTIVES; i++) {
    const ids = new Set<string>();
    while (ids.size < RULES_PER_INCENTIVE) ids.add(pick(RULE_IDS));
    const rules: RuleRef[] = [...ids].map((ruleId) => ({ ruleId, args: GENERATORS[ruleId]!() }));
    const kind = i % 4 === 0 ? 'REWARD' : 'OFFER';
    const incentive: Incentive = {
      id: `inc-${i}`,
      kind,
      name: `Incentive ${i}`,
      pointCost: kind === 'REWARD' ? 100 + rand(2000) : 0,
      rules,
      vendorConfigs: {},
    };
    const problems = validateRuleRefs(rules, kind);
    if (problems.length > 0) throw new Error(`bench incentive ${i} is invalid: ${problems.join('; ')}`);
    out.push(incentive);
  }
  return out;
}

function makeCart(): Cart {
  const lines: RawLine[] = [];
  for (let i = 0; i < LINES; i++) {
    const cents = 99 + rand(900);
    lines.push({
      referenceId: String(i + 1),
      productId: product(rand(60)),
      productType: 'item',
      quantity: 1 + rand(2),
      price: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
      tax: `0.${String(rand(90) + 10)}`,
    });
  }
  return buildCart('USD', lines, [
    { type: 'CASH', amount: 2000 },
    { type: 'VISA', amount: 9000 },
  ]);
}

function makeHistory(incentives: Incentive[]): GuestHistory {
  const redemptions: RedemptionRecord[] = [];
  for (let i = 0; i < 40; i++) {
    const inc = pick(incentives);
    const day = 1 + rand(25);
    const localDate = `2026-11-${String(day).padStart(2, '0')}`;
    redemptions.push({ incentiveId: inc.id, kind: inc.kind, quantity: 1, at: `${localDate}T17:00:00.000Z`, localDate });
  }
  return { asOf: AS_OF, redemptions, claimedTransactions: 12, birthdate: null, identification: 'code' };
}

// ---- json-rules-engine: the same rules as conditions on the same facts ----------------------

const dateNum = (d: string) => Number(d.replaceAll('-', ''));
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/** The union of the generated rules' arguments (each rule reads its own). */
interface Args {
  start: string;
  end: string;
  days: string[];
  modes: string[];
  storeIds: string[];
  groups: string[];
  minimumCents: number;
  productIds: string[];
  types: string[];
  max: number;
  period?: string;
}

function jreConditions(incentive: Incentive): TopLevelCondition {
  const all: NestedCondition[] = [];
  for (const { ruleId, args } of incentive.rules) {
    const a = args as unknown as Args;
    switch (ruleId) {
      case 'date-span':
        all.push(
          { fact: 'date', operator: 'greaterThanInclusive', value: dateNum(a.start) },
          { fact: 'date', operator: 'lessThanInclusive', value: dateNum(a.end) },
        );
        break;
      case 'time-span': {
        const start = { fact: 'minutes', operator: 'greaterThanInclusive', value: minutes(a.start) };
        const end = { fact: 'minutes', operator: 'lessThan', value: minutes(a.end) };
        all.push(minutes(a.start) < minutes(a.end) ? { all: [start, end] } : { any: [start, end] });
        break;
      }
      case 'day-of-the-week':
        all.push({ fact: 'day', operator: 'in', value: a.days });
        break;
      case 'service-mode':
        all.push({ fact: 'serviceMode', operator: 'in', value: a.modes });
        break;
      case 'store-restrictions':
        all.push({ fact: 'storeId', operator: 'in', value: a.storeIds });
        break;
      case 'restaurant-group':
        all.push({ any: a.groups.map((g) => ({ fact: 'storeGroups', operator: 'contains', value: g })) });
        break;
      case 'subtotal-spend':
        all.push({ fact: 'subtotal', operator: 'greaterThanInclusive', value: a.minimumCents });
        break;
      case 'total-spend':
        all.push({ fact: 'total', operator: 'greaterThanInclusive', value: a.minimumCents });
        break;
      case 'cart-requirements':
        all.push({ any: a.productIds.map((p) => ({ fact: 'productIds', operator: 'contains', value: p })) });
        break;
      case 'cart-exclusions':
        all.push({ all: a.productIds.map((p) => ({ fact: 'productIds', operator: 'doesNotContain', value: p })) });
        break;
      case 'payment-method':
        all.push({ any: a.types.map((t) => ({ fact: 'tenders', operator: 'contains', value: t })) });
        break;
      case 'max-redemption':
        // One more (this order) must still fit: earlier redemptions in the period < max.
        all.push({ fact: 'redeemed', params: { incentiveId: incentive.id, period: a.period ?? 'lifetime' }, operator: 'lessThan', value: a.max });
        break;
      default:
        throw new Error(`no json-rules-engine mapping for ${ruleId}`);
    }
  }
  if (incentive.kind === 'REWARD') all.push({ fact: 'balance', operator: 'greaterThanInclusive', value: incentive.pointCost });
  return { all };
}

function jreEngine(incentives: Incentive[]): Engine {
  const engine = new Engine([], { allowUndefinedFacts: false });
  for (const incentive of incentives) {
    const rule: RuleProperties = {
      name: incentive.id,
      conditions: jreConditions(incentive),
      event: { type: 'eligible', params: { incentiveId: incentive.id } },
    };
    engine.addRule(rule);
  }
  engine.addFact('redeemed', async (params: Record<string, string>, almanac) => {
    const history = (await almanac.factValue('history')) as GuestHistory;
    const from = periodStart(NOW.date, params.period as never);
    let n = 0;
    for (const r of history.redemptions!) if (r.incentiveId === params.incentiveId && r.localDate >= from) n += r.quantity;
    return n;
  });
  return engine;
}

function jreFacts(cart: Cart, history: GuestHistory, balance: number): Record<string, unknown> {
  const facts = cartFacts(cart);
  return {
    date: dateNum(NOW.date),
    minutes: minutes(NOW.time),
    day: DAY_NAMES[NOW.dayOfWeek],
    serviceMode: 'EAT_IN',
    storeId: STORE.externalId,
    storeGroups: STORE.groups,
    subtotal: facts.subtotalCents,
    total: facts.totalCents,
    productIds: [...facts.productQuantities.keys()],
    tenders: [...facts.tenderTypes],
    history,
    balance,
  };
}

// ---- the run ---------------------------------------------------------------------------------

async function timed(
  seconds: number,
  once: () => unknown | Promise<unknown>,
): Promise<{ runs: number; seconds: number; perSecond: number; meanMicros: number }> {
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  let runs = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 50; i++) await once();
    runs += 50;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { runs, seconds: Math.round(elapsed * 100) / 100, perSecond: Math.round(runs / elapsed), meanMicros: Math.round((elapsed / runs) * 1e7) / 10 };
}

/** The incentives, cart and context every run measures (deterministic). */
export function benchFixtures() {
  const incentives = makeIncentives();
  const cart = makeCart();
  const history = makeHistory(incentives);
  const balance = 1200;
  const ctx: EvaluationContext = {
    now: NOW,
    store: STORE,
    serviceMode: 'EAT_IN',
    guest: { id: 'g-bench', balance, enrolledAt: '2025-03-01T00:00:00.000Z' },
    earn: { rateMilli: 10_000, minimumSpendCents: 0, currencyDigits: 2 },
    incentives: new Map(incentives.map((i) => [i.id, i])),
    channel: 'App',
    history,
  };
  return { incentives, cart, history, balance, ctx };
}

export async function main(): Promise<unknown> {
  const { incentives, cart, history, balance, ctx } = benchFixtures();
  const engine = jreEngine(incentives);
  const facts = jreFacts(cart, history, balance);

  // Both engines must reach the same verdict on every incentive.
  const ours = eligibility(cart, ctx, incentives);
  const theirs = await engine.run(facts);
  const jreEligible = new Set(theirs.events.map((e) => (e.params as { incentiveId: string }).incentiveId));
  let agree = 0;
  for (const v of ours) if ((v.failures.length === 0) === jreEligible.has(v.incentive.id)) agree++;
  const eligibleCount = ours.filter((v) => v.failures.length === 0).length;
  if (agree !== incentives.length) throw new Error(`engines disagree on ${incentives.length - agree} incentives`);

  const loadBefore = loadavg()[0]!;
  // Warm up both (JIT), then measure.
  await timed(0.5, () => eligibility(cart, ctx, incentives));
  await timed(0.5, () => engine.run(facts));
  const tillpoint = await timed(SECONDS, () => eligibility(cart, ctx, incentives));
  const jre = await timed(SECONDS, () => engine.run(facts));

  // For reference: the POS path, evaluate() of the 20-line cart redeeming two of the incentives.
  const posCartLines = [...cart.lines];
  const redeemable = ours
    .filter((v) => v.failures.length === 0)
    .map((v) => v.incentive)
    .slice(0, 2);
  for (const [n, i] of redeemable.entries()) {
    posCartLines.push({
      ref: `L${n}`,
      parentRef: null,
      productId: `PLU-${i.id}`,
      name: i.name,
      kind: i.kind === 'REWARD' ? 'reward' : 'offer',
      quantity: 1,
      unitPriceCents: 0,
      amountCents: 0,
      taxCents: 0,
      incentiveId: i.id,
    });
  }
  const posCart: Cart = { ...cart, lines: posCartLines };
  const pos = await timed(1, () => evaluate(posCart, ctx));

  const ratio = Math.round((tillpoint.perSecond / jre.perSecond) * 10) / 10;
  const figures = {
    incentives: INCENTIVES,
    rulesPerIncentive: RULES_PER_INCENTIVE,
    cartLines: LINES,
    eligibleIncentives: eligibleCount,
    enginesAgreeOn: `${agree}/${incentives.length}`,
    tillpoint,
    jsonRulesEngine: jre,
    ratio,
    posEvaluate: pos,
    target: TARGET_PER_SECOND,
    met: tillpoint.perSecond >= TARGET_PER_SECOND,
    loadAverage: { start: loadBefore, end: loadavg()[0] },
  };
  const md = [
    `A ${LINES}-line cart against ${INCENTIVES} active incentives × ${RULES_PER_INCENTIVE} rules each (drawn from ${RULE_IDS.join(', ')}; rewards also check the point balance), one process, one core. One evaluation = the eligibility of all ${INCENTIVES} incentives with every failing rule (${INCENTIVES * RULES_PER_INCENTIVE} rule checks). json-rules-engine 7 runs the same rules as conditions on the same facts (max-redemption as a dynamic fact over the same history); both agree on ${agree}/${incentives.length} incentives (${eligibleCount} eligible).`,
    '',
    table(
      ['engine', 'evaluations/s', 'mean µs per evaluation', 'evaluations timed', 'seconds'],
      [
        ['Tillpoint `eligibility()`', tillpoint.perSecond, tillpoint.meanMicros, tillpoint.runs, tillpoint.seconds],
        ['json-rules-engine 7 `engine.run()`', jre.perSecond, jre.meanMicros, jre.runs, jre.seconds],
      ],
    ),
    '',
    `Ratio Tillpoint / json-rules-engine: **${ratio}×**.`,
    '',
    `For reference, the POS path — \`evaluate()\` of the ${LINES}-line cart redeeming ${redeemable.length} incentives (rules, limits, balance, points): ${pos.perSecond.toLocaleString('en-US')} evaluations/s.`,
    '',
    `Target ≥ ${TARGET_PER_SECOND.toLocaleString('en-US')} evaluations/s — ${figures.met ? 'met' : 'MISSED'}. Machine load average (1 min) at start ${loadBefore.toFixed(2)}, at end ${loadavg()[0]!.toFixed(2)}: other work on the machine lowers both figures.`,
  ].join('\n');
  const base = writeResults('rules-eval', figures, md);
  process.stdout.write(`\n${md}\n\nwritten ${base}.json and .md\n`);
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
