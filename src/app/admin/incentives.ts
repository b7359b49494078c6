import {
  findIncentiveRecord,
  type IncentiveRecord,
  insertIncentive,
  listIncentiveRecords,
  updateIncentiveFields,
} from '../../adapters/db/repositories/incentives.repository.ts';
import { programExists } from '../../adapters/db/repositories/programs.repository.ts';
import { inTransaction } from '../../adapters/db/tx.ts';
import type { IncentiveKind, PluConfig, RuleRef } from '../../domain/incentive.ts';
import { DATE_SPAN } from '../../domain/rules/date-span.rule.ts';
import { AppError, invalidField } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { validateIncentive } from '../provisioning.ts';
import { type AdminContext, assertProgramInScope, audit, notFound } from './context.ts';

/**
 * Validity is not a second mechanism beside the rules: it is the `date-span` rule (store-local
 * dates, inclusive), so the POS and the app explain an out-of-date incentive like any other
 * failing rule. `validity` in the admin API is a shortcut that reads and writes that rule.
 */
export interface Validity {
  start?: string;
  end?: string;
}

export interface IncentiveView {
  id: string;
  programId: string;
  kind: IncentiveKind;
  name: string;
  pointCost: number;
  rules: RuleRef[];
  vendorConfigs: Record<string, PluConfig>;
  validity: Validity | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export function incentiveView(i: IncentiveRecord): IncentiveView {
  const span = i.rules.find((r) => r.ruleId === DATE_SPAN);
  return {
    id: i.id,
    programId: i.programId,
    kind: i.kind,
    name: i.name,
    pointCost: i.pointCost,
    rules: i.rules,
    vendorConfigs: i.vendorConfigs,
    validity: span ? (span.args as Validity) : null,
    active: i.active,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}

export interface IncentiveInput {
  kind: IncentiveKind;
  name: string;
  pointCost?: number;
  rules?: RuleRef[];
  vendorConfigs: Record<string, PluConfig>;
  /** shortcut for the date-span rule; null removes it */
  validity?: Validity | null;
  active?: boolean;
}

export type IncentivePatch = Partial<Omit<IncentiveInput, 'kind'>>;

/** Merges `validity` into the rule list as the date-span rule. */
function withValidity(rules: RuleRef[], validity: Validity | null | undefined, rulesGiven: boolean): RuleRef[] {
  if (validity === undefined) return rules;
  if (rulesGiven && rules.some((r) => r.ruleId === DATE_SPAN)) {
    throw invalidField('validity', `conflicts with the ${DATE_SPAN} rule in rules; set one of them`);
  }
  const others = rules.filter((r) => r.ruleId !== DATE_SPAN);
  if (validity === null) return others;
  for (const k of ['start', 'end'] as const) {
    const v = validity[k];
    if (v !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))))
      throw invalidField(`validity.${k}`, 'must be a store-local date YYYY-MM-DD');
  }
  if (validity.start && validity.end && validity.start > validity.end) throw invalidField('validity.end', 'is before validity.start');
  const args: Record<string, string> = {};
  if (validity.start !== undefined) args.start = validity.start;
  if (validity.end !== undefined) args.end = validity.end;
  return [...others, { ruleId: DATE_SPAN, args }];
}

function check(i: { kind: IncentiveKind; name: string; pointCost: number; rules: RuleRef[]; vendorConfigs: Record<string, PluConfig> }): void {
  if (i.name.trim() === '' || i.name.length > 200) throw invalidField('name', 'must be 1 to 200 characters');
  const problems = validateIncentive(i);
  if (problems.length > 0) throw new AppError('ValidationError', problems.join('; '), { field: problems[0]!.split(':')[0], problems });
}

export async function listIncentives(ctx: AdminContext, programId: string, filter: { kind?: IncentiveKind; active?: boolean } = {}): Promise<IncentiveView[]> {
  assertProgramInScope(ctx.actor, programId);
  return (await listIncentiveRecords(ctx.db, programId, filter)).map(incentiveView);
}

export async function getIncentive(ctx: AdminContext, programId: string, incentiveId: string): Promise<IncentiveView> {
  assertProgramInScope(ctx.actor, programId);
  const incentive = await findIncentiveRecord(ctx.db, programId, incentiveId);
  if (!incentive) throw notFound('incentive', incentiveId);
  return incentiveView(incentive);
}

/** Creates a reward or offer; its rules and vendor configs are validated against the registry first. */
export async function createIncentiveAs(ctx: AdminContext, programId: string, input: IncentiveInput): Promise<IncentiveView> {
  assertProgramInScope(ctx.actor, programId);
  const rules = withValidity(input.rules ?? [], input.validity, input.rules !== undefined);
  const candidate = { kind: input.kind, name: input.name, pointCost: input.pointCost ?? 0, rules, vendorConfigs: input.vendorConfigs };
  check(candidate);
  const id = newId();
  const at = ctx.now.toISOString();
  return inTransaction(ctx.db, async (trx) => {
    if (!(await programExists(trx, programId))) throw notFound('program', programId);
    await insertIncentive(trx, { id, programId, at, ...candidate, active: input.active !== false });
    const view = incentiveView((await findIncentiveRecord(trx, programId, id))!);
    await audit(trx, ctx, { programId, action: 'incentive.create', entityType: 'incentive', entityId: id, after: view });
    return view;
  });
}

/** Changes an incentive; the merged result is validated as a whole. The kind is fixed. */
export async function updateIncentive(
  ctx: AdminContext,
  programId: string,
  incentiveId: string,
  patch: IncentivePatch,
  action = 'incentive.update',
): Promise<IncentiveView> {
  assertProgramInScope(ctx.actor, programId);
  return inTransaction(ctx.db, async (trx) => {
    const row = await findIncentiveRecord(trx, programId, incentiveId);
    if (!row) throw notFound('incentive', incentiveId);
    const before = incentiveView(row);
    const rules = withValidity(patch.rules ?? before.rules, patch.validity, patch.rules !== undefined);
    const merged = {
      kind: before.kind,
      name: patch.name ?? before.name,
      pointCost: patch.pointCost ?? before.pointCost,
      rules,
      vendorConfigs: patch.vendorConfigs ?? before.vendorConfigs,
    };
    check(merged);
    const active = patch.active ?? before.active;
    const { name, pointCost, vendorConfigs } = merged;
    await updateIncentiveFields(trx, programId, incentiveId, { name, pointCost, rules: merged.rules, vendorConfigs, active }, ctx.now.toISOString());
    const after = incentiveView((await findIncentiveRecord(trx, programId, incentiveId))!);
    await audit(trx, ctx, { programId, action, entityType: 'incentive', entityId: incentiveId, before, after });
    return after;
  });
}

/** Withdraws an incentive: guests no longer see it and POS lines naming it are refused. Kept for history. */
export function deactivateIncentive(ctx: AdminContext, programId: string, incentiveId: string): Promise<IncentiveView> {
  return updateIncentive(ctx, programId, incentiveId, { active: false }, 'incentive.deactivate');
}
