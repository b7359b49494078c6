import type { Kysely } from 'kysely';
import { capabilitiesOf } from '../capabilities.ts';

/**
 * Admin API and event delivery: store groups, webhook subscriptions and their deliveries, a
 * dispatch marker on the outbox, and a database-level guard that keeps the audit log append-only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // JSON string[]; null = in no group.
  await db.schema.alterTable('stores').addColumn('store_groups', 'text').execute();

  // Set once the delivery worker has fanned an event out to the webhooks subscribed at that time.
  await db.schema.alterTable('outbox_events').addColumn('dispatched_at', 'text').execute();
  await db.schema.createIndex('outbox_events_dispatch').on('outbox_events').columns(['dispatched_at', 'created_at']).execute();

  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('event_types', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('secret_prefix', 'text', (c) => c.notNull())
    .addColumn('key_fingerprint', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_subscriptions_program').on('webhook_subscriptions').columns(['program_id', 'active']).execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhook_subscriptions.id'))
    .addColumn('event_id', 'text', (c) => c.notNull().references('outbox_events.id'))
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claim_token', 'text')
    .addColumn('last_attempt_at', 'text')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('dead_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('webhook_deliveries_event_webhook', ['event_id', 'webhook_id'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_program').on('webhook_deliveries').columns(['program_id', 'created_at']).execute();

  for (const statement of capabilitiesOf(db).appendOnlyGuard('audit_log').create) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of capabilitiesOf(db).appendOnlyGuard('audit_log').drop) await statement.execute(db);
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_subscriptions').execute();
  await db.schema.dropIndex('outbox_events_dispatch').execute();
  await db.schema.alterTable('outbox_events').dropColumn('dispatched_at').execute();
  await db.schema.alterTable('stores').dropColumn('store_groups').execute();
}
