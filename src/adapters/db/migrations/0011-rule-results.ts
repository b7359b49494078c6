import { type Kysely, sql } from 'kysely';

/**
 * The evaluation outcome of a sale (per incentive: applied or not, each rule's verdict), written
 * with the transaction by validate, PENDING and CLAIMED for the back office's transaction view;
 * and the indexes the dashboard's per-program aggregates read by (program, time) instead of
 * scanning every row of every program.
 */
export const DASHBOARD_INDEXES = [
  { name: 'loyalty_transactions_program_created', table: 'loyalty_transactions', columns: ['program_id', 'created_at'] },
  { name: 'points_ledger_program_created', table: 'points_ledger', columns: ['program_id', 'created_at'] },
  { name: 'redemptions_program_created', table: 'redemptions', columns: ['program_id', 'created_at'] },
  { name: 'sync_runs_program_status', table: 'sync_runs', columns: ['program_id', 'status', 'started_at'] },
  // Only the pending changes, which is all the dashboard counts (a location's history grows without bound).
  { name: 'promotion_changes_program_pending', table: 'promotion_changes', columns: ['program_id', 'location_id'], where: `status = 'pending'` },
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('loyalty_transactions').addColumn('rule_results', 'text').execute();
  for (const i of DASHBOARD_INDEXES) {
    const index = db.schema
      .createIndex(i.name)
      .on(i.table)
      .columns([...i.columns]);
    await ('where' in i ? index.where(sql.raw<boolean>(i.where)) : index).execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const i of DASHBOARD_INDEXES) await db.schema.dropIndex(i.name).execute();
  await db.schema.alterTable('loyalty_transactions').dropColumn('rule_results').execute();
}
