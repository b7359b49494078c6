import { programExists } from '../../adapters/db/repositories/programs.repository.ts';
import {
  deliveryEvent,
  findDelivery,
  findWebhook,
  insertWebhook,
  listWebhooks as listWebhookRecords,
  requeueDelivery,
  type SealedSecret,
  searchDeliveries,
  updateWebhook as updateWebhookRecord,
  type DeliveryRecord,
  type WebhookRecord,
} from '../../adapters/db/repositories/webhooks.repository.ts';
import { inTransaction, type Tx } from '../../adapters/db/tx.ts';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../domain/delivery-status.ts';
import type { EventType } from '../../domain/event-type.ts';
import { AppError, invalidField } from '../../errors.ts';
import { newId, UUID } from '../../lib/ids.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { EVENT_TYPE_NAMES } from '../events/event-types.ts';
import { newWebhookSecret } from '../events/signing.ts';
import { type AdminContext, assertProgramInScope, audit, decodeCursor, notFound, type Page, type PageRequest, pageLimit, toPage } from './context.ts';

export type EventTypeFilter = EventType | '*';

export type WebhookView = WebhookRecord;

/** The answers that carry the signing secret in clear: once, at creation and rotation. */
export interface WebhookWithSecret {
  webhook: WebhookView;
  secret: string;
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
    if (t !== '*' && !(EVENT_TYPE_NAMES as string[]).includes(t))
      throw invalidField(`eventTypes[${i}]`, `"${t}" is not an event type (${EVENT_TYPE_NAMES.join(', ')}, or *)`);
  });
  const unique = [...new Set(types)] as EventTypeFilter[];
  return unique.includes('*') ? ['*'] : unique.sort();
}

async function webhookRow(db: Tx, programId: string, webhookId: string): Promise<WebhookRecord> {
  const webhook = UUID.test(webhookId) ? await findWebhook(db, programId, webhookId) : null;
  if (!webhook) throw notFound('webhook', webhookId);
  return webhook;
}

export async function listWebhooks(ctx: AdminContext, programId: string): Promise<WebhookView[]> {
  assertProgramInScope(ctx.actor, programId);
  return listWebhookRecords(ctx.db, programId);
}

export async function getWebhook(ctx: AdminContext, programId: string, webhookId: string): Promise<WebhookView> {
  assertProgramInScope(ctx.actor, programId);
  return webhookRow(ctx.db, programId, webhookId);
}

function sealed(box: SecretBox): SealedSecret & { secret: string } {
  const secret = newWebhookSecret();
  return { secret, secretEnc: box.seal(secret), secretPrefix: secret.slice(0, 10), keyFingerprint: box.fingerprint() };
}

/** Subscribes a URL to event types; the answer carries the signing secret, once. */
export async function createWebhook(
  ctx: AdminContext,
  box: SecretBox,
  programId: string,
  input: { url: string; eventTypes: string[]; description?: string },
): Promise<WebhookWithSecret> {
  assertProgramInScope(ctx.actor, programId);
  validateWebhookUrl(input.url);
  const eventTypes = validateEventTypes(input.eventTypes);
  if ((input.description ?? '').length > 500) throw invalidField('description', 'must be at most 500 characters');
  const { secret, ...stored } = sealed(box);
  const id = newId();
  const at = ctx.now.toISOString();
  return inTransaction(ctx.db, async (trx) => {
    if (!(await programExists(trx, programId))) throw notFound('program', programId);
    const webhook: WebhookView = {
      id,
      programId,
      url: input.url,
      description: input.description ?? '',
      eventTypes,
      secretPrefix: stored.secretPrefix,
      active: true,
      createdAt: at,
      updatedAt: at,
    };
    await insertWebhook(trx, { ...webhook, ...stored });
    await audit(trx, ctx, { programId, action: 'webhook.create', entityType: 'webhook', entityId: id, after: webhook });
    return { webhook, secret };
  });
}

