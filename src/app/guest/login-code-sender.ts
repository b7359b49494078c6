import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.ts';
import { signWebhook } from '../events/signing.ts';
import type { Logger } from '../ports/logger.ts';
import type { LoginEmailTemplate } from './login-email.ts';

/** What a sender delivers to the guest: the one-time login code, in plain text, once. */
export interface LoginCodeMessage {
  programSlug: string;
  programName: string;
  email: string;
  code: string;
  expiresAt: string;
  /** true when the e-mail belongs to no guest yet (the code signs them up) */
  signUp: boolean;
  /** the program's wording of the e-mail (an e-mail sender renders it); null: the default */
  emailTemplate?: LoginEmailTemplate | null;
}

/** The part of the one {@link Logger} a sender needs (pino / Fastify's request logger fits). */
export type SenderLogger = Pick<Logger, 'info' | 'warn'>;

/**
 * Delivers login codes to guests. Plug in your e-mail or SMS provider by implementing `send`;
 * Tillpoint ships `log` (development) and `webhook` (production: your mailer receives JSON).
 *
 * @example
 * const sender: LoginCodeSender = {
 *   id: 'mailer',
 *   async send(message) { await mailer.send(message.email, `Your code: ${message.code}`); },
 * };
 */
export interface LoginCodeSender {
  readonly id: string;
  /** Throw to refuse; the guest then gets 503 and may ask again. */
  send(message: LoginCodeMessage, context: { log: SenderLogger }): Promise<void>;
}

/** Development: the code goes to the request log at info. Never use it in production. */
export function logLoginCodeSender(): LoginCodeSender {
  return {
    id: 'log',
    async send(message, { log }) {
      log.info(
        { email: message.email, program: message.programSlug, loginCode: message.code, expiresAt: message.expiresAt },
        'guest login code (log sender: development only)',
      );
    },
  };
}

export interface WebhookSenderOptions {
  url: string;
  /** When set, the request is signed as every Tillpoint webhook is: Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`). */
  secret?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  clock?: () => Date;
}

/** Production: POSTs the message as JSON to your mailer; any non-2xx answer is a failure (503). */
export function webhookLoginCodeSender(opts: WebhookSenderOptions): LoginCodeSender {
  const doFetch = opts.fetch ?? fetch;
  const clock = opts.clock ?? (() => new Date());
  return {
    id: 'webhook',
    async send(message, { log }) {
      const body = JSON.stringify({ type: 'guest.login_code', ...message });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (opts.secret) Object.assign(headers, signWebhook(opts.secret, `msg_${randomUUID()}`, clock(), body));
      let status = 0;
      try {
        const res = await doFetch(opts.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000) });
        status = res.status;
        await res.body?.cancel();
      } catch (err) {
        log.warn({ err: (err as Error).message, url: opts.url }, 'login code webhook failed');
      }
      if (status < 200 || status >= 300) {
        if (status) log.warn({ status, url: opts.url }, 'login code webhook refused');
        throw new AppError('ServiceUnavailable', 'The login code could not be sent; try again shortly');
      }
    },
  };
}
