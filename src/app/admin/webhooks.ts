import type { WebhookDeliveryTable, WebhookSubscriptionTable } from '../../adapters/db/schema.ts';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../domain/delivery-status.ts';
import type { EventType } from '../../domain/event-type.ts';
import { AppError, invalidField } from '../../errors.ts';
import { newId, UUID } from '../../lib/ids.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { EVENT_TYPE_NAMES } from '../events/event-types.ts';
import { newWebhookSecret } from '../events/signing.ts';
import { type AdminContext, assertProgramInScope, audit, beforeCursor, notFound, type Page, type PageRequest, pageLimit, toPage } from './context.ts';

export type EventTypeFilter = EventType | '*';

export interface WebhookView {
  id: string;
  programId: string;
  url: string;
  description: string;
  /** the event types delivered; ["*"] for every type, present and future */
  eventTypes: EventTypeFilter[];
  /** the first characters of the signing secret, to tell secrets apart */
  secretPrefix: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The answers that carry the signing secret in clear: once, at creation and rotation. */
export interface WebhookWithSecret {
  webhook: WebhookView;
  secret: string;
}

export function webhookView(row: WebhookSubscriptionTable): WebhookView {
  return {
    id: row.id,
    programId: row.program_id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.event_types) as EventTypeFilter[],
    secretPrefix: row.secret_prefix,
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function validateWebhookUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidField('url', 'is not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw invalidField('url', 'must be http or https');
  if (parsed.username || parsed.password) throw invalidField('url', 'must not carry credentials; requests are signed instead');
  if (url.length > 2000) throw invalidField('url', 'must be at most 2000 characters');
}

function validateEventTypes(types: string[]): EventTypeFilter[] {
  if (types.length === 0) throw invalidField('eventTypes', 'must list at least one event type, or "*"');
  types.forEach((t, i) => {
    if (t !== '*' && !(EVENT_TYPE_NAMES as string[]).includes(t)) throw invalidField(`eventTypes[${i}]`, `"${t}" is not an event type (${EVENT_TYPE_NAMES.join(', ')}, or *)`);
  });
  const unique = [...new Set(types)] as EventTypeFilter[];
  return unique.includes('*') ? ['*'] : unique.sort();
}

async function webhookRow(ctx: AdminContext, programId: string, webhookId: string): Promise<WebhookSubscriptionTable> {
  const row = UUID.test(webhookId)
    ? await ctx.db.selectFrom('webhook_subscriptions').selectAll().where('program_id', '=', programId).where('id', '=', webhookId).executeTakeFirst()
    : undefined;
  if (!row) throw notFound('webhook', webhookId);
  return row;
}

export async function listWebhooks(ctx: AdminContext, programId: string): Promise<WebhookView[]> {
  assertProgramInScope(ctx.actor, programId);
  const rows = await ctx.db.selectFrom('webhook_subscriptions').selectAll().where('program_id', '=', programId).orderBy('created_at').orderBy('id').execute();
  return rows.map(webhookView);
}

export async function getWebhook(ctx: AdminContext, programId: string, webhookId: string): Promise<WebhookView> {
  assertProgramInScope(ctx.actor, programId);
  return webhookView(await webhookRow(ctx, programId, webhookId));
}

function sealed(box: SecretBox): { secret: string; secret_enc: string; secret_prefix: string; key_fingerprint: string } {
  const secret = newWebhookSecret();
  return { secret, secret_enc: box.seal(secret), secret_prefix: secret.slice(0, 10), key_fingerprint: box.fingerprint() };
}

/** Subscribes a URL to event types; the answer carries the signing secret, once. */
export async function createWebhook(ctx: AdminContext, box: SecretBox, programId: string, input: { url: string; eventTypes: string[]; description?: string }): Promise<WebhookWithSecret> {
  assertProgramInScope(ctx.actor, programId);
  validateWebhookUrl(input.url);
  const eventTypes = validateEventTypes(input.eventTypes);
  if ((input.description ?? '').length > 500) throw invalidField('description', 'must be at most 500 characters');
  const { secret, ...stored } = sealed(box);
  const id = newId();
  const at = ctx.now.toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const program = await trx.selectFrom('programs').select('id').where('id', '=', programId).executeTakeFirst();
    if (!program) throw notFound('program', programId);
    const row: WebhookSubscriptionTable = {
      id,
      program_id: programId,
      url: input.url,
      description: input.description ?? '',
      event_types: JSON.stringify(eventTypes),
      ...stored,
      active: 1,
      created_at: at,
      updated_at: at,
    };
    await trx.insertInto('webhook_subscriptions').values(row).execute();
    await audit(trx, ctx, { programId, action: 'webhook.create', entityType: 'webhook', entityId: id, after: webhookView(row) });
    return { webhook: webhookView(row), secret };
  });
}

