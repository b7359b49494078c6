import { type Kysely, sql } from 'kysely';

/**
 * Convenience-store manufacturer promotions: locations, Scan Data licenses, manufacturer
 * enrollments, the per-location register state, the review queue, sync runs, update batches and
 * the scheduler's once-per-(location, day) claims.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('locations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('pos_system', 'text', (c) => c.notNull())
    .addColumn('outlet_ids', 'text', (c) => c.notNull())
    .addColumn('auto_accept', 'integer', (c) => c.notNull())
    .addColumn('integration_status', 'text', (c) => c.notNull())
    .addColumn('sync_time', 'text')
    .addColumn('outbox_dir', 'text')
    .addColumn('enrollment_error', 'text')
    .addColumn('enrollment_error_at', 'text')
    .addColumn('agent_token_hash', 'text', (c) => c.unique())
    .addColumn('agent_token_prefix', 'text')
    .addColumn('batch_seq', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('locations_program').on('locations').columns(['program_id', 'name']).execute();
  await db.schema.createIndex('locations_status').on('locations').columns(['integration_status']).execute();

  await db.schema
    .createTable('scan_data_licenses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('term', 'text', (c) => c.notNull())
    .addColumn('bought_at', 'text', (c) => c.notNull())
    .addColumn('location_id', 'text', (c) => c.references('locations.id'))
    .addColumn('assigned_at', 'text')
    .addColumn('assigned_by', 'text')
    .addColumn('starts_at', 'text')
    .addColumn('expires_at', 'text')
    .execute();
  await db.schema.createIndex('scan_data_licenses_program').on('scan_data_licenses').columns(['program_id', 'bought_at']).execute();
  await db.schema.createIndex('scan_data_licenses_location').on('scan_data_licenses').columns(['location_id', 'expires_at']).execute();

  await db.schema
    .createTable('manufacturer_enrollments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('manufacturer', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('outlet_id', 'text')
    .addColumn('outlet_name', 'text')
    .addColumn('email', 'text')
    .addColumn('account_number_enc', 'text')
    .addColumn('client_id_enc', 'text')
    .addColumn('client_secret_enc', 'text')
    .addColumn('masks', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('status_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('manufacturer_enrollments_program_manufacturer', ['program_id', 'manufacturer'])
    .execute();

  await db.schema
    .createTable('location_promotions')
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('manufacturer', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('promotion', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('location_promotions_pk', ['location_id', 'manufacturer', 'external_id'])
    .execute();

  await db.schema
    .createTable('sync_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull())
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('manufacturer', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('pages', 'integer', (c) => c.notNull())
    .addColumn('added', 'integer', (c) => c.notNull())
    .addColumn('modified', 'integer', (c) => c.notNull())
    .addColumn('ended', 'integer', (c) => c.notNull())
    .addColumn('rejected', 'integer', (c) => c.notNull())
    .addColumn('superseded', 'integer', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error', 'text')
    .addColumn('rejected_records', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text')
    .execute();
  await db.schema.createIndex('sync_runs_location').on('sync_runs').columns(['location_id', 'started_at']).execute();

  await db.schema
    .createTable('update_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull())
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('accepted_by', 'text', (c) => c.notNull())
    .addColumn('accepted_by_name', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('change_count', 'integer', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .addColumn('delivery_count', 'integer', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .addColumn('ack_message', 'text')
    .addColumn('outbox_path', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('update_batches_location_seq', ['location_id', 'seq'])
    .addUniqueConstraint('update_batches_idempotency', ['location_id', 'idempotency_key'])
    .execute();
  await db.schema.createIndex('update_batches_state').on('update_batches').columns(['location_id', 'state', 'seq']).execute();

  await db.schema
    .createTable('promotion_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull())
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('manufacturer', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('sync_run_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .execute();
  await db.schema.createIndex('promotion_changes_location').on('promotion_changes').columns(['location_id', 'status', 'created_at']).execute();
  // At most one pending change per promotion and location: the database, not only the diff, says so.
  await db.schema
    .createIndex('promotion_changes_one_pending')
    .on('promotion_changes')
    .columns(['location_id', 'manufacturer', 'external_id'])
    .unique()
    .where(sql.raw<boolean>(`status = 'pending'`))
    .execute();

  await db.schema
    .createTable('sync_claims')
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('run_id', 'text')
    .addPrimaryKeyConstraint('sync_claims_pk', ['location_id', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'sync_claims',
    'promotion_changes',
    'update_batches',
    'sync_runs',
    'location_promotions',
    'manufacturer_enrollments',
    'scan_data_licenses',
    'locations',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