export async function updateWebhook(
  ctx: AdminContext,
  programId: string,
  webhookId: string,
  patch: { url?: string; eventTypes?: string[]; description?: string; active?: boolean },
): Promise<WebhookView> {
  assertProgramInScope(ctx.actor, programId);
  if (patch.url !== undefined) validateWebhookUrl(patch.url);
  const eventTypes = patch.eventTypes === undefined ? undefined : validateEventTypes(patch.eventTypes);
  if ((patch.description ?? '').length > 500) throw invalidField('description', 'must be at most 500 characters');
  return inTransaction(ctx.db, async (trx) => {
    const before = await webhookRow(trx, programId, webhookId);
    await updateWebhookRecord(trx, before.id, {
      url: patch.url,
      eventTypes,
      description: patch.description,
      active: patch.active,
      updatedAt: ctx.now.toISOString(),
    });
    const after = await webhookRow(trx, programId, webhookId);
    await audit(trx, ctx, { programId, action: 'webhook.update', entityType: 'webhook', entityId: before.id, before, after });
    return after;
  });
}

/** A new signing secret, effective for every later attempt (including retries of older events). */
export async function rotateWebhookSecret(ctx: AdminContext, box: SecretBox, programId: string, webhookId: string): Promise<WebhookWithSecret> {
  assertProgramInScope(ctx.actor, programId);
  const { secret, ...stored } = sealed(box);
  return inTransaction(ctx.db, async (trx) => {
    const before = await webhookRow(trx, programId, webhookId);
    await updateWebhookRecord(trx, before.id, { secret: stored, updatedAt: ctx.now.toISOString() });
    const after = await webhookRow(trx, programId, webhookId);
    await audit(trx, ctx, { programId, action: 'webhook.rotate_secret', entityType: 'webhook', entityId: before.id, before, after });
    return { webhook: after, secret };
  });
}

// ---- deliveries ----------------------------------------------------------------------------------

export { DELIVERY_STATUSES };

/** pending (waiting for its next attempt), delivering, delivered, or dead (gave up: the dead-letter state) */
export type DeliveryView = DeliveryRecord;

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
  const rows = await searchDeliveries(
    ctx.db,
    programId,
    { status: f.status, webhookId: f.webhookId, eventType: f.eventType, eventId: f.eventId },
    decodeCursor(f.cursor),
    limit + 1,
  );
  return toPage(
    rows,
    limit,
    (r) => [r.createdAt, r.id],
    (r) => r,
  );
}

export interface DeliveryDetail extends DeliveryView {
  event: { id: string; type: string; createdAt: string; data: unknown };
}

async function deliveryRow(db: Tx, programId: string, deliveryId: string): Promise<DeliveryRecord> {
  const delivery = UUID.test(deliveryId) ? await findDelivery(db, programId, deliveryId) : null;
  if (!delivery) throw notFound('delivery', deliveryId);
  return delivery;
}

export async function getDelivery(ctx: AdminContext, programId: string, deliveryId: string): Promise<DeliveryDetail> {
  assertProgramInScope(ctx.actor, programId);
  const delivery = await deliveryRow(ctx.db, programId, deliveryId);
  return { ...delivery, event: await deliveryEvent(ctx.db, programId, delivery.eventId) };
}

/** Queues a delivery again now, with a fresh attempt budget (dead letters, or a receiver that lost one). */
export async function resendDelivery(ctx: AdminContext, programId: string, deliveryId: string): Promise<DeliveryView> {
  assertProgramInScope(ctx.actor, programId);
  return inTransaction(ctx.db, async (trx) => {
    const before = await deliveryRow(trx, programId, deliveryId);
    if (before.status === 'delivering' || before.status === 'pending') {
      throw new AppError('Conflict', `This delivery is ${before.status}; it is already queued`, { field: 'deliveryId', status: before.status });
    }
    const at = ctx.now.toISOString();
    const won = await requeueDelivery(trx, before.id, before.status, at);
    if (!won) throw new AppError('Conflict', 'This delivery changed meanwhile; reload it', { field: 'deliveryId' });
    await audit(trx, ctx, { programId, action: 'webhook_delivery.resend', entityType: 'webhook_delivery', entityId: before.id, before, after: won });
    return won;
  });
}
