import {
  findProgramRecord,
  listProgramRecords,
  type ProgramRecord,
  type ProgramSettings,
  programIdBySlug,
  updateProgramSettings,
} from '../../adapters/db/repositories/programs.repository.ts';
import { setAdminUserPrograms } from '../../adapters/db/repositories/admin-users.repository.ts';
import { inTransaction } from '../../adapters/db/tx.ts';
import { PRESENTATION_FIELDS } from '../../domain/receipt.ts';
import { type TierConfig, validateTierConfig } from '../../domain/tiers.ts';
import { AppError, invalidField } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import type { ExpiryPolicy, PosSettings, ReceiptTemplates } from '../model.ts';
import { normalizePosSettings, validatePosSettings } from '../pos-settings.ts';
import { createProgram, type NewProgram } from '../provisioning.ts';
import { type AdminContext, assertProgramInScope, audit, orConflict } from './context.ts';
import { MAX_EARN_RATE_MILLI } from '../../domain/limits.ts';
import type { LoginEmailTemplate } from '../guest/login-email.ts';

export type ProgramView = ProgramRecord;

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
  /** the guest login-code e-mail's wording; null: back to the default */
  loginEmail?: LoginEmailTemplate | null;
}

/** Checks the configurable fields of a program; throws a ValidationError naming the first bad one. */
export function validateProgramFields(p: ProgramPatch): void {
  if (p.name !== undefined && (p.name.trim() === '' || p.name.length > 200)) throw invalidField('name', 'must be 1 to 200 characters');
  if (p.earnRateMilli !== undefined && !(Number.isInteger(p.earnRateMilli) && p.earnRateMilli >= 0 && p.earnRateMilli <= MAX_EARN_RATE_MILLI)) {
    throw invalidField('earnRateMilli', `must be a whole number from 0 to ${MAX_EARN_RATE_MILLI} (thousandths of a point per currency unit)`);
  }
  if (p.minSpendCents !== undefined && !(Number.isInteger(p.minSpendCents) && p.minSpendCents >= 0))
    throw invalidField('minSpendCents', 'must be a whole number of minor units, 0 or more');
  if (p.claimWindowDays !== undefined && !(Number.isInteger(p.claimWindowDays) && p.claimWindowDays >= 0 && p.claimWindowDays <= 3650)) {
    throw invalidField('claimWindowDays', 'must be a whole number of days from 0 to 3650');
  }
  if (p.expiry !== undefined) validateExpiry(p.expiry);
  if (p.receiptTemplates !== undefined) validateTemplates(p.receiptTemplates);
  if (p.posSettings !== undefined) validatePosSettings(p.posSettings);
  if (p.publicUrl !== undefined && p.publicUrl !== null && !/^https?:\/\/[^\s/]+/.test(p.publicUrl))
    throw invalidField('publicUrl', 'must be an http(s) URL or null');
  if (p.tiers !== undefined && p.tiers !== null) {
    const problems = validateTierConfig(p.tiers);
    if (problems.length > 0) throw new AppError('ValidationError', problems.join('; '), { field: problems[0]!.split(':')[0], problems });
  }
}

/** The tiers as stored: lowest first (the order does not change their meaning), only the known fields. */
export function normalizeTiers(config: TierConfig): TierConfig {
  return {
    windowDays: config.windowDays,
    tiers: [...config.tiers].sort((a, b) => a.minPoints - b.minPoints).map((t) => ({ name: t.name, minPoints: t.minPoints })),
  };
}

function validateExpiry(e: ExpiryPolicy): void {
  const kind = (e as { kind?: unknown }).kind;
  switch (e.kind) {
    case 'inactivity':
      if (!(Number.isInteger(e.days) && e.days >= 1 && e.days <= 3650)) throw invalidField('expiry.days', 'must be a whole number of days from 1 to 3650');
      return;
    case 'monthly-buckets':
      if (!(Number.isInteger(e.months) && e.months >= 1 && e.months <= 120))
        throw invalidField('expiry.months', 'must be a whole number of months from 1 to 120');
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
        if (typeof text !== 'string' || text.length > 500)
          throw invalidField(`receiptTemplates.${vendor}.${kind}.${field}`, 'must be text of at most 500 characters');
      }
    }
  }
}

export async function listPrograms(ctx: AdminContext): Promise<ProgramView[]> {
  return listProgramRecords(ctx.db, ctx.actor.programIds === '*' ? undefined : ctx.actor.programIds);
}

export async function getProgram(ctx: AdminContext, programId: string): Promise<ProgramView> {
  assertProgramInScope(ctx.actor, programId);
  const program = await findProgramRecord(ctx.db, programId);
  if (!program) throw new AppError('NotFound', 'No such program');
  return program;
}

/**
 * Creates a program. An actor limited to some programs gets the new one added to its own list,
 * in the same transaction, so its creator can manage it.
 */
export async function createProgramAs(ctx: AdminContext, input: NewProgram): Promise<ProgramView> {
  validateProgramFields(input);
  const id = newId();
  return inTransaction(ctx.db, async (trx) => {
    if (await programIdBySlug(trx, input.slug)) throw new AppError('Conflict', `A program with slug "${input.slug}" already exists`, { field: 'slug' });
    await orConflict(
      createProgram(trx, { ...input, tiers: input.tiers ? normalizeTiers(input.tiers) : null }, ctx.now, id),
      `A program with slug "${input.slug}" already exists`,
      'slug',
    );
    const { actor } = ctx;
    if (actor.type === 'admin' && actor.programIds !== '*') await setAdminUserPrograms(trx, actor.id, [...actor.programIds, id]);
    const program = (await findProgramRecord(trx, id))!;
    await audit(trx, ctx, { programId: id, action: 'program.create', entityType: 'program', entityId: id, after: program });
    return program;
  });
}

export async function updateProgram(ctx: AdminContext, programId: string, patch: ProgramPatch): Promise<ProgramView> {
  assertProgramInScope(ctx.actor, programId);
  validateProgramFields(patch);
  return inTransaction(ctx.db, async (trx) => {
    const before = await findProgramRecord(trx, programId);
    if (!before) throw new AppError('NotFound', 'No such program');
    const settings: Partial<ProgramSettings> = { ...patch };
    if (patch.tiers !== undefined) settings.tiers = patch.tiers === null ? null : normalizeTiers(patch.tiers);
    if (patch.posSettings !== undefined) settings.posSettings = normalizePosSettings(patch.posSettings);
    if (!(await updateProgramSettings(trx, programId, settings))) return before;
    const after = (await findProgramRecord(trx, programId))!;
    await audit(trx, ctx, { programId, action: 'program.update', entityType: 'program', entityId: programId, before, after });
    return after;
  });
}
