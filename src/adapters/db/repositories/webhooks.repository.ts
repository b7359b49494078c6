import type { Cursor } from '../../../app/pagination.ts';
import type { DeliveryStatus } from '../../../domain/delivery-status.ts';
import type { EventType } from '../../../domain/event-type.ts';
import { olderThan } from '../keyset.ts';
import type { WebhookDeliveryTable, WebhookSubscriptionTable } from '../schema.ts';
import type { Tx } from '../tx.ts';

/**
 * A program's webhooks and their deliveries, as the back office manages them. The signing secret
 * is stored sealed (SecretBox); records carry its prefix only.
 */
export interface WebhookRecord {
  id: string;
  programId: string;
  url: string;
  description: string;
  /** the event types delivered; ["*"] for every type, present and future */
  eventTypes: (EventType | '*')[];
  secretPrefix: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A signing secret as stored: sealed, its prefix, and the fingerprint of the sealing key. */
export interface SealedSecret {
  secretEnc: string;
  secretPrefix: string;
  keyFingerprint: string;
}

function toWebhook(row: WebhookSubscriptionTable): WebhookRecord {
  return {
    id: row.id,
    programId: row.program_id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.event_types) as (EventType | '*')[],
    secretPrefix: row.secret_prefix,
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const sealedColumns = (s: SealedSecret) => ({ secret_enc: s.secretEnc, secret_prefix: s.secretPrefix, key_fingerprint: s.keyFingerprint });

export async function findWebhook(db: Tx, programId: string, id: string): Promise<WebhookRecord | null> {
  const row = await db.selectFrom('webhook_subscriptions').selectAll().where('program_id', '=', programId).where('id', '=', id).executeTakeFirst();
  return row ? toWebhook(row) : null;
}

export async function listWebhooks(db: Tx, programId: string): Promise<WebhookRecord[]> {
  return (await db.selectFrom('webhook_subscriptions').selectAll().where('program_id', '=', programId).orderBy('created_at').orderBy('id').execute()).map(
    toWebhook,
  );
}

export async function insertWebhook(db: Tx, w: Omit<WebhookRecord, 'secretPrefix'> & SealedSecret): Promise<void> {
  await db
    .insertInto('webhook_subscriptions')
    .values({
      id: w.id,
      program_id: w.programId,
      url: w.url,
      description: w.description,
      event_types: JSON.stringify(w.eventTypes),
      ...sealedColumns(w),
      active: w.active ? 1 : 0,
      created_at: w.createdAt,
      updated_at: w.updatedAt,
    })
    .execute();
}

export async function updateWebhook(
  db: Tx,
  id: string,
  patch: { url?: string; eventTypes?: (EventType | '*')[]; description?: string; active?: boolean; secret?: SealedSecret; updatedAt: string },
): Promise<void> {
  const set: Partial<WebhookSubscriptionTable> = { updated_at: patch.updatedAt };
  if (patch.url !== undefined) set.url = patch.url;
  if (patch.eventTypes !== undefined) set.event_types = JSON.stringify(patch.eventTypes);
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.active !== undefined) set.active = patch.active ? 1 : 0;
  if (patch.secret !== undefined) Object.assign(set, sealedColumns(patch.secret));
  await db.updateTable('webhook_subscriptions').set(set).where('id', '=', id).execute();
}

// ---- deliveries ----------------------------------------------------------------------------------

export interface DeliveryRecord {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  /** when a pending delivery is tried next; null otherwise */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  deadAt: string | null;
  createdAt: string;
}

function toDelivery(row: WebhookDeliveryTable): DeliveryRecord {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastAttemptAt: row.last_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    deadAt: row.dead_at,
    createdAt: row.created_at,
  };
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  webhookId?: string;
  eventType?: string;
  eventId?: string;
}

/** A program's deliveries, newest first, up to `limit` after `cursor`. */
export async function searchDeliveries(db: Tx, programId: string, f: DeliveryFilter, cursor: Cursor | null, limit: number): Promise<DeliveryRecord[]> {
  let q = db.selectFrom('webhook_deliveries').selectAll().where('program_id', '=', programId);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  if (f.webhookId !== undefined) q = q.where('webhook_id', '=', f.webhookId);
  if (f.eventType !== undefined) q = q.where('event_type', '=', f.eventType);
  if (f.eventId !== undefined) q = q.where('event_id', '=', f.eventId);
  if (cursor) q = q.where(olderThan(cursor, 'created_at', 'id'));
  return (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(toDelivery);
}

export async function findDelivery(db: Tx, programId: string, id: string): Promise<DeliveryRecord | null> {
  const row = await db.selectFrom('webhook_deliveries').selectAll().where('program_id', '=', programId).where('id', '=', id).executeTakeFirst();
  return row ? toDelivery(row) : null;
}

/** The event a delivery carries. */
export async function deliveryEvent(db: Tx, programId: string, eventId: string): Promise<{ id: string; type: string; createdAt: string; data: unknown }> {
  const event = await db.selectFrom('outbox_events').selectAll().where('id', '=', eventId).where('program_id', '=', programId).executeTakeFirstOrThrow();
  return { id: event.id, type: event.type, createdAt: event.created_at, data: JSON.parse(event.payload) as unknown };
}

/**
 * Queues a delivery again at `at` with a fresh attempt budget, if it is still in status `from`;
 * null when it changed meanwhile.
 */
export async function requeueDelivery(db: Tx, id: string, from: DeliveryStatus, at: string): Promise<DeliveryRecord | null> {
  const won = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: at, claim_token: null, dead_at: null, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', from)
    .returningAll()
    .executeTakeFirst();
  return won ? toDelivery(won) : null;
}
