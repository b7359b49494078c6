import type { Incentive } from '../domain/incentive.ts';
import type { EarnPolicy } from '../domain/points.ts';
import type { PresentationTemplate } from '../domain/receipt.ts';
import type { TierConfig } from '../domain/tiers.ts';

export type { ExpiryPolicy } from '../domain/expiry.ts';
import type { ExpiryPolicy } from '../domain/expiry.ts';
import type { LoginEmailTemplate } from './guest/login-email.ts';

/** Receipt templates: per vendor (or `default`), separately for claimed and unclaimed sales. */
export type ReceiptTemplates = Record<string, { claimed?: PresentationTemplate; unclaimed?: PresentationTemplate }>;

/**
 * Per POS vendor settings of a program. `genericDiscountPlus`: the PLUs of the POS's generic 100%
 * discount (Winrest has no reward PLUs: it rings the reward's product and this discount after it).
 * Default: none, i.e. `{}`.
 */
export type PosSettings = Record<string, { genericDiscountPlus?: string[] }>;

export interface Program {
  id: string;
  slug: string;
  name: string;
  currency: string;
  earn: EarnPolicy;
  expiry: ExpiryPolicy;
  claimWindowDays: number;
  receiptTemplates: ReceiptTemplates;
  publicUrl: string | null;
  /** Tiers by points earned in a rolling window; absent/null = the program has none. */
  tiers?: TierConfig | null;
  /** Per POS vendor settings (0008); absent = `{}`. */
  posSettings?: PosSettings;
  /** The program's wording of the guest login-code e-mail (0014); null/absent = the default. */
  loginEmail?: LoginEmailTemplate | null;
}

export interface Store {
  id: string;
  programId: string;
  externalId: string;
  name: string;
  timeZone: string;
  loyaltyEnabled: boolean;
  /** Restaurant groups the store belongs to (`restaurant-group` rule). */
  groups?: string[];
}

/** Who is calling a POS route: resolved from `x-api-key`. */
export interface PosPrincipal {
  keyId: string;
  programId: string;
  vendor: string;
  environment: string;
}

/**
 * Who makes a change: a back-office user, the CLI, or the system (the scheduler, the auto-accept
 * rule). Use cases take an actor, never an HTTP request, and audit every change with it.
 */
export interface Actor {
  type: 'admin' | 'system' | 'cli';
  id: string;
  /** shown to people (e.g. a batch's "accepted by") */
  name: string;
}

export interface Guest {
  id: string;
  programId: string;
  name: string;
  email: string | null;
  balance: number;
  createdAt: string;
}

export type { Incentive };

/** The vendors whose PLUs an incentive can be configured for. */
export const POS_VENDORS = ['partner', 'tillster', 'ncr', 'winrest', 'sicom', 'oracle', 'toast'] as const;
