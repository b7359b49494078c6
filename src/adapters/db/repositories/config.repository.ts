import type { Kysely } from 'kysely';
import type { Incentive, PluConfig, RuleRef } from '../../../domain/incentive.ts';
import { minorDigits } from '../../../domain/money.ts';
import type { TierConfig } from '../../../domain/tiers.ts';
import type { ExpiryPolicy, PosPrincipal, PosSettings, Program, ReceiptTemplates, Store } from '../../../app/model.ts';
import { prepare } from '../prepared.ts';
import type { Database, IncentiveTable, ProgramTable, StoreTable } from '../schema.ts';
import type { LoginEmailTemplate } from '../../../app/guest/login-email.ts';

/** A program row's JSON settings, parsed: the one reading of those columns (POS path and back office). */
export function programSettingsOf(row: ProgramTable): Pick<Program, 'expiry' | 'receiptTemplates' | 'publicUrl' | 'claimWindowDays'> & {
  tiers: TierConfig | null;
  posSettings: PosSettings;
  loginEmail: LoginEmailTemplate | null;
} {
  return {
    expiry: JSON.parse(row.expiry_policy) as ExpiryPolicy,
    claimWindowDays: row.claim_window_days,
    receiptTemplates: JSON.parse(row.receipt_templates) as ReceiptTemplates,
    publicUrl: row.public_url,
    tiers: row.tier_config ? (JSON.parse(row.tier_config) as TierConfig) : null,
    posSettings: row.pos_settings ? (JSON.parse(row.pos_settings) as PosSettings) : {},
    loginEmail: row.login_email ? (JSON.parse(row.login_email) as LoginEmailTemplate) : null,
  };
}

/** Programs, stores, API keys and incentives: configuration that POS calls read and rarely change. */
export function toProgram(row: ProgramTable): Program {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    currency: row.currency,
    earn: { rateMilli: row.earn_rate_milli, minimumSpendCents: row.min_spend_cents, currencyDigits: minorDigits(row.currency) },
    ...programSettingsOf(row),
  };
}

export function toStore(row: StoreTable): Store {
  return {
    id: row.id,
    programId: row.program_id,
    externalId: row.external_id,
    name: row.name,
    timeZone: row.time_zone,
    loyaltyEnabled: row.loyalty_enabled === 1,
    groups: row.store_groups ? (JSON.parse(row.store_groups) as string[]) : [],
  };
}

export function toIncentive(row: IncentiveTable): Incentive {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    pointCost: row.point_cost,
    rules: JSON.parse(row.rules) as RuleRef[],
    vendorConfigs: JSON.parse(row.vendor_configs) as Record<string, PluConfig>,
  };
}

export async function findProgram(db: Kysely<Database>, id: string): Promise<Program | null> {
  const row = await db.selectFrom('programs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toProgram(row) : null;
}

export async function findProgramBySlug(db: Kysely<Database>, slug: string): Promise<Program | null> {
  const row = await db.selectFrom('programs').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row ? toProgram(row) : null;
}

/** Every column, named: a prepared statement must not change shape when a migration adds one. */
const STORE_COLUMNS = [
  'id',
  'program_id',
  'external_id',
  'name',
  'time_zone',
  'loyalty_enabled',
  'created_at',
  'store_groups',
] as const satisfies readonly (keyof StoreTable)[];

/**
 * Identify's store look-up, prepared (prepared.ts): the store cache lives seconds, so with many
 * stores a good share of identify calls miss it, and parsing and planning this query each time
 * cost more than running it.
 */
const storeByExternalId = prepare((db, p: { programId: string; externalId: string }) =>
  db.selectFrom('stores').select(STORE_COLUMNS).where('program_id', '=', p.programId).where('external_id', '=', p.externalId),
);

export async function findStoreByExternalId(db: Kysely<Database>, programId: string, externalId: string): Promise<Store | null> {
  const row = await storeByExternalId.first(db, { programId, externalId });
  return row ? toStore(row) : null;
}

export async function findStore(db: Kysely<Database>, programId: string, id: string): Promise<Store | null> {
  const row = await db.selectFrom('stores').selectAll().where('program_id', '=', programId).where('id', '=', id).executeTakeFirst();
  return row ? toStore(row) : null;
}

/** The program's first store (by creation), if any. */
export async function firstStore(db: Kysely<Database>, programId: string): Promise<Store | null> {
  const row = await db.selectFrom('stores').selectAll().where('program_id', '=', programId).orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  return row ? toStore(row) : null;
}

export async function findActiveKey(db: Kysely<Database>, keyHash: string): Promise<PosPrincipal | null> {
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'program_id', 'vendor', 'environment'])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? { keyId: row.id, programId: row.program_id, vendor: row.vendor, environment: row.environment } : null;
}

export async function listActiveIncentives(db: Kysely<Database>, programId: string): Promise<Incentive[]> {
  const rows = await db.selectFrom('incentives').selectAll().where('program_id', '=', programId).where('active', '=', 1).execute();
  return rows.map(toIncentive);
}
