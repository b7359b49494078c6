import type { Kysely } from 'kysely';

/**
 * Per POS vendor settings of a program, JSON `{ [vendor]: { genericDiscountPlus?: string[] } }`:
 * the PLUs of a POS's generic 100% discount (Winrest rings a reward as its product plus that
 * discount). null = none.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('programs').addColumn('pos_settings', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('programs').dropColumn('pos_settings').execute();
}
