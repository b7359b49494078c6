import type { Selectable } from 'kysely';
import type { ManufacturerEnrollmentTable } from '../schema.ts';
import type { Tx } from '../tx.ts';

/** A program's enrollment with a manufacturer (one per manufacturer), credentials sealed. */

export type EnrollmentRow = Selectable<ManufacturerEnrollmentTable>;
export type EnrollmentValues = Omit<ManufacturerEnrollmentTable, 'id' | 'created_at'>;

export async function findEnrollment(db: Tx, programId: string, manufacturer: string): Promise<EnrollmentRow | undefined> {
  return db.selectFrom('manufacturer_enrollments').selectAll().where('program_id', '=', programId).where('manufacturer', '=', manufacturer).executeTakeFirst();
}

/** Replaces the enrollment `existingId`, or inserts a new one with `newId`. */
export async function saveEnrollment(db: Tx, existingId: string | null, values: EnrollmentValues, created: { id: string; at: string }): Promise<void> {
  if (existingId) await db.updateTable('manufacturer_enrollments').set(values).where('id', '=', existingId).execute();
  else
    await db
      .insertInto('manufacturer_enrollments')
      .values({ ...values, id: created.id, created_at: created.at })
      .execute();
}

/** The manufacturer refuses (`broken`, with why) or accepts again (`ok`) the enrollment. */
export async function setEnrollmentStatus(
  db: Tx,
  where: { id: string } | { programId: string; manufacturer: string },
  status: 'ok' | 'broken',
  reason: string | null,
  at: string,
): Promise<void> {
  const q = db.updateTable('manufacturer_enrollments').set({ status, status_reason: reason, status_at: at, updated_at: at });
  await ('id' in where ? q.where('id', '=', where.id) : q.where('program_id', '=', where.programId).where('manufacturer', '=', where.manufacturer)).execute();
}
