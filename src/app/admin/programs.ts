import type { ProgramTable } from '../../adapters/db/schema.ts';
import { PRESENTATION_FIELDS } from '../../domain/receipt.ts';
import { type TierConfig, validateTierConfig } from '../../domain/tiers.ts';
import { AppError, invalidField } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import type { ExpiryPolicy, PosSettings, ReceiptTemplates } from '../model.ts';
import { normalizePosSettings, validatePosSettings } from '../pos-settings.ts';
import { createProgram, type NewProgram } from '../provisioning.ts';
import { type AdminContext, assertProgramInScope, audit, orConflict } from './context.ts';
import { MAX_EARN_RATE_MILLI } from '../../domain/limits.ts';

export interface ProgramView {
  id: string;
  slug: string;
  name: string;
  currency: string;
  /** points per major currency unit × 1000 (10 points per $1 → 10000) */
  earnRateMilli: number;
  minSpendCents: number;
  expiry: ExpiryPolicy;
  claimWindowDays: number;
  receiptTemplates: ReceiptTemplates;
  publicUrl: string | null;
  /** tiers by points earned in a rolling window, lowest first; null = the program has none */
  tiers: TierConfig | null;
  /** per POS vendor settings: `{ winrest: { genericDiscountPlus: ['990001'] } }`; `{}` = none */
  posSettings: PosSettings;
  createdAt: string;
}

export function programView(row: ProgramTable): ProgramView {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    currency: row.currency,
    earnRateMilli: row.earn_rate_milli,
    minSpendCents: row.min_spend_cents,
    expiry: JSON.parse(row.expiry_policy) as ExpiryPolicy,
    claimWindowDays: row.claim_window_days,
    receiptTemplates: JSON.parse(row.receipt_templates) as ReceiptTemplates,
    publicUrl: row.public_url,
    tiers: row.tier_config ? (JSON.parse(row.tier_config) as TierConfig) : null,
    posSettings: row.pos_settings ? (JSON.parse(row.pos_settings) as PosSettings) : {},
    createdAt: row.created_at,
  };
}

/** What a program manager may change; slug and currency are fixed once sales exist. */
export interface ProgramPatch {
  name?: string;
  earnRateMilli?: number;
  minSpendCents?: number;
  expiry?: ExpiryPolicy;
  claimWindowDays?: number;
  receiptTemplates?: ReceiptTemplates;
  publicUrl?: string | null;
  /** null removes the tiers */
  tiers?: TierConfig | null;
  /** replaces all per vendor POS settings; `{}` removes them */
  posSettings?: PosSettings;
}


/** Checks the configurable fields of a program; throws a ValidationError naming the first bad one. */
export function validateProgramFields(p: ProgramPatch): void {
  if (p.name !== undefined && (p.name.trim() === '' || p.name.length > 200)) throw invalidField('name', 'must be 1 to 200 characters');
  if (p.earnRateMilli !== undefined && !(Number.isInteger(p.earnRateMilli) && p.earnRateMilli >= 0 && p.earnRateMilli <= MAX_EARN_RATE_MILLI)) {
    throw invalidField('earnRateMilli', `must be a whole number from 0 to ${MAX_EARN_RATE_MILLI} (thousandths of a point per currency unit)`);
  }
  if (p.minSpendCents !== undefined && !(Number.isInteger(p.minSpendCents) && p.minSpendCents >= 0)) throw invalidField('minSpendCents', 'must be a whole number of minor units, 0 or more');
  if (p.claimWindowDays !== undefined && !(Number.isInteger(p.claimWindowDays) && p.claimWindowDays >= 0 && p.claimWindowDays <= 3650)) {
    throw invalidField('claimWindowDays', 'must be a whole number of days from 0 to 3650');
  }
  if (p.expiry !== undefined) validateExpiry(p.expiry);
  if (p.receiptTemplates !== undefined) validateTemplates(p.receiptTemplates);
  if (p.posSettings !== undefined) validatePosSettings(p.posSettings);
  if (p.publicUrl !== undefined && p.publicUrl !== null && !/^https?:\/\/[^\s/]+/.test(p.publicUrl)) throw invalidField('publicUrl', 'must be an http(s) URL or null');
  if (p.tiers !== undefined && p.tiers !== null) {
    const problems = validateTierConfig(p.tiers);
    if (problems.length > 0) throw new AppError('ValidationError', problems.join('; '), { field: problems[0]!.split(':')[0], problems });
  }
}

/** The tiers as stored: lowest first (the order does not change their meaning), only the known fields. */
export function normalizeTiers(config: TierConfig): TierConfig {
  return { windowDays: config.windowDays, tiers: [...config.tiers].sort((a, b) => a.minPoints - b.minPoints).map((t) => ({ name: t.name, minPoints: t.minPoints })) };
}

function validateExpiry(e: ExpiryPolicy): void {
  const kind = (e as { kind?: unknown }).kind;
  switch (e.kind) {
    case 'inactivity':
      if (!(Number.isInteger(e.days) && e.days >= 1 && e.days <= 3650)) throw invalidField('expiry.days', 'must be a whole number of days from 1 to 3650');
      return;
    case 'monthly-buckets':
      if (!(Number.isInteger(e.months) && e.months >= 1 && e.months <= 120)) throw invalidField('expiry.months', 'must be a whole number of months from 1 to 120');
      return;
    case 'none':
      return;
    default:
      throw invalidField('expiry.kind', `must be inactivity, monthly-buckets or none, not ${JSON.stringify(kind)}`);
  }
}

