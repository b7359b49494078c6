import type { Kysely } from 'kysely';

/**
 * Scan-data submissions (issue #12 item 5). `scan_data_accounts`: a program's account at a
 * manufacturer (the account number sealed like the RJR secrets, a hash to find it by number, the
 * mask to show), the names the file carries, the writer's options and — when set — which locations
 * belong with their outlet numbers and addresses (JSON; null = the licensed locations).
 * `scan_data_submissions`: one row per generated file; a regeneration of the same account and
 * week is the next `generation` (unique, so two racing generators cannot both write generation 2),
 * and the newest one is the week's submission.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('scan_data_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('manufacturer', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('account_number_enc', 'text', (c) => c.notNull())
    .addColumn('account_number_hash', 'text', (c) => c.notNull())
    .addColumn('account_number_mask', 'text', (c) => c.notNull())
    .addColumn('retailer_name', 'text', (c) => c.notNull())
    .addColumn('submitter_name', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('outlets', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('scan_data_accounts_number', ['program_id', 'manufacturer', 'account_number_hash'])
    .execute();
  await db.schema
    .createTable('scan_data_submissions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('scan_data_accounts.id'))
    .addColumn('program_id', 'text', (c) => c.notNull())
    .addColumn('manufacturer', 'text', (c) => c.notNull())
    .addColumn('week_start', 'text', (c) => c.notNull())
    .addColumn('week_end', 'text', (c) => c.notNull())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_path', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('final_sales_cents', 'bigint', (c) => c.notNull())
    .addColumn('transactions', 'integer', (c) => c.notNull())
    .addColumn('outlets', 'integer', (c) => c.notNull())
    .addColumn('validation', 'text', (c) => c.notNull())
    .addColumn('hold_reason', 'text')
    .addColumn('generated_at', 'text', (c) => c.notNull())
    .addColumn('generated_by', 'text', (c) => c.notNull())
    .addColumn('released_at', 'text')
    .addColumn('released_by', 'text')
    .addColumn('submitted_at', 'text')
    .addColumn('submitted_by', 'text')
    .addColumn('rejected_at', 'text')
    .addColumn('rejection_code', 'text')
    .addColumn('rejection_message', 'text')
    .addUniqueConstraint('scan_data_submissions_generation', ['account_id', 'week_start', 'generation'])
    .execute();
  await db.schema.createIndex('scan_data_submissions_program').on('scan_data_submissions').columns(['program_id', 'week_start']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('scan_data_submissions').execute();
  await db.schema.dropTable('scan_data_accounts').execute();
}