export async function updateWebhook(ctx: AdminContext, programId: string, webhookId: string, patch: { url?: string; eventTypes?: string[]; description?: string; active?: boolean }): Promise<WebhookView> {
  assertProgramInScope(ctx.actor, programId);
  if (patch.url !== undefined) validateWebhookUrl(patch.url);
  const eventTypes = patch.eventTypes === undefined ? undefined : validateEventTypes(patch.eventTypes);
  if ((patch.description ?? '').length > 500) throw invalidField('description', 'must be at most 500 characters');
  return ctx.db.transaction().execute(async (trx) => {
    const before = await webhookRow({ ...ctx, db: trx }, programId, webhookId);
    const set: Partial<WebhookSubscriptionTable> = { updated_at: ctx.now.toISOString() };
    if (patch.url !== undefined) set.url = patch.url;
    if (eventTypes !== undefined) set.event_types = JSON.stringify(eventTypes);
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.active !== undefined) set.active = patch.active ? 1 : 0;
    await trx.updateTable('webhook_subscriptions').set(set).where('id', '=', before.id).execute();
    const after = webhookView(await webhookRow({ ...ctx, db: trx }, programId, webhookId));
    await audit(trx, ctx, { programId, action: 'webhook.update', entityType: 'webhook', entityId: before.id, before: webhookView(before), after });
    return after;
  });
}

/** A new signing secret, effective for every later attempt (including retries of older events). */
export async function rotateWebhookSecret(ctx: AdminContext, box: SecretBox, programId: string, webhookId: string): Promise<WebhookWithSecret> {
  assertProgramInScope(ctx.actor, programId);
  const { secret, ...stored } = sealed(box);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await webhookRow({ ...ctx, db: trx }, programId, webhookId);
    await trx.updateTable('webhook_subscriptions').set({ ...stored, updated_at: ctx.now.toISOString() }).where('id', '=', before.id).execute();
    const after = webhookView(await webhookRow({ ...ctx, db: trx }, programId, webhookId));
    await audit(trx, ctx, { programId, action: 'webhook.rotate_secret', entityType: 'webhook', entityId: before.id, before: webhookView(before), after });
    return { webhook: after, secret };
  });
}

// ---- deliveries ----------------------------------------------------------------------------------

export { DELIVERY_STATUSES };

export interface DeliveryView {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  /** pending (waiting for its next attempt), delivering, delivered, or dead (gave up: the dead-letter state) */
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  deadAt: string | null;
  createdAt: string;
}

export function deliveryView(row: WebhookDeliveryTable): DeliveryView {
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

export interface DeliveryQuery extends PageRequest {
  status?: DeliveryStatus;
  webhookId?: string;
  eventType?: string;
  eventId?: string;
}

/** Deliveries of one program, newest first; `status=dead` is the dead-letter view. */
export async function listDeliveries(ctx: AdminContext, programId: string, f: DeliveryQuery): Promise<Page<DeliveryView>> {
  assertProgramInScope(ctx.actor, programId);
  const limit = pageLimit(f.limit);
  if (f.status !== undefined && !DELIVERY_STATUSES.includes(f.status)) throw invalidField('status', `must be one of ${DELIVERY_STATUSES.join(', ')}`);
  let q = ctx.db.selectFrom('webhook_deliveries').selectAll().where('program_id', '=', programId);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  if (f.webhookId !== undefined) q = q.where('webhook_id', '=', f.webhookId);
  if (f.eventType !== undefined) q = q.where('event_type', '=', f.eventType);
  if (f.eventId !== undefined) q = q.where('event_id', '=', f.eventId);
  if (f.cursor) q = q.where(beforeCursor(f.cursor, 'created_at', 'id'));
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  return toPage(rows, limit, (r) => [r.created_at, r.id], deliveryView);
}

export interface DeliveryDetail extends DeliveryView {
  event: { id: string; type: string; createdAt: string; data: unknown };
}

async function deliveryRow(ctx: AdminContext, programId: string, deliveryId: string): Promise<WebhookDeliveryTable> {
  const row = UUID.test(deliveryId)
    ? await ctx.db.selectFrom('webhook_deliveries').selectAll().where('program_id', '=', programId).where('id', '=', deliveryId).executeTakeFirst()
    : undefined;
  if (!row) throw notFound('delivery', deliveryId);
  return row;
}

export async function getDelivery(ctx: AdminContext, programId: string, deliveryId: string): Promise<DeliveryDetail> {
  assertProgramInScope(ctx.actor, programId);
  const row = await deliveryRow(ctx, programId, deliveryId);
  const event = await ctx.db.selectFrom('outbox_events').selectAll().where('id', '=', row.event_id).where('program_id', '=', programId).executeTakeFirstOrThrow();
  return { ...deliveryView(row), event: { id: event.id, type: event.type, createdAt: event.created_at, data: JSON.parse(event.payload) as unknown } };
}

/** Queues a delivery again now, with a fresh attempt budget (dead letters, or a receiver that lost one). */
export async function resendDelivery(ctx: AdminContext, programId: string, deliveryId: string): Promise<DeliveryView> {
  assertProgramInScope(ctx.actor, programId);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await deliveryRow({ ...ctx, db: trx }, programId, deliveryId);
    if (before.status === 'delivering' || before.status === 'pending') {
      throw new AppError('Conflict', `This delivery is ${before.status}; it is already queued`, { field: 'deliveryId', status: before.status });
    }
    const at = ctx.now.toISOString();
    const won = await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', attempts: 0, next_attempt_at: at, claim_token: null, dead_at: null, updated_at: at })
      .where('id', '=', before.id)
      .where('status', '=', before.status)
      .returningAll()
      .executeTakeFirst();
    if (!won) throw new AppError('Conflict', 'This delivery changed meanwhile; reload it', { field: 'deliveryId' });
    await audit(trx, ctx, { programId, action: 'webhook_delivery.resend', entityType: 'webhook_delivery', entityId: before.id, before: deliveryView(before), after: deliveryView(won) });
    return deliveryView(won);
  });
}
