import { insertApiKey } from '../adapters/db/repositories/api-keys.repository.ts';
import { insertGuest } from '../adapters/db/repositories/guests.repository.ts';
import { insertIncentive } from '../adapters/db/repositories/incentives.repository.ts';
import { postEntries } from '../adapters/db/repositories/points-ledger.repository.ts';
import { insertProgram } from '../adapters/db/repositories/programs.repository.ts';
import { insertStore } from '../adapters/db/repositories/stores.repository.ts';
import { inTransaction, type Tx } from '../adapters/db/tx.ts';
import { type IncentiveKind, type PluConfig, type RuleRef } from '../domain/incentive.ts';
import { validatePluConfig } from '../domain/plu-config.ts';
import { validateRuleRefs } from '../domain/rules/registry.ts';
import { isValidTimeZone } from '../domain/time.ts';
import { type TierConfig, validateTierConfig } from '../domain/tiers.ts';
import { AppError } from '../errors.ts';
import { newId } from '../lib/ids.ts';
import { type ExpiryPolicy, POS_VENDORS, type PosSettings, type ReceiptTemplates } from './model.ts';
import { normalizePosSettings, validatePosSettings } from './pos-settings.ts';
import type { LoginEmailTemplate } from './guest/login-email.ts';

/**
 * Creating programs, stores, keys, guests and incentives, with validation. Used by the demo seed,
 * the CLI and tests now, and by the admin API.
 */
export interface NewProgram {
  slug: string;
  name: string;
  /** Loyalty settings. A c-store chain that only takes manufacturer promotions leaves them out:
   * USD, no earning (0) and points that never expire. */
  currency?: string;
  earnRateMilli?: number;
  minSpendCents?: number;
  expiry?: ExpiryPolicy;
  claimWindowDays?: number;
  receiptTemplates?: ReceiptTemplates;
  publicUrl?: string | null;
  /** Tiers by points earned in a rolling window (domain/tiers.ts); absent = none. */
  tiers?: TierConfig | null;
  /** Per POS vendor settings (generic discount PLUs); absent = none. */
  posSettings?: PosSettings;
  /** The guest login-code e-mail's wording; absent = the default. */
  loginEmail?: LoginEmailTemplate | null;
}

export async function createProgram(db: Tx, p: NewProgram, at: Date, id = newId()): Promise<string> {
  if (!/^[a-z0-9][a-z0-9-]{1,40}$/.test(p.slug)) throw new AppError('ValidationError', 'slug must be lower-case letters, digits and dashes', { field: 'slug' });
  // `/app/v1/receipts/{receiptCode}` is the guest API's program-less receipt look-up.
  if (p.slug === 'receipts') throw new AppError('ValidationError', 'slug "receipts" is reserved', { field: 'slug' });
  const currency = p.currency ?? 'USD';
  if (!/^[A-Z]{3}$/.test(currency)) throw new AppError('ValidationError', 'currency must be an ISO-4217 code', { field: 'currency' });
  const tierProblems = p.tiers ? validateTierConfig(p.tiers) : [];
  if (tierProblems.length > 0)
    throw new AppError('ValidationError', tierProblems.join('; '), { field: tierProblems[0]!.split(':')[0], problems: tierProblems });
  if (p.posSettings) validatePosSettings(p.posSettings);
  await insertProgram(db, {
    id,
    slug: p.slug,
    name: p.name,
    currency,
    earnRateMilli: p.earnRateMilli ?? 0,
    minSpendCents: p.minSpendCents ?? 0,
    expiry: p.expiry ?? { kind: 'none' },
    claimWindowDays: p.claimWindowDays ?? 30,
    receiptTemplates: p.receiptTemplates ?? {},
    publicUrl: p.publicUrl ?? null,
    createdAt: at.toISOString(),
    tiers: p.tiers ?? null,
    posSettings: p.posSettings ? normalizePosSettings(p.posSettings) : {},
    loginEmail: p.loginEmail ?? null,
  });
  return id;
}

export async function createStore(
  db: Tx,
  programId: string,
  s: { externalId: string; name: string; timeZone: string; loyaltyEnabled?: boolean },
  at: Date,
  id = newId(),
): Promise<string> {
  if (!isValidTimeZone(s.timeZone)) throw new AppError('ValidationError', `timeZone "${s.timeZone}" is not an IANA time zone`, { field: 'timeZone' });
  await insertStore(db, {
    id,
    programId,
    externalId: s.externalId,
    name: s.name,
    timeZone: s.timeZone,
    loyaltyEnabled: s.loyaltyEnabled !== false,
    createdAt: at.toISOString(),
  });
  return id;
}

/** Issues a POS key: returns the key once; only its hash is stored. */
export function createApiKey(db: Tx, programId: string, vendor: string, environment: string, at: Date, key?: string): Promise<{ id: string; key: string }> {
  return insertApiKey(db, programId, vendor, environment, at, key);
}

export async function createGuest(
  db: Tx,
  programId: string,
  g: { name: string; email?: string | null; points?: number },
  at: Date,
  id = newId(),
): Promise<string> {
  await inTransaction(db, async (trx) => {
    await insertGuest(trx, { id, programId, name: g.name, email: g.email ?? null, createdAt: at.toISOString() });
    if (g.points) {
      await postEntries(trx, programId, id, [{ kind: 'ADJUST', points: g.points, transactionId: null, reason: 'opening balance' }], at.toISOString());
    }
  });
  return id;
}

export interface NewIncentive {
  kind: IncentiveKind;
  name: string;
  pointCost?: number;
  rules?: RuleRef[];
  vendorConfigs: Record<string, PluConfig>;
}

/** Validates rule ids and arguments against the registry, and every vendor config's shape. */
export function validateIncentive(i: NewIncentive): string[] {
  const problems = validateRuleRefs(i.rules ?? [], i.kind);
  if (i.kind === 'REWARD' && !(Number.isInteger(i.pointCost) && (i.pointCost ?? 0) > 0))
    problems.push('pointCost: a reward costs a whole number of points above 0');
  if (i.kind === 'OFFER' && (i.pointCost ?? 0) !== 0) problems.push('pointCost: offers cost no points');
  if (typeof i.vendorConfigs !== 'object' || i.vendorConfigs === null || Array.isArray(i.vendorConfigs)) {
    problems.push('vendorConfigs: must be an object keyed by POS vendor');
    return problems;
  }
  for (const [vendor, config] of Object.entries(i.vendorConfigs)) {
    // Keys are matched against the lower-cased posType / supportingPos, so "NCR" would never match.
    if (!(POS_VENDORS as readonly string[]).includes(vendor)) problems.push(`vendorConfigs.${vendor}: unknown POS vendor (one of ${POS_VENDORS.join(', ')})`);
    else problems.push(...validatePluConfig(config, `vendorConfigs.${vendor}`));
  }
  return problems;
}

export async function createIncentive(db: Tx, programId: string, i: NewIncentive, at: Date, id = newId()): Promise<string> {
  const problems = validateIncentive(i);
  if (problems.length > 0) throw new AppError('ValidationError', problems.join('; '), { field: problems[0]!.split(':')[0], problems });
  await insertIncentive(db, {
    id,
    programId,
    kind: i.kind,
    name: i.name,
    pointCost: i.pointCost ?? 0,
    rules: i.rules ?? [],
    vendorConfigs: i.vendorConfigs,
    active: true,
    at: at.toISOString(),
  });
  return id;
}
