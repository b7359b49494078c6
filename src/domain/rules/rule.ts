import type { TSchema, Static } from '@sinclair/typebox';
import type { Cart } from '../cart.ts';
import type { Incentive, IncentiveKind } from '../incentive.ts';
import type { ServiceMode } from '../service-mode.ts';
import type { LocalTime } from '../time.ts';

/** One failed rule, exactly the entry the RulesError envelope lists. */
export interface RuleFailure {
  code: string;
  ruleId: string;
  incentiveId: string;
  currentValue?: unknown;
  targetValue?: unknown;
  message: string;
}

export interface GuestSnapshot {
  id: string;
  /** Points the guest can spend right now. */
  balance: number;
  enrolledAt: string;
}

export interface StoreRef {
  id: string;
  /** The brand's store number the POS sends as `posVendor.storeId`. */
  externalId: string;
  /** The restaurant groups (regions, franchisees …) the store belongs to; absent = none. */
  groups?: readonly string[];
}

/** One earlier redemption of an incentive by the guest (claimed, not voided, net of refunds). */
export interface RedemptionRecord {
  incentiveId: string;
  kind: IncentiveKind;
  quantity: number;
  /** ISO-8601 UTC instant of the claim. */
  at: string;
  /** The claim's date (YYYY-MM-DD) on the wall clock of the store being evaluated. */
  localDate: string;
}

/**
 * What rules may know about the guest's past, loaded by the application only when an incentive in
 * the cart declares it `needs` it (see `RuleNeed`). Each part is present exactly when its need was
 * loaded; a rule whose need is missing fails closed with `missing-guest-history`.
 *
 * @example
 * const history: GuestHistory = {
 *   asOf: '2026-11-25T17:00:00.000Z',
 *   redemptions: [{ incentiveId: 'ofr-1', kind: 'OFFER', quantity: 1, at: '2026-11-20T12:00:00Z', localDate: '2026-11-20' }],
 *   claimedTransactions: 3,
 *   birthdate: '1990-11-27',
 *   identification: 'code',
 * };
 */
export interface GuestHistory {
  /** The instant the snapshot was taken (the service's clock): cool-downs count seconds to it. */
  asOf: string;
  /** need `history`: every redemption of the guest in this program, any order. */
  redemptions?: readonly RedemptionRecord[];
  /** need `history`: the guest's CLAIMED (not voided) sales before this one. */
  claimedTransactions?: number;
  /** need `birthday`: YYYY-MM-DD, or null when the guest gave none. */
  birthdate?: string | null;
  /** need `identification`: how the POS identified the guest on this transaction. */
  identification?: 'code' | 'loyalty-id' | null;
}

/** Facts beyond the cart that a rule needs loaded: `history` (redemptions, claimed sales), `birthday`, `identification`. */
export type RuleNeed = 'history' | 'birthday' | 'identification';

/**
 * What of the sale a rule's outcome depends on, beyond the incentive itself and the guest:
 * - `order`: the basket — its goods, totals and payments (not the incentives it redeems: whoever
 *   knows the guest's selection knows those);
 * - `store`: where the order is placed (its number, its groups);
 * - `serviceMode`: how it is served (eat in, drive-thru …);
 * - `time`: the store-local date or time of day, or the instant (cool-downs).
 *
 * A caller that judges incentives before there is a sale — the guest app — decides a rule only
 * when it knows every part the rule depends on, and leaves the others to the till
 * (`decidableWith` in registry.ts).
 */
export type RuleDependency = 'order' | 'store' | 'serviceMode' | 'time';

/** Figures of the cart, computed once per evaluation so that a thousand rule checks do not each walk the lines. */
export interface CartFacts {
  /** Goods subtotal in minor units (item and combo lines, before tax and loyalty discounts). */
  subtotalCents: number;
  /** Goods subtotal plus tax (of the lines, else the POS's TAXES total), before loyalty discounts. */
  totalCents: number;
  /** Quantity of goods per productId (item and combo lines only). */
  productQuantities: ReadonlyMap<string, number>;
  /** Upper-case tender types of the payments (pseudo-payments SUBTOTAL/DISCOUNTS/TAXES excluded). */
  tenderTypes: ReadonlySet<string>;
  /** `tenderTypes` as a list, in payment order: what `payment-method` failures report (one list shared by them, read-only). */
  tenderTypeList: readonly string[];
  /** Memo of `cartQuantity` (product-keys.ts): quantities by product key, null until a cart rule asks. */
  quantityByProductKey: Map<number, number> | null;
}

/** Another incentive redeemed in the same order (for `stackable`). */
export interface AppliedRef {
  incentiveId: string;
  kind: IncentiveKind;
  quantity: number;
}

