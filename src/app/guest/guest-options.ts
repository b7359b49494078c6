import type { GuestAuthOptions } from './guest-auth.service.ts';
import type { ExternalIdpConfig } from './external-idp.ts';
import { type LoginCodeSender, logLoginCodeSender, webhookLoginCodeSender } from './login-code-sender.ts';

/** What the guest API can be configured with (buildApp's `guest` option, else the environment). */
export type GuestOptions = Partial<Omit<GuestAuthOptions, 'sender'>> & {
  sender?: LoginCodeSender;
  /** Code creation and status use this clock too (tests). */
  clock?: () => Date;
};

/**
 * The guest API's configuration from the environment:
 * - `TILLPOINT_GUEST_LOGIN_SENDER` = `log` (default; development: codes go to the log) or `webhook`.
 *   With `NODE_ENV=production` the `log` sender stops the start — anyone who reads the logs could
 *   sign in as any guest — unless `TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION=true` says it is meant
 *   (e.g. a staging deployment whose logs only its developers read).
 * - `TILLPOINT_GUEST_LOGIN_WEBHOOK_URL`, optional `TILLPOINT_GUEST_LOGIN_WEBHOOK_SECRET` (HMAC signature)
 * - `TILLPOINT_GUEST_JWT_ISSUER`, `TILLPOINT_GUEST_JWKS_URL`, optional `TILLPOINT_GUEST_JWT_AUDIENCE`
 *   (comma-separated): accept that provider's JWTs in every program
 * - `TILLPOINT_GUEST_SESSION_TTL_SECONDS` (default 30 days)
 */
export function guestOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): GuestOptions {
  const kind = (env.TILLPOINT_GUEST_LOGIN_SENDER ?? 'log').toLowerCase();
  let sender: LoginCodeSender;
  if (kind === 'webhook') {
    const url = env.TILLPOINT_GUEST_LOGIN_WEBHOOK_URL;
    if (!url || !/^https?:\/\//.test(url)) throw new Error('TILLPOINT_GUEST_LOGIN_SENDER=webhook needs TILLPOINT_GUEST_LOGIN_WEBHOOK_URL (http or https)');
    sender = webhookLoginCodeSender({ url, ...(env.TILLPOINT_GUEST_LOGIN_WEBHOOK_SECRET ? { secret: env.TILLPOINT_GUEST_LOGIN_WEBHOOK_SECRET } : {}) });
  } else if (kind === 'log') {
    if (env.NODE_ENV === 'production' && !allowLogSenderInProduction(env)) {
      throw new Error(
        'TILLPOINT_GUEST_LOGIN_SENDER is log (the default), which writes guest login codes to the log: refused in production. Set TILLPOINT_GUEST_LOGIN_SENDER=webhook with TILLPOINT_GUEST_LOGIN_WEBHOOK_URL, or TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION=true if that is really meant',
      );
    }
    sender = logLoginCodeSender();
  } else {
    throw new Error(`TILLPOINT_GUEST_LOGIN_SENDER "${kind}" is neither log nor webhook`);
  }
  const options: GuestOptions = { sender };
  const issuer = env.TILLPOINT_GUEST_JWT_ISSUER;
  const jwksUrl = env.TILLPOINT_GUEST_JWKS_URL;
  if (issuer || jwksUrl) {
    if (!issuer || !jwksUrl) throw new Error('TILLPOINT_GUEST_JWT_ISSUER and TILLPOINT_GUEST_JWKS_URL go together');
    const idp: ExternalIdpConfig = { issuer, jwksUrl };
    const audience = env.TILLPOINT_GUEST_JWT_AUDIENCE?.split(',').map((a) => a.trim()).filter(Boolean);
    if (audience && audience.length > 0) idp.audience = audience.length === 1 ? audience[0]! : audience;
    options.externalIdp = { '*': idp };
  }
  if (env.TILLPOINT_GUEST_SESSION_TTL_SECONDS) {
    const ttl = Number(env.TILLPOINT_GUEST_SESSION_TTL_SECONDS);
    if (!Number.isInteger(ttl) || ttl < 60) throw new Error('TILLPOINT_GUEST_SESSION_TTL_SECONDS must be a whole number of seconds, at least 60');
    options.sessionTtlSeconds = ttl;
  }
  return options;
}

/** `TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION`: `true` or `false` (default); anything else stops the start. */
function allowLogSenderInProduction(env: NodeJS.ProcessEnv): boolean {
  const value = (env.TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION ?? 'false').trim().toLowerCase();
  if (value !== 'true' && value !== 'false') throw new Error(`TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION "${env.TILLPOINT_ALLOW_LOG_SENDER_IN_PRODUCTION}" is neither true nor false`);
  return value === 'true';
}
