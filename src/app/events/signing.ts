import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SecretBox } from '../../lib/secret-box.ts';

/** Headers of every webhook request. */
export const WEBHOOK_HEADERS = {
  eventId: 'x-tillpoint-event-id',
  eventType: 'x-tillpoint-event-type',
  /** Unix seconds; part of the signed text, so a captured request cannot be replayed later */
  timestamp: 'x-tillpoint-timestamp',
  /** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" under the webhook's secret>` */
  signature: 'x-tillpoint-signature',
  deliveryId: 'x-tillpoint-delivery-id',
  attempt: 'x-tillpoint-delivery-attempt',
} as const;

/** A new signing secret: 32 random bytes, shown to the admin once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * The signature header value for one request.
 *
 * @example
 * signWebhook('whsec_…', 1764072000, '{"id":"…"}') // → 'sha256=5f1c…'
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does (and what the docs show): recompute the HMAC over the raw body, compare in
 * constant time, and refuse timestamps too far from now.
 */
export function verifyWebhook(opts: { secret: string; body: string; timestamp: string | undefined; signature: string | undefined; nowSeconds?: number; toleranceSeconds?: number }): boolean {
  const ts = Number(opts.timestamp);
  if (!Number.isInteger(ts) || !opts.signature) return false;
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - ts) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(opts.secret, ts, opts.body));
  const given = Buffer.from(opts.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const DEV_KEY_PASSPHRASE = 'tillpoint-development-webhook-key-do-not-use-in-production';
let warned = false;

/**
 * The key that seals webhook signing secrets at rest: TILLPOINT_SECRET_KEY (the same key that
 * seals other credentials). HMAC needs the secret itself, so it cannot be hashed like an API key;
 * it is AES-256-GCM sealed instead, and a database dump alone does not reveal it. Without the
 * variable a development key is used (with a warning); in production it is required.
 */
export function webhookSecretBox(env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): SecretBox {
  const keyText = env.TILLPOINT_SECRET_KEY;
  if (!keyText && env.NODE_ENV === 'production') throw new Error('TILLPOINT_SECRET_KEY is required in production to seal webhook secrets');
  if (!keyText && !warned && env.NODE_ENV !== 'test' && !env.VITEST) {
    warned = true;
    warn('tillpoint: TILLPOINT_SECRET_KEY is not set; webhook secrets are sealed with a development key.');
  }
  return SecretBox.fromKeyText(keyText ?? DEV_KEY_PASSPHRASE);
}
