import type { Incentive, IncentiveKind, PluConfig, RuleRef } from '../../../domain/incentive.ts';
import type { IncentiveTable } from '../schema.ts';
import type { Tx } from '../tx.ts';

/**
 * Rewards and offers as the back office edits them. The POS path reads the active ones as
 * `Incentive` through config.repository.ts (`listActiveIncentives`, cached).
 */
export interface IncentiveRecord extends Incentive {
  programId: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What is written: every editable field. */
export type IncentiveFields = Pick<IncentiveRecord, 'name' | 'pointCost' | 'rules' | 'vendorConfigs' | 'active'>;

function toRecord(row: IncentiveTable): IncentiveRecord {
  return {
    id: row.id,
    programId: row.program_id,
    kind: row.kind,
    name: row.name,
    pointCost: row.point_cost,
    rules: JSON.parse(row.rules) as RuleRef[],
    vendorConfigs: JSON.parse(row.vendor_configs) as Record<string, PluConfig>,
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findIncentiveRecord(db: Tx, programId: string, id: string): Promise<IncentiveRecord | null> {
  const row = await db.selectFrom('incentives').selectAll().where('program_id', '=', programId).where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** A program's incentives by kind, name and id. */
export async function listIncentiveRecords(db: Tx, programId: string, filter: { kind?: IncentiveKind; active?: boolean } = {}): Promise<IncentiveRecord[]> {
  let q = db.selectFrom('incentives').selectAll().where('program_id', '=', programId);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.active !== undefined) q = q.where('active', '=', filter.active ? 1 : 0);
  return (await q.orderBy('kind').orderBy('name').orderBy('id').execute()).map(toRecord);
}

export async function insertIncentive(db: Tx, i: { id: string; programId: string; kind: IncentiveKind; at: string } & IncentiveFields): Promise<void> {
  await db
    .insertInto('incentives')
    .values({
      id: i.id,
      program_id: i.programId,
      kind: i.kind,
      name: i.name,
      point_cost: i.pointCost,
      rules: JSON.stringify(i.rules),
      vendor_configs: JSON.stringify(i.vendorConfigs),
      active: i.active ? 1 : 0,
      created_at: i.at,
      updated_at: i.at,
    })
    .execute();
}

export async function updateIncentiveFields(db: Tx, programId: string, id: string, f: IncentiveFields, at: string): Promise<void> {
  await db
    .updateTable('incentives')
    .set({
      name: f.name,
      point_cost: f.pointCost,
      rules: JSON.stringify(f.rules),
      vendor_configs: JSON.stringify(f.vendorConfigs),
      active: f.active ? 1 : 0,
      updated_at: at,
    })
    .where('id', '=', id)
    .where('program_id', '=', programId)
    .execute();
}
