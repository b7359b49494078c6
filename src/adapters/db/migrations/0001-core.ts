import { type Kysely, sql } from 'kysely';

/** Loyalty core: programs, stores, keys, guests, incentives, codes, transactions, ledger. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('programs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('earn_rate_milli', 'integer', (c) => c.notNull())
    .addColumn('min_spend_cents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expiry_policy', 'text', (c) => c.notNull())
    .addColumn('claim_window_days', 'integer', (c) => c.notNull().defaultTo(30))
    .addColumn('receipt_templates', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('public_url', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('stores')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('loyalty_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('stores_program_external', ['program_id', 'external_id'])
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('vendor', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  await db.schema
    .createTable('guests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('balance', 'integer', (c) => c.notNull().defaultTo(0).check(sql`balance >= 0`))
    .addColumn('last_activity_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('guests_program_email', ['program_id', 'email'])
    .execute();

  await db.schema
    .createTable('incentives')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('point_cost', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rules', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('vendor_configs', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incentives_program').on('incentives').columns(['program_id', 'active']).execute();

  await db.schema
    .createTable('otp_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('guest_id', 'text', (c) => c.notNull().references('guests.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('selections', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('used_pos_key', 'text')
    .addColumn('used_transaction_id', 'text')
    .execute();
  await db.schema.createIndex('otp_codes_lookup').on('otp_codes').columns(['program_id', 'code', 'expires_at']).execute();

  await db.schema
    .createTable('loyalty_transactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
    .addColumn('guest_id', 'text', (c) => c.references('guests.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('pos_vendor', 'text', (c) => c.notNull())
    .addColumn('pos_type', 'text', (c) => c.notNull())
    .addColumn('pos_key', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text')
    .addColumn('terminal', 'text', (c) => c.notNull())
    .addColumn('pos_transaction_id', 'text', (c) => c.notNull())
    .addColumn('operator', 'text')
    .addColumn('matching_id', 'text')
    .addColumn('selections', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('service_mode', 'text')
    .addColumn('channel', 'text')
    .addColumn('cart', 'text')
    .addColumn('subtotal_cents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('points_earned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('points_redeemed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reserved_points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('earnable_points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('receipt_code', 'text', (c) => c.notNull().unique())
    .addColumn('claim_hash', 'text')
    .addColumn('claim_response', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text')
    .addColumn('voided_at', 'text')
    .addUniqueConstraint('loyalty_transactions_program_dedupe', ['program_id', 'dedupe_key'])
    .execute();
  await db.schema.createIndex('loyalty_transactions_pos').on('loyalty_transactions').columns(['program_id', 'pos_key']).execute();
  await db.schema.createIndex('loyalty_transactions_guest').on('loyalty_transactions').columns(['guest_id', 'created_at']).execute();

  await db.schema
    .createTable('points_ledger')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('guest_id', 'text', (c) => c.notNull().references('guests.id'))
    .addColumn('transaction_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('balance_after', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('points_ledger_guest').on('points_ledger').columns(['guest_id', 'created_at']).execute();
  await db.schema.createIndex('points_ledger_transaction').on('points_ledger').column('transaction_id').execute();

  await db.schema
    .createTable('redemptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('guest_id', 'text', (c) => c.notNull().references('guests.id'))
    .addColumn('transaction_id', 'text', (c) => c.notNull().references('loyalty_transactions.id'))
    .addColumn('incentive_id', 'text', (c) => c.notNull().references('incentives.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('voided_at', 'text')
    .execute();
  await db.schema.createIndex('redemptions_guest').on('redemptions').columns(['guest_id', 'incentive_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['redemptions', 'points_ledger', 'loyalty_transactions', 'otp_codes', 'incentives', 'guests', 'api_keys', 'stores', 'programs']) {
    await db.schema.dropTable(t).execute();
  }
}
