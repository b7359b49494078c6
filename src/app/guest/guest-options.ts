import type { GuestAuthOptions } from './guest-auth.service.ts';
import type { ExternalIdpConfig } from './external-idp.ts';
import type { LoginCodeSender } from './login-code-sender.ts';

/** What the guest API can be configured with (buildApp's `guest` option; the composition root builds it from the config). */
export type GuestOptions = Partial<Omit<GuestAuthOptions, 'sender'>> & {
  sender?: LoginCodeSender;
  /** Code creation and status use this clock too (tests). */
  clock?: () => Date;
};

/** The guest settings of the validated configuration (`Config['guest']`, src/config.ts) the guest API reads itself. */
export interface GuestSettings {
  /** `TILLPOINT_GUEST_JWT_ISSUER`, `TILLPOINT_GUEST_JWKS_URL`, `TILLPOINT_GUEST_JWT_AUDIENCE`: accepted in every program */
  idp: { issuer: string; jwksUrl: string; audience: string[] } | null;
  /** `TILLPOINT_GUEST_SESSION_TTL_SECONDS` */
  sessionTtlSeconds: number;
}

/**
 * The guest API's options from the validated settings and the login-code sender the composition
 * root chose (`server.ts`; the config already refused the `log` sender in production unless
 * allowed, and an issuer without a key set).
 */
export function guestOptionsFrom(settings: GuestSettings, sender: LoginCodeSender): GuestOptions {
  const options: GuestOptions = { sender, sessionTtlSeconds: settings.sessionTtlSeconds };
  if (settings.idp) {
    const { issuer, jwksUrl, audience } = settings.idp;
    const idp: ExternalIdpConfig = { issuer, jwksUrl };
    if (audience.length > 0) idp.audience = audience.length === 1 ? audience[0]! : audience;
    options.externalIdp = { '*': idp };
  }
  return options;
}
