import type { Transporter } from 'nodemailer';
import type { LoginCodeSender } from '../../app/guest/login-code-sender.ts';
import { type LoginEmailTemplate, renderLoginEmail } from '../../app/guest/login-email.ts';
import { AppError } from '../../errors.ts';

export interface SmtpSenderOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`; nodemailer's URL form */
  url: string;
  /** the From header, e.g. `"Burger Club" <no-reply@example.com>` */
  from: string;
  /** the program's wording, by program slug; null: the default */
  templateFor?: (programSlug: string) => LoginEmailTemplate | null | Promise<LoginEmailTemplate | null>;
  clock?: () => Date;
  /** give up on a server that does not answer (ms; default 10 s) */
  timeoutMs?: number;
}

/**
 * Production: login codes go out as e-mail through an SMTP server (`TILLPOINT_SMTP_URL`). A
 * refused or unreachable server is a 503 for the guest, who may ask again; the log names the
 * server's answer, never the code nor the credentials.
 */
export function smtpLoginCodeSender(opts: SmtpSenderOptions): LoginCodeSender & { close(): void } {
  const timeout = opts.timeoutMs ?? 10_000;
  // nodemailer is loaded with the first e-mail: a server configured for SMTP starts without it.
  let transport: Transporter | null = null;
  const transporter = async (): Promise<Transporter> => {
    if (!transport) {
      const { default: nodemailer } = await import('nodemailer');
      transport ??= nodemailer.createTransport(opts.url, { connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
    }
    return transport;
  };
  const clock = opts.clock ?? (() => new Date());
  const host = safeHost(opts.url);
  return {
    id: 'smtp',
    async send(message, { log }) {
      const template = message.emailTemplate ?? (await opts.templateFor?.(message.programSlug)) ?? null;
      const { subject, text } = renderLoginEmail(message, clock(), template);
      try {
        await (await transporter()).sendMail({ from: opts.from, to: message.email, subject, text });
      } catch (err) {
        const e = err as { code?: string; responseCode?: number; command?: string };
        log.warn({ smtp: host, code: e.code, responseCode: e.responseCode, command: e.command }, 'login code e-mail was not accepted');
        throw new AppError('ServiceUnavailable', 'The login code could not be sent; try again shortly');
      }
    },
    close: () => transport?.close(),
  };
}

/** host:port of an SMTP URL, for logs (the URL itself may carry a password). */
function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'smtps:' ? '465' : '587')}`;
  } catch {
    return '(invalid SMTP URL)';
  }
}
