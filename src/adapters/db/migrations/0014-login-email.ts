import type { Kysely } from 'kysely';

/**
 * A program's wording of the guest login-code e-mail, JSON `{ subject?, text? }` with
 * placeholders (app/guest/login-email.ts). null = Tillpoint's default wording.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('programs').addColumn('login_email', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('programs').dropColumn('login_email').execute();
}
