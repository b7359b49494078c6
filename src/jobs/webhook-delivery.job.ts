import type { Db } from '../adapters/db/database.ts';
import { type DeliveryConfig, type DeliveryRound, WebhookDeliverer } from '../app/events/delivery.ts';
import type { SecretBox } from '../lib/secret-box.ts';

export const WEBHOOK_DELIVERY_JOB_ID = 'webhook-delivery';

export interface WebhookDeliveryJobContext {
  db: Db;
  now?: () => Date;
  /** the secret-key box (`loadSecretKey`, src/lib/secret-key.ts) that sealed the webhook secrets */
  secrets: SecretBox;
  config?: Partial<DeliveryConfig>;
}

/**
 * Delivers outbox events to webhooks: dispatches new events, then attempts what is due. Safe to
 * run in several processes at once (deliveries are leased with a conditional UPDATE and, on
 * PostgreSQL, SKIP LOCKED). `serve` instead keeps `startDeliveryLoop` running (built by the
 * composition root); this is the same round for a host's own scheduler.
 *
 * @example
 * await webhookDeliveryJob.run({ db, secrets }); // → { dispatched: 3, delivered: 3, retrying: 0, dead: 0 }
 */
export const webhookDeliveryJob = {
  id: WEBHOOK_DELIVERY_JOB_ID,
  /** croner pattern with seconds: every 10 seconds */
  schedule: '*/10 * * * * *',
  async run(ctx: WebhookDeliveryJobContext): Promise<DeliveryRound> {
    const deliverer = new WebhookDeliverer({ db: ctx.db.kysely, secrets: ctx.secrets, clock: ctx.now, config: ctx.config });
    return deliverer.runOnce();
  },
};