/** Everything a rule may look at. Built once per evaluation; rules read, never write. */
export interface RuleContext {
  cart: Cart;
  now: LocalTime;
  store: StoreRef;
  serviceMode: ServiceMode | null;
  guest: GuestSnapshot | null;
  incentive: Incentive;
  /** How many times this incentive is in the cart. */
  quantity: number;
  /** Goods subtotal in minor units (item and combo lines, before tax and loyalty discounts). */
  subtotalCents: number;
  facts: CartFacts;
  /** Every incentive the order redeems, this one included. */
  applied: readonly AppliedRef[];
  /** `now.time` as minutes since midnight. */
  nowMinutes: number;
  /** `channel` of the transaction body: Restaurant | App | Web; null when not sent. */
  channel: string | null;
  /** null when nothing needing history was loaded (or the sale is anonymous). */
  history: GuestHistory | null;
  /** The rule being checked, set by the evaluator before each `check` (for `fail`). */
  ruleId: string;
}

/** What `check` answers: null when the rule passes, else its failure, built with `fail`. */
export type RuleOutcome = RuleFailure | null;

/**
 * The failure of the rule being checked (`ctx.ruleId`) for `ctx.incentive`: what a failing
 * `check` returns, with the fields in the order the RulesError envelope lists them. The rule
 * builds the whole entry itself (one object, not an outcome the evaluator then copies): an
 * eligibility list of 200 incentives makes hundreds of failures.
 *
 * @example
 * return fail(ctx, 'invalid-service-mode', ctx.serviceMode, args.modes, 'Incentive is not available in this service mode');
 */
export function fail(ctx: RuleContext, code: string, currentValue: unknown, targetValue: unknown, message: string): RuleFailure {
  return { code, ruleId: ctx.ruleId, incentiveId: ctx.incentive.id, currentValue, targetValue, message };
}

/**
 * A rule is a typed plug-in: an id, the failure codes it answers, a TypeBox schema for its arguments (which also drives the
 * admin form and validates incentives on write), what of the sale it depends on (`dependsOn`, see
 * `RuleDependency`; `[]` when only the incentive and the guest matter) and a pure check. Optional
 * parts:
 * - `appliesTo`: the incentive kinds it may be configured on (both when absent);
 * - `needs`: facts the application must load before evaluating it (`RuleNeed`);
 * - `validate`: checks between arguments the schema cannot express (e.g. start ≤ end), each
 *   problem as `path: message` with the path relative to `args`;
 * - `prepare`: arguments pre-digested once per incentive for a fast `check`.
 *
 * @example
 * export const serviceModeRule = defineRule({
 *   id: 'service-mode',
 *   description: 'Only in the listed service modes',
 *   codes: ['invalid-service-mode'],
 *   dependsOn: ['serviceMode'],
 *   args: Type.Object({ modes: Type.Array(Type.String()) }),
 *   check: (args, ctx) => args.modes.includes(ctx.serviceMode ?? '') ? null
 *     : fail(ctx, 'invalid-service-mode', ctx.serviceMode, args.modes, '…'),
 * });
 */
export interface RuleDefinition<S extends TSchema = TSchema, P = Static<S>> {
  id: string;
  description: string;
  /** Every failure `code` the check may answer (documented in docs/rules.md). */
  codes: readonly string[];
  /** What of the sale the outcome depends on; the guest app defers the rule to the till while any of it is unknown. */
  dependsOn: readonly RuleDependency[];
  args: S;
  appliesTo?: readonly IncentiveKind[];
  needs?: readonly RuleNeed[];
  validate?(args: Static<S>): string[];
  /**
   * Turns valid arguments into the form `check` reads, once per incentive (parsed times, bit
   * masks …): a rule may be checked hundreds of thousands of times a second. Without it `check`
   * gets the arguments as stored.
   */
  prepare?(args: Static<S>): P;
  check(args: P, ctx: RuleContext): RuleOutcome;
}

/**
 * Declares a rule with its arguments' types inferred from the schema; list the result in
 * `registry.ts` (`RULES`) and document it in docs/rules.md.
 *
 * @example
 * export const TIME_SPAN = 'time-span';
 * export const timeSpanRule = defineRule({
 *   id: TIME_SPAN,
 *   description: 'Valid between two store-local times of day',
 *   codes: ['invalid-time-of-day'],
 *   dependsOn: ['time'],
 *   args: Type.Object({ start: TIME, end: TIME }),
 *   check: (args, ctx) => (inWindow(ctx.nowMinutes, args) ? null : fail(ctx, 'invalid-time-of-day', ctx.now.time, args, 'Not at this time of day')),
 * });
 */
export function defineRule<S extends TSchema, P = Static<S>>(rule: RuleDefinition<S, P>): RuleDefinition<S, P> {
  return rule;
}
