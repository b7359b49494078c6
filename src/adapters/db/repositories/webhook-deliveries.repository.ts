import { sql } from 'kysely';
import { capabilitiesOf } from '../capabilities.ts';
import type { OutboxEventTable, WebhookDeliveryTable, WebhookSubscriptionTable } from '../schema.ts';
import type { Tx } from '../tx.ts';

/**
 * Webhook deliveries: outbox events fanned out to the subscribed webhooks, then claimed, attempted
 * and settled by any number of workers. Claims lock with `FOR UPDATE SKIP LOCKED` where the
 * database can (`DbCapabilities.skipLocked`), so workers take disjoint rows; elsewhere the single
 * conditional UPDATE is atomic anyway.
 */

export type DeliveryRow = WebhookDeliveryTable;
export type SubscriptionRow = WebhookSubscriptionTable;
export type OutboxEventRow = OutboxEventTable;

/** Marks up to `limit` undispatched events dispatched at `at` and returns them. Run it in a transaction. */
export async function takeUndispatchedEvents(trx: Tx, at: string, limit: number): Promise<Pick<OutboxEventRow, 'id' | 'program_id' | 'type' | 'created_at'>[]> {
  const pick = trx
    .selectFrom('outbox_events')
    .select('id')
    .where('dispatched_at', 'is', null)
    // Ordered as outbox_events_dispatch (dispatched_at, created_at) is — the same order, as
    // dispatched_at is null throughout — so PostgreSQL walks that index instead of a bitmap scan
    // and sort. A plain index scan marks the entries of dispatched versions dead as it passes
    // them; a bitmap scan never does, so every round re-read every event dispatched since the
    // last VACUUM (thousands a round under POS load, growing until vacuum).
    .orderBy('dispatched_at')
    .orderBy('created_at')
    .limit(limit)
    .$if(capabilitiesOf(trx).skipLocked, (q) => q.forUpdate().skipLocked());
  // The write comes first, so that on SQLite the transaction holds the write lock from its start.
  return trx
    .updateTable('outbox_events')
    .set({ dispatched_at: at })
    .where('id', 'in', pick)
    .where('dispatched_at', 'is', null)
    .returning(['id', 'program_id', 'type', 'created_at'])
    .execute();
}

export async function activeSubscriptionsOf(db: Tx, programIds: readonly string[]): Promise<SubscriptionRow[]> {
  return db.selectFrom('webhook_subscriptions').selectAll().where('program_id', 'in', programIds).where('active', '=', 1).execute();
}

/** New deliveries; one per event and webhook, so a repeat inserts nothing twice. */
export async function insertDeliveries(db: Tx, rows: readonly DeliveryRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) {
    await db
      .insertInto('webhook_deliveries')
      .values(rows.slice(i, i + 100))
      .onConflict((oc) => oc.columns(['event_id', 'webhook_id']).doNothing())
      .execute();
  }
}

/**
 * Leases up to `limit` due deliveries to the claim `token` until `leaseUntil`, counting the attempt,
 * in one statement (atomic on both engines). `delivering` rows whose lease ran out are taken again.
 */
export async function claimDueDeliveries(db: Tx, c: { token: string; now: string; leaseUntil: string; limit: number }): Promise<DeliveryRow[]> {
  const due = db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('status', 'in', ['pending', 'delivering'])
    .where('next_attempt_at', '<=', c.now)
    .orderBy('next_attempt_at')
    .limit(c.limit)
    .$if(capabilitiesOf(db).skipLocked, (q) => q.forUpdate().skipLocked());
  return db
    .updateTable('webhook_deliveries')
    .set({
      status: 'delivering',
      claim_token: c.token,
      attempts: sql<number>`attempts + 1`,
      next_attempt_at: c.leaseUntil,
      last_attempt_at: c.now,
      updated_at: c.now,
    })
    .where('id', 'in', due)
    .where('status', 'in', ['pending', 'delivering'])
    .where('next_attempt_at', '<=', c.now)
    .returningAll()
    .execute();
}

export async function subscriptionsByIds(db: Tx, ids: readonly string[]): Promise<SubscriptionRow[]> {
  return db.selectFrom('webhook_subscriptions').selectAll().where('id', 'in', ids).execute();
}

export async function eventsByIds(db: Tx, ids: readonly string[]): Promise<OutboxEventRow[]> {
  return db.selectFrom('outbox_events').selectAll().where('id', 'in', ids).execute();
}

/** The outcome of an attempt, recorded only by the holder of the claim token. */
export async function settleDelivery(
  db: Tx,
  id: string,
  token: string,
  s: Pick<DeliveryRow, 'status' | 'last_status_code' | 'last_error' | 'updated_at'> &
    Partial<Pick<DeliveryRow, 'next_attempt_at' | 'dead_at' | 'delivered_at'>>,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ ...s, claim_token: null })
    .where('id', '=', id)
    .where('claim_token', '=', token)
    .execute();
}
