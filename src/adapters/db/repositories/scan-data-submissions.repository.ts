import type { Selectable } from 'kysely';
import type { ScanDataAccountTable, ScanDataSubmissionTable } from '../schema.ts';
import type { Tx } from '../tx.ts';

/** Scan-data accounts (per program and manufacturer) and the files generated for them, one row per generation. */

export type ScanDataAccountRow = Selectable<ScanDataAccountTable>;
export type ScanDataSubmissionRow = Selectable<ScanDataSubmissionTable>;

export async function insertScanDataAccount(db: Tx, row: ScanDataAccountTable): Promise<void> {
  await db.insertInto('scan_data_accounts').values(row).execute();
}

export async function updateScanDataAccount(
  db: Tx,
  id: string,
  values: Partial<Omit<ScanDataAccountTable, 'id' | 'program_id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('scan_data_accounts').set(values).where('id', '=', id).execute();
}

/** Removes an account that has no submission (false, nothing removed, when it has one). */
export async function deleteScanDataAccountWithoutFiles(db: Tx, id: string): Promise<boolean> {
  const used = await db.selectFrom('scan_data_submissions').select('id').where('account_id', '=', id).limit(1).executeTakeFirst();
  if (used) return false;
  await db.deleteFrom('scan_data_accounts').where('id', '=', id).execute();
  return true;
}

export async function findScanDataAccount(db: Tx, id: string): Promise<ScanDataAccountRow | undefined> {
  return db.selectFrom('scan_data_accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Accounts by program (every program when null), manufacturer and account-number hash, oldest first. */
export async function scanDataAccounts(
  db: Tx,
  q: { programId?: string | null; manufacturer?: string; numberHash?: string; ids?: readonly string[] },
): Promise<ScanDataAccountRow[]> {
  let query = db.selectFrom('scan_data_accounts').selectAll();
  if (q.programId) query = query.where('program_id', '=', q.programId);
  if (q.manufacturer) query = query.where('manufacturer', '=', q.manufacturer);
  if (q.numberHash) query = query.where('account_number_hash', '=', q.numberHash);
  if (q.ids) {
    if (!q.ids.length) return [];
    query = query.where('id', 'in', q.ids);
  }
  return query.orderBy('created_at').orderBy('id').execute();
}

/** Locations of a program holding a Scan Data license for some of [from, to] (store-local dates). */
export async function locationsLicensedDuring(db: Tx, programId: string, from: string, to: string): Promise<string[]> {
  const rows = await db
    .selectFrom('scan_data_licenses')
    .select('location_id')
    .distinct()
    .where('program_id', '=', programId)
    .where('location_id', 'is not', null)
    .where('starts_at', '<', `${to}T99`) // any instant of the week's last day (ISO text compares as text)
    .where('expires_at', '>', from)
    .execute();
  return rows.map((r) => r.location_id!);
}

/** POS transactions per location whose store-local date is in [from, to]. */
export async function transactionsPerLocation(db: Tx, locationIds: readonly string[], from: string, to: string): Promise<Map<string, number>> {
  if (!locationIds.length) return new Map();
  const rows = await db
    .selectFrom('cstore_sales')
    .select(['location_id', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
    .where('location_id', 'in', locationIds)
    .where('local_date', '>=', from)
    .where('local_date', '<=', to)
    .groupBy('location_id')
    .execute();
  return new Map(rows.map((r) => [r.location_id, Number(r.n)]));
}

export async function insertSubmission(db: Tx, row: ScanDataSubmissionTable): Promise<void> {
  await db.insertInto('scan_data_submissions').values(row).execute();
}

export async function findSubmission(db: Tx, id: string): Promise<ScanDataSubmissionRow | undefined> {
  return db.selectFrom('scan_data_submissions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The newest generation of an account's week, if any. */
export async function latestSubmission(db: Tx, accountId: string, weekStart: string): Promise<ScanDataSubmissionRow | undefined> {
  return db
    .selectFrom('scan_data_submissions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('week_start', '=', weekStart)
    .orderBy('generation', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The newest generation of each (account, week) among these accounts and weeks. */
export async function latestSubmissions(db: Tx, accountIds: readonly string[], weekStarts: readonly string[]): Promise<ScanDataSubmissionRow[]> {
  if (!accountIds.length || !weekStarts.length) return [];
  const rows = await db
    .selectFrom('scan_data_submissions')
    .selectAll()
    .where('account_id', 'in', accountIds)
    .where('week_start', 'in', weekStarts)
    .orderBy('generation', 'desc')
    .execute();
  const latest = new Map<string, ScanDataSubmissionRow>();
  for (const r of rows) if (!latest.has(`${r.account_id}|${r.week_start}`)) latest.set(`${r.account_id}|${r.week_start}`, r);
  return [...latest.values()];
}

/**
 * Moves a submission from `from` to its next state; the state in WHERE makes two racing admins end
 * with one winner. Returns whether this one won.
 */
export async function moveSubmission(
  db: Tx,
  id: string,
  from: readonly string[],
  set: Partial<
    Pick<
      ScanDataSubmissionTable,
      'state' | 'released_at' | 'released_by' | 'submitted_at' | 'submitted_by' | 'rejected_at' | 'rejection_code' | 'rejection_message'
    >
  >,
): Promise<boolean> {
  const r = await db.updateTable('scan_data_submissions').set(set).where('id', '=', id).where('state', 'in', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
