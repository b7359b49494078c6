import type { TSchema, Static } from '@sinclair/typebox';
import type { Cart } from '../cart.ts';
import type { Incentive } from '../incentive.ts';
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
}

export type RuleOutcome = Omit<RuleFailure, 'ruleId' | 'incentiveId'> | null;

/**
 * A rule is a typed plug-in: an id, a TypeBox schema for its arguments (which also drives the
 * admin form and validates incentives on write) and a pure check.
 *
 * @example
 * export const serviceModeRule = defineRule({
 *   id: 'service-mode',
 *   description: 'Only in the listed service modes',
 *   args: Type.Object({ modes: Type.Array(Type.String()) }),
 *   check: (args, ctx) => args.modes.includes(ctx.serviceMode ?? '') ? null
 *     : { code: 'invalid-service-mode', currentValue: ctx.serviceMode, targetValue: args.modes, message: '…' },
 * });
 */
export interface RuleDefinition<S extends TSchema = TSchema> {
  id: string;
  description: string;
  args: S;
  check(args: Static<S>, ctx: RuleContext): RuleOutcome;
}

export function defineRule<S extends TSchema>(rule: RuleDefinition<S>): RuleDefinition<S> {
  return rule;
}
