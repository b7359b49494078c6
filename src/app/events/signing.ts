import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Every webhook Tillpoint sends (outbox events and guest login codes) is signed one way:
 * [Standard Webhooks](https://www.standardwebhooks.com/), so that a receiver verifies with an
 * off-the-shelf library (`new Webhook(secret).verify(body, headers)` in JS, Python, Go, …).
 */
export const WEBHOOK_HEADERS = {
  /** the message id: the event id (the same on every retry; de-duplicate on it) */
  id: 'webhook-id',
  /** Unix seconds; signed, so a captured request cannot be replayed later */
  timestamp: 'webhook-timestamp',
  /** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` */
  signature: 'webhook-signature',
  eventType: 'x-tillpoint-event-type',
  deliveryId: 'x-tillpoint-delivery-id',
  attempt: 'x-tillpoint-delivery-attempt',
} as const;

/** A new signing secret in the Standard Webhooks form: `whsec_` + 32 random bytes in base64, shown to the admin once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The signing key of a secret. A `whsec_…` secret is base64 (secrets issued before Standard
 * Webhooks were base64url, the same bytes: both alphabets are read); any other text (e.g. a
 * `TILLPOINT_GUEST_LOGIN_WEBHOOK_SECRET` chosen by hand) is used as its UTF-8 bytes.
 */
export function webhookKey(secret: string): Uint8Array {
  if (secret.startsWith('whsec_')) {
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    if (key.length > 0) return key;
  }
  return Buffer.from(secret, 'utf8');
}

/**
 * The three Standard Webhooks headers of one request.
 *
 * @example
 * signWebhook('whsec_…', 'evt_01…', new Date(), '{"id":"evt_01…"}')
 * // → { 'webhook-id': 'evt_01…', 'webhook-timestamp': '1764072000', 'webhook-signature': 'v1,K5oZ…' }
 */
export function signWebhook(secret: string, id: string, at: Date, body: string): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    [WEBHOOK_HEADERS.id]: id,
    [WEBHOOK_HEADERS.timestamp]: String(Math.floor(at.getTime() / 1000)),
    [WEBHOOK_HEADERS.signature]: new Webhook(webhookKey(secret), { format: 'raw' }).sign(id, at, body),
  } as Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;
}
