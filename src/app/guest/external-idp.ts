import { createRemoteJWKSet, errors as joseErrors, type JWTPayload, jwtVerify } from 'jose';
import { AppError } from '../../errors.ts';

/**
 * An external identity provider whose JWTs the guest API accepts instead of Tillpoint's own
 * tokens: the issuer, its JWKS URL and the audience the tokens must be minted for.
 */
export interface ExternalIdpConfig {
  issuer: string;
  jwksUrl: string;
  /** required `aud` (any of, when a list) */
  audience?: string | string[];
  /** allowed signature algorithms; asymmetric only */
  algorithms?: string[];
  /** leeway for `exp` / `nbf`, seconds (default 5) */
  clockToleranceSeconds?: number;
}

/** What Tillpoint takes from a verified token. */
export interface ExternalIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  /** only a verified e-mail may link the token to an existing guest with that e-mail */
  emailVerified: boolean;
  name: string | null;
}

const DEFAULT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** The signature and claims are the token's fault (401); anything else is the provider's (503). */
const CALLER_FAULTS: (new (...args: never[]) => Error)[] = [
  joseErrors.JWTExpired,
  joseErrors.JWTClaimValidationFailed,
  joseErrors.JWTInvalid,
  joseErrors.JWSInvalid,
  joseErrors.JWSSignatureVerificationFailed,
  joseErrors.JOSEAlgNotAllowed,
  joseErrors.JOSENotSupported,
  joseErrors.JWKSNoMatchingKey,
  joseErrors.JWKSMultipleMatchingKeys,
];

/**
 * Verifies external JWTs with `jose`: signature against the provider's JWKS (fetched and cached
 * per URL, refreshed on an unknown `kid`), `iss`, `aud`, `exp`/`nbf` against Tillpoint's clock.
 */
export class ExternalIdpVerifier {
  private readonly keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  async verify(token: string, config: ExternalIdpConfig, now: Date): Promise<ExternalIdentity> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keySet(config.jwksUrl), {
        issuer: config.issuer,
        ...(config.audience !== undefined ? { audience: config.audience } : {}),
        algorithms: config.algorithms ?? DEFAULT_ALGORITHMS,
        currentDate: now,
        clockTolerance: config.clockToleranceSeconds ?? 5,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new AppError('Unauthorized', 'Token has expired', { reason: 'expired' });
      if (CALLER_FAULTS.some((E) => err instanceof E)) throw new AppError('Unauthorized', 'Token is not valid', { reason: 'invalid' });
      throw new AppError('ServiceUnavailable', 'The identity provider could not be reached to verify the token');
    }
    const sub = payload.sub;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 255)
      throw new AppError('Unauthorized', 'Token has no usable sub claim', { reason: 'invalid' });
    const email =
      typeof payload.email === 'string' && /^[^@\s]+@[^@\s]+$/.test(payload.email) && payload.email.length <= 254 ? payload.email.toLowerCase() : null;
    const name = typeof payload.name === 'string' ? payload.name.slice(0, 100) : null;
    return { issuer: config.issuer, subject: sub, email, emailVerified: email !== null && payload.email_verified === true, name };
  }

  private keySet(url: string): ReturnType<typeof createRemoteJWKSet> {
    let set = this.keySets.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
      this.keySets.set(url, set);
    }
    return set;
  }
}

/** Looks like a compact JWS (three base64url parts), not one of Tillpoint's `tpg_` tokens. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}
