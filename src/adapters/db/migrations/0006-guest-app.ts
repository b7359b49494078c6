import type { Kysely } from 'kysely';

/**
 * Guest (app) API: e-mail login codes, guest sessions, identities from an external identity
 * provider, the guest's pre-selection, promo codes and their redemptions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('guest_login_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'text')
    .execute();
  await db.schema.createIndex('guest_login_codes_email').on('guest_login_codes').columns(['program_id', 'email', 'created_at']).execute();

  await db.schema
    .createTable('guest_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('guest_id', 'text', (c) => c.notNull().references('guests.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('guest_sessions_guest').on('guest_sessions').column('guest_id').execute();

  await db.schema
    .createTable('guest_external_identities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('guest_id', 'text', (c) => c.notNull().references('guests.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('guest_external_identities_subject', ['program_id', 'issuer', 'subject'])
    .execute();

  await db.schema
    .createTable('guest_selections')
    .addColumn('guest_id', 'text', (c) => c.primaryKey().references('guests.id'))
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('incentive_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('promo_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('incentive_id', 'text', (c) => c.notNull().references('incentives.id'))
    .addColumn('max_uses', 'integer')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('once_per_guest', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('valid_from', 'text')
    .addColumn('valid_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .addUniqueConstraint('promo_codes_program_code', ['program_id', 'code'])
    .execute();

  await db.schema
    .createTable('promo_redemptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('promo_code_id', 'text', (c) => c.notNull().references('promo_codes.id'))
    .addColumn('incentive_id', 'text', (c) => c.notNull())
    // null for an anonymous redemption at a POS; the unique pair then never collides
    .addColumn('guest_id', 'text', (c) => c.references('guests.id'))
    // a guest's second redemption of a once-per-guest code collides here; else a fresh id
    .addColumn('guest_once_key', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('promo_redemptions_once', ['promo_code_id', 'guest_once_key'])
    .execute();
  await db.schema.createIndex('promo_redemptions_guest').on('promo_redemptions').columns(['guest_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['promo_redemptions', 'promo_codes', 'guest_selections', 'guest_external_identities', 'guest_sessions', 'guest_login_codes']) {
    await db.schema.dropTable(t).execute();
  }
}
