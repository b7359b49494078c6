import type { LoginEmailTemplate } from '../../../app/guest/login-email.ts';
import type { ExpiryPolicy, PosSettings, ReceiptTemplates } from '../../../app/model.ts';
import type { TierConfig } from '../../../domain/tiers.ts';
import type { ProgramTable } from '../schema.ts';
import type { Tx } from '../tx.ts';
import { programSettingsOf } from './config.repository.ts';

/**
 * Programs as the back office edits them (every setting, when created). The POS path reads them as
 * `Program` through config.repository.ts (`findProgram`), which caches.
 */
export interface ProgramRecord {
  id: string;
  slug: string;
  name: string;
  currency: string;
  earnRateMilli: number;
  minSpendCents: number;
  expiry: ExpiryPolicy;
  claimWindowDays: number;
  receiptTemplates: ReceiptTemplates;
  publicUrl: string | null;
  tiers: TierConfig | null;
  posSettings: PosSettings;
  /** the guest login-code e-mail's wording; null: the default */
  loginEmail: LoginEmailTemplate | null;
  createdAt: string;
}

/** The settings written; JSON settings as values, `null` tiers / `{}` POS settings for none. */
export type ProgramSettings = Omit<ProgramRecord, 'id' | 'slug' | 'currency' | 'createdAt'>;

function toRecord(row: ProgramTable): ProgramRecord {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    currency: row.currency,
    earnRateMilli: row.earn_rate_milli,
    minSpendCents: row.min_spend_cents,
    ...programSettingsOf(row),
    createdAt: row.created_at,
  };
}

function toColumns(p: Partial<ProgramSettings>): Partial<ProgramTable> {
  const set: Partial<ProgramTable> = {};
  if (p.name !== undefined) set.name = p.name;
  if (p.earnRateMilli !== undefined) set.earn_rate_milli = p.earnRateMilli;
  if (p.minSpendCents !== undefined) set.min_spend_cents = p.minSpendCents;
  if (p.expiry !== undefined) set.expiry_policy = JSON.stringify(p.expiry);
  if (p.claimWindowDays !== undefined) set.claim_window_days = p.claimWindowDays;
  if (p.receiptTemplates !== undefined) set.receipt_templates = JSON.stringify(p.receiptTemplates);
  if (p.publicUrl !== undefined) set.public_url = p.publicUrl;
  if (p.tiers !== undefined) set.tier_config = p.tiers === null ? null : JSON.stringify(p.tiers);
  if (p.posSettings !== undefined) set.pos_settings = Object.keys(p.posSettings).length > 0 ? JSON.stringify(p.posSettings) : null;
  if (p.loginEmail !== undefined) set.login_email = p.loginEmail === null ? null : JSON.stringify(p.loginEmail);
  return set;
}

export async function programExists(db: Tx, id: string): Promise<boolean> {
  return (await db.selectFrom('programs').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function existingProgramIds(db: Tx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  return (await db.selectFrom('programs').select('id').where('id', 'in', ids).execute()).map((r) => r.id);
}

export async function programIdBySlug(db: Tx, slug: string): Promise<string | null> {
  return (await db.selectFrom('programs').select('id').where('slug', '=', slug).executeTakeFirst())?.id ?? null;
}

export async function findProgramRecord(db: Tx, id: string): Promise<ProgramRecord | null> {
  const row = await db.selectFrom('programs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** Programs in creation order; `ids` limits the list (an actor of some programs). */
export async function listProgramRecords(db: Tx, ids?: readonly string[]): Promise<ProgramRecord[]> {
  let q = db.selectFrom('programs').selectAll().orderBy('created_at').orderBy('id');
  if (ids !== undefined) {
    if (ids.length === 0) return [];
    q = q.where('id', 'in', ids);
  }
  return (await q.execute()).map(toRecord);
}

/** Every program's expiry policy, by id (the expiry job's list). */
export async function programExpiryPolicies(db: Tx): Promise<{ id: string; expiry: ExpiryPolicy }[]> {
  const rows = await db.selectFrom('programs').select(['id', 'expiry_policy']).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, expiry: JSON.parse(r.expiry_policy) as ExpiryPolicy }));
}

export async function insertProgram(db: Tx, p: Pick<ProgramRecord, 'id' | 'slug' | 'currency' | 'createdAt'> & ProgramSettings): Promise<void> {
  await db
    .insertInto('programs')
    .values({
      id: p.id,
      slug: p.slug,
      currency: p.currency,
      created_at: p.createdAt,
      name: p.name,
      earn_rate_milli: p.earnRateMilli,
      min_spend_cents: p.minSpendCents,
      expiry_policy: JSON.stringify(p.expiry),
      claim_window_days: p.claimWindowDays,
      receipt_templates: JSON.stringify(p.receiptTemplates),
      public_url: p.publicUrl,
      tier_config: p.tiers ? JSON.stringify(p.tiers) : null,
      pos_settings: Object.keys(p.posSettings).length > 0 ? JSON.stringify(p.posSettings) : null,
      login_email: p.loginEmail ? JSON.stringify(p.loginEmail) : null,
    })
    .execute();
}

/** Writes the given settings; false when there was nothing to write. */
export async function updateProgramSettings(db: Tx, id: string, patch: Partial<ProgramSettings>): Promise<boolean> {
  const set = toColumns(patch);
  if (Object.keys(set).length === 0) return false;
  await db.updateTable('programs').set(set).where('id', '=', id).execute();
  return true;
}
