import type { License, LicenseTerm } from '../../../app/cstore/model.ts';
import type { ScanDataLicenseTable } from '../schema.ts';
import type { Tx } from '../tx.ts';
import { toLicense } from './cstore.repository.ts';

/** Scan Data licenses: bought per program, assigned once to one location for a term. */

/** The program's licenses by purchase (only those assigned to a location, when asked). */
export async function licensesOfProgram(db: Tx, programId: string, now: string, opts: { assignedOnly?: boolean } = {}): Promise<License[]> {
  let q = db.selectFrom('scan_data_licenses').selectAll().where('program_id', '=', programId);
  q = opts.assignedOnly ? q.where('location_id', 'is not', null) : q.orderBy('bought_at').orderBy('id');
  return (await q.execute()).map((r) => toLicense(r, now));
}

export async function findLicense(db: Tx, licenseId: string, now: string): Promise<License | undefined> {
  const row = await db.selectFrom('scan_data_licenses').selectAll().where('id', '=', licenseId).executeTakeFirst();
  return row && toLicense(row, now);
}

/** `count` unassigned licenses of one term, bought now. */
export async function insertLicenses(db: Tx, programId: string, term: LicenseTerm, ids: readonly string[], now: string): Promise<License[]> {
  const rows: ScanDataLicenseTable[] = ids.map((id) => ({
    id,
    program_id: programId,
    term,
    bought_at: now,
    location_id: null,
    assigned_at: null,
    assigned_by: null,
    starts_at: null,
    expires_at: null,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('scan_data_licenses')
      .values(rows.slice(i, i + 500))
      .execute();
  return rows.map((r) => toLicense(r, now));
}

/** A license already assigned (the demo seed): bought, assigned and started at `at`. */
export async function insertAssignedLicense(
  db: Tx,
  l: { id: string; programId: string; term: LicenseTerm; locationId: string; at: string; by: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('scan_data_licenses')
    .values({
      id: l.id,
      program_id: l.programId,
      term: l.term,
      bought_at: l.at,
      location_id: l.locationId,
      assigned_at: l.at,
      assigned_by: l.by,
      starts_at: l.at,
      expires_at: l.expiresAt,
    })
    .execute();
}

/** When the location's latest license still running at `now` ends, if any (a renewal starts then). */
export async function coveredUntil(db: Tx, locationId: string, now: string): Promise<string | undefined> {
  const latest = await db
    .selectFrom('scan_data_licenses')
    .select('expires_at')
    .where('location_id', '=', locationId)
    .where('expires_at', '>', now)
    .orderBy('expires_at', 'desc')
    .executeTakeFirst();
  return latest?.expires_at ?? undefined;
}

/**
 * Binds the license to the location unless it is bound already: the guard in WHERE makes two
 * racing assignments end with exactly one winner. Returns whether this one won.
 */
export async function assignLicenseIfFree(
  db: Tx,
  a: { licenseId: string; locationId: string; at: string; by: string; startsAt: string; expiresAt: string },
): Promise<boolean> {
  const r = await db
    .updateTable('scan_data_licenses')
    .set({ location_id: a.locationId, assigned_at: a.at, assigned_by: a.by, starts_at: a.startsAt, expires_at: a.expiresAt })
    .where('id', '=', a.licenseId)
    .where('location_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