function validateTemplates(t: ReceiptTemplates): void {
  for (const [vendor, pair] of Object.entries(t)) {
    if (!pair || typeof pair !== 'object') throw invalidField(`receiptTemplates.${vendor}`, 'must be an object with claimed and/or unclaimed');
    for (const [kind, template] of Object.entries(pair)) {
      if (kind !== 'claimed' && kind !== 'unclaimed') throw invalidField(`receiptTemplates.${vendor}.${kind}`, 'is not claimed or unclaimed');
      if (!template || typeof template !== 'object') throw invalidField(`receiptTemplates.${vendor}.${kind}`, 'must be an object of lines');
      for (const [field, text] of Object.entries(template)) {
        if (!(PRESENTATION_FIELDS as readonly string[]).includes(field)) {
          throw invalidField(`receiptTemplates.${vendor}.${kind}.${field}`, `is not a receipt line (${PRESENTATION_FIELDS.join(', ')})`);
        }
        if (typeof text !== 'string' || text.length > 500) throw invalidField(`receiptTemplates.${vendor}.${kind}.${field}`, 'must be text of at most 500 characters');
      }
    }
  }
}

export async function listPrograms(ctx: AdminContext): Promise<ProgramView[]> {
  let q = ctx.db.selectFrom('programs').selectAll().orderBy('created_at').orderBy('id');
  if (ctx.actor.programIds !== '*') {
    if (ctx.actor.programIds.length === 0) return [];
    q = q.where('id', 'in', ctx.actor.programIds);
  }
  return (await q.execute()).map(programView);
}

export async function getProgram(ctx: AdminContext, programId: string): Promise<ProgramView> {
  assertProgramInScope(ctx.actor, programId);
  const row = await ctx.db.selectFrom('programs').selectAll().where('id', '=', programId).executeTakeFirst();
  if (!row) throw new AppError('NotFound', 'No such program');
  return programView(row);
}

/**
 * Creates a program. An actor limited to some programs gets the new one added to its own list,
 * in the same transaction, so its creator can manage it.
 */
export async function createProgramAs(ctx: AdminContext, input: NewProgram): Promise<ProgramView> {
  validateProgramFields(input);
  const id = newId();
  return ctx.db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom('programs').select('id').where('slug', '=', input.slug).executeTakeFirst();
    if (taken) throw new AppError('Conflict', `A program with slug "${input.slug}" already exists`, { field: 'slug' });
    await orConflict(createProgram(trx, { ...input, tiers: input.tiers ? normalizeTiers(input.tiers) : null }, ctx.now, id), `A program with slug "${input.slug}" already exists`, 'slug');
    const { actor } = ctx;
    if (actor.type === 'admin' && actor.programIds !== '*') {
      await trx.updateTable('admin_users').set({ program_ids: JSON.stringify([...actor.programIds, id]) }).where('id', '=', actor.id).execute();
    }
    const row = await trx.selectFrom('programs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    await audit(trx, ctx, { programId: id, action: 'program.create', entityType: 'program', entityId: id, after: programView(row) });
    return programView(row);
  });
}

export async function updateProgram(ctx: AdminContext, programId: string, patch: ProgramPatch): Promise<ProgramView> {
  assertProgramInScope(ctx.actor, programId);
  validateProgramFields(patch);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('programs').selectAll().where('id', '=', programId).executeTakeFirst();
    if (!before) throw new AppError('NotFound', 'No such program');
    const set: Partial<ProgramTable> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.earnRateMilli !== undefined) set.earn_rate_milli = patch.earnRateMilli;
    if (patch.minSpendCents !== undefined) set.min_spend_cents = patch.minSpendCents;
    if (patch.expiry !== undefined) set.expiry_policy = JSON.stringify(patch.expiry);
    if (patch.claimWindowDays !== undefined) set.claim_window_days = patch.claimWindowDays;
    if (patch.receiptTemplates !== undefined) set.receipt_templates = JSON.stringify(patch.receiptTemplates);
    if (patch.publicUrl !== undefined) set.public_url = patch.publicUrl;
    if (patch.tiers !== undefined) set.tier_config = patch.tiers === null ? null : JSON.stringify(normalizeTiers(patch.tiers));
    if (patch.posSettings !== undefined) {
      const settings = normalizePosSettings(patch.posSettings);
      set.pos_settings = Object.keys(settings).length > 0 ? JSON.stringify(settings) : null;
    }
    if (Object.keys(set).length === 0) return programView(before);
    await trx.updateTable('programs').set(set).where('id', '=', programId).execute();
    const after = await trx.selectFrom('programs').selectAll().where('id', '=', programId).executeTakeFirstOrThrow();
    await audit(trx, ctx, { programId, action: 'program.update', entityType: 'program', entityId: programId, before: programView(before), after: programView(after) });
    return programView(after);
  });
}
