import type { Kysely } from 'kysely';

/**
 * Points over time and partial refunds: the guest's birthdate (birthday rules), a program's tier
 * configuration, per-redemption line references and returned quantities (partial refunds give a
 * reward back), the partial refunds themselves, and one row per expiry run (a second run on the
 * same day does nothing).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // YYYY-MM-DD; null when the guest gave none.
  await db.schema.alterTable('guests').addColumn('birthdate', 'text').execute();
  // JSON { windowDays, tiers: [{ name, minPoints }] }; null = the program has no tiers.
  await db.schema.alterTable('programs').addColumn('tier_config', 'text').execute();

  // JSON string[]: the cart lines (referenceIds) that redeemed the incentive.
  await db.schema.alterTable('redemptions').addColumn('line_refs', 'text').execute();
  // How many of `quantity` partial refunds gave back (the guest may redeem them again).
  await db.schema
    .alterTable('redemptions')
    .addColumn('returned_quantity', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('redemptions_transaction').on('redemptions').column('transaction_id').execute();
  // `authentication-required` asks whether a transaction was identified with a one-time code.
  await db.schema.createIndex('otp_codes_used_transaction').on('otp_codes').column('used_transaction_id').execute();

  await db.schema
    .createTable('refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('transaction_id', 'text', (c) => c.notNull().references('loyalty_transactions.id'))
    .addColumn('guest_id', 'text', (c) => c.references('guests.id'))
    .addColumn('refund_key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('lines', 'text', (c) => c.notNull())
    .addColumn('goods_cents', 'integer', (c) => c.notNull())
    .addColumn('points_reversed', 'integer', (c) => c.notNull())
    .addColumn('points_returned', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('refunds_transaction_key', ['program_id', 'transaction_id', 'refund_key'])
    .execute();

  // The expiry job pages through a program's guests by id.
  await db.schema.createIndex('guests_program_id').on('guests').columns(['program_id', 'id']).execute();

  await db.schema
    .createTable('expiry_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('run_date', 'text', (c) => c.notNull())
    .addColumn('policy', 'text', (c) => c.notNull())
    // Credits before this instant could expire in the run; a finished run with the same cutoff
    // left nothing due (monthly buckets: nothing new is due until the month turns).
    .addColumn('cutoff', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('guests_expired', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('points_expired', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('expiry_runs_program_day', ['program_id', 'run_date'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('expiry_runs').execute();
  await db.schema.dropIndex('guests_program_id').execute();
  await db.schema.dropTable('refunds').execute();
  await db.schema.dropIndex('otp_codes_used_transaction').execute();
  await db.schema.dropIndex('redemptions_transaction').execute();
  await db.schema.alterTable('redemptions').dropColumn('returned_quantity').execute();
  await db.schema.alterTable('redemptions').dropColumn('line_refs').execute();
  await db.schema.alterTable('programs').dropColumn('tier_config').execute();
  await db.schema.alterTable('guests').dropColumn('birthdate').execute();
}
