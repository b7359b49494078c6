import { randomBytes, randomInt } from 'node:crypto';
import { findProgramBySlug } from '../../adapters/db/repositories/config.repository.ts';
import {
  consumeLoginCode,
  countLoginAttempt,
  deleteLoginCode,
  guestIdForIdentity,
  guestIdWithEmail,
  insertLoginCode,
  insertSession,
  linkIdentity,
  newestOpenLoginCode,
  openSession,
  retireLoginCode,
  retireOtherLoginCodes,
  revokeSession,
  signUpGuest,
} from '../../adapters/db/repositories/guest-auth.repository.ts';
import { type Tx, inTransaction } from '../../adapters/db/tx.ts';
import { AppError } from '../../errors.ts';
import { newId, sha256 } from '../../lib/ids.ts';
import { TtlCache } from '../../lib/ttl-cache.ts';
import type { Program } from '../model.ts';
import { type Limiter, type LimiterFactory, memoryLimiters, type ThrottleLimits } from '../throttle.ts';
import { type ExternalIdpConfig, ExternalIdpVerifier, looksLikeJwt } from './external-idp.ts';
import type { LoginCodeSender, SenderLogger } from './login-code-sender.ts';
import { TOKEN_PREFIX } from '../../lib/tokens.ts';
import { scryptHash, scryptVerify } from '../../lib/scrypt-hash.ts';

/** Who is calling a guest route. */
export interface GuestPrincipal {
  programId: string;
  programSlug: string;
  guestId: string;
  /** `session`: a Tillpoint token; `jwt`: a token of the program's external identity provider */
  via: 'session' | 'jwt';
  /** the session's token hash, for logout */
  tokenHash: string | null;
}

export interface GuestAuthOptions {
  sender: LoginCodeSender;
  clock?: () => Date;
  /** Tillpoint guest tokens live this long (default 30 days). */
  sessionTtlSeconds?: number;
  /** Login codes live this long (default 10 minutes). */
  loginCodeTtlSeconds?: number;
  /** Wrong entries a login code survives (default 5); then it is burnt. */
  loginCodeAttempts?: number;
  /** External identity providers by program slug; `*` applies to every program. */
  externalIdp?: Record<string, ExternalIdpConfig>;
  /** Limits per program + e-mail. */
  limits?: { start?: ThrottleLimits; verify?: ThrottleLimits };
  /** Where the limits are held (default: this process). */
  limiters?: LimiterFactory;
  configTtlMs?: number;
}

export const GUEST_LOGIN_LIMITS = {
  /** codes sent per e-mail: 5 per 15 minutes */
  start: { limit: 5, windowMs: 15 * 60_000, maxMisses: Number.MAX_SAFE_INTEGER, missWindowMs: 15 * 60_000, lockoutMs: 0 },
  /** code entries per e-mail: 5 wrong ones in 15 minutes lock the e-mail out for 15 minutes */
  verify: { limit: 20, windowMs: 15 * 60_000, maxMisses: 5, missWindowMs: 15 * 60_000, lockoutMs: 15 * 60_000 },
} as const satisfies Record<string, ThrottleLimits>;

// scrypt (16 MiB) for 6-digit codes: a leaked table does not give live codes in microseconds.
const KDF = { N: 2 ** 14, r: 8, p: 1, keylen: 32 };

const hashCode = (code: string): Promise<string> => scryptHash(code, KDF);
// Codes written before the one hash writer carry no parameters: they were always KDF's.
const codeMatches = (code: string, stored: string): Promise<boolean> => scryptVerify(code, stored, KDF);

export function normalizeEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (e.length > 254 || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e)) throw new AppError('ValidationError', 'email is not an e-mail address', { field: 'email' });
  return e;
}

/**
 * Guest sign-up and sign-in. Tillpoint's own tokens are opaque random strings (`tpg_…`), stored
 * as sha256 with an expiry, so logout revokes at once and no signing key has to be managed. A
 * program may instead (or also) accept JWTs from an external identity provider.
 */
export class GuestAuthService {
  private readonly clock: () => Date;
  private readonly programs: TtlCache<string, Program | null>;
  private readonly startThrottle: Limiter;
  private readonly verifyThrottle: Limiter;
  private readonly idp = new ExternalIdpVerifier();

  constructor(
    private readonly db: Tx,
    private readonly opts: GuestAuthOptions,
  ) {
    this.clock = opts.clock ?? (() => new Date());
    this.programs = new TtlCache(opts.configTtlMs ?? 5_000);
    const now = () => this.clock().getTime();
    const limiters = opts.limiters ?? memoryLimiters(now);
    this.startThrottle = limiters('guest-login-start', opts.limits?.start ?? GUEST_LOGIN_LIMITS.start);
    this.verifyThrottle = limiters('guest-login-verify', opts.limits?.verify ?? GUEST_LOGIN_LIMITS.verify);
  }

  /** The program named by a slug in the path; 404 for an unknown one. */
  async program(slug: string): Promise<Program> {
    const program = /^[a-z0-9][a-z0-9-]{1,40}$/.test(slug) ? await this.programs.getOrLoad(slug, () => findProgramBySlug(this.db, slug)) : null;
    if (!program) throw new AppError('NotFound', `No program "${slug}"`, { field: 'program' });
    return program;
  }

  /**
   * Sends a one-time login code to the e-mail. The answer is the same whether or not a guest has
   * this e-mail (no account discovery); any earlier code for it stops working.
   */
  async start(program: Program, rawEmail: string, log: SenderLogger): Promise<{ expiresAt: string; ttlSeconds: number }> {
    const email = normalizeEmail(rawEmail);
    const key = `${program.id}|${email}`;
    await this.verifyThrottle.assertNotLocked(key, 'login attempts');
    await this.startThrottle.attempt(key, 'login codes for this e-mail');
    const now = this.clock();
    const ttlSeconds = this.opts.loginCodeTtlSeconds ?? 600;
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
    const code = String(randomInt(1_000_000)).padStart(6, '0');
    const codeHash = await hashCode(code);
    const known = await guestIdWithEmail(this.db, program.id, email);
    const id = newId();
    await insertLoginCode(this.db, {
      id,
      program_id: program.id,
      email,
      code_hash: codeHash,
      attempts: 0,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      consumed_at: null,
    });
    try {
      await this.opts.sender.send(
        { programSlug: program.slug, programName: program.name, email, code, expiresAt, signUp: !known, emailTemplate: program.loginEmail ?? null },
        { log },
      );
    } catch (err) {
      // Nobody received this code: forget it, so the previous one (if any) still works.
      await deleteLoginCode(this.db, id);
      if (err instanceof AppError) throw err;
      log.warn({ err: (err as Error).message, sender: this.opts.sender.id }, 'login code sender failed');
      throw new AppError('ServiceUnavailable', 'The login code could not be sent; try again shortly');
    }
    // Only the newest code is ever checked; retire the older ones for good measure.
    await retireOtherLoginCodes(this.db, program.id, email, id, now.toISOString());
    return { expiresAt, ttlSeconds };
  }

  /**
   * Exchanges e-mail + login code for a bearer token; signs the guest up on first use. A code
   * takes `loginCodeAttempts` wrong entries, and repeated misses lock the e-mail out for a while.
   */
  async verify(
    program: Program,
    rawEmail: string,
    code: string,
    name: string | null,
  ): Promise<{ token: string; expiresAt: string; guestId: string; signedUp: boolean }> {
    const email = normalizeEmail(rawEmail);
    if (!/^\d{6}$/.test(code)) throw new AppError('ValidationError', 'code must be the 6 digits sent by e-mail', { field: 'code' });
    const key = `${program.id}|${email}`;
    await this.verifyThrottle.attempt(key, 'login attempts');
    const now = this.clock();
    const nowIso = now.toISOString();
    const maxAttempts = this.opts.loginCodeAttempts ?? 5;
    const row = await newestOpenLoginCode(this.db, program.id, email, nowIso);
    const refuse = async (): Promise<never> => {
      await this.verifyThrottle.miss(key);
      throw new AppError('LoginCodeInvalid');
    };
    if (!row) return refuse();
    // Count the attempt before comparing, in SQL, so parallel guesses cannot exceed the budget.
    const attempts = await countLoginAttempt(this.db, row.id, maxAttempts);
    if (attempts === undefined) return refuse();
    if (!(await codeMatches(code, row.code_hash))) {
      if (attempts >= maxAttempts) await retireLoginCode(this.db, row.id, nowIso);
      return refuse();
    }
    if (!(await consumeLoginCode(this.db, row.id, nowIso))) return refuse();
    await this.verifyThrottle.reset(key);

    let guestId = await guestIdWithEmail(this.db, program.id, email);
    let signedUp = false;
    if (!guestId) {
      const guest = { id: newId(), programId: program.id, name: (name?.trim() || email.split('@')[0]!).slice(0, 100), email, at: nowIso };
      signedUp = await signUpGuest(this.db, guest, { unlessEmailTaken: true });
      guestId = await guestIdWithEmail(this.db, program.id, email);
      if (!guestId) throw new AppError('Conflict', 'Guest could not be created; retry');
    }
    const { token, expiresAt } = await this.createSession(program.id, guestId, now);
    return { token, expiresAt, guestId, signedUp };
  }

  /** Bearer token → guest of this program. Tillpoint tokens first, then the program's IdP JWTs. */
  async authenticate(program: Program, token: string): Promise<GuestPrincipal> {
    const now = this.clock();
    if (token.startsWith(TOKEN_PREFIX.guest)) {
      const tokenHash = sha256(token);
      const session = await openSession(this.db, program.id, tokenHash);
      if (!session) throw new AppError('Unauthorized', 'Guest token is not valid for this program', { reason: 'invalid' });
      if (session.expiresAt <= now.toISOString()) throw new AppError('Unauthorized', 'Guest token has expired; sign in again', { reason: 'expired' });
      return { programId: program.id, programSlug: program.slug, guestId: session.guestId, via: 'session', tokenHash };
    }
    const idp = this.opts.externalIdp?.[program.slug] ?? this.opts.externalIdp?.['*'];
    if (idp && looksLikeJwt(token)) {
      const identity = await this.idp.verify(token, idp, now);
      const guestId = await this.guestForIdentity(program.id, identity, now.toISOString());
      return { programId: program.id, programSlug: program.slug, guestId, via: 'jwt', tokenHash: null };
    }
    throw new AppError('Unauthorized', 'Guest token is not valid for this program', { reason: 'invalid' });
  }

  async logout(principal: GuestPrincipal): Promise<void> {
    if (!principal.tokenHash) return;
    await revokeSession(this.db, principal.tokenHash, this.clock().toISOString());
  }

  private async createSession(programId: string, guestId: string, now: Date): Promise<{ token: string; expiresAt: string }> {
    const token = `${TOKEN_PREFIX.guest}${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(now.getTime() + (this.opts.sessionTtlSeconds ?? 30 * 86_400) * 1000).toISOString();
    await insertSession(this.db, { id: newId(), programId, guestId, tokenHash: sha256(token), at: now.toISOString(), expiresAt });
    return { token, expiresAt };
  }

  /**
   * The guest behind an external identity, created on first sight. A verified e-mail links to the
   * program's guest with that e-mail; an unverified one is never trusted to link (account takeover).
   */
  private async guestForIdentity(
    programId: string,
    identity: { issuer: string; subject: string; email: string | null; emailVerified: boolean; name: string | null },
    nowIso: string,
  ): Promise<string> {
    const find = () => guestIdForIdentity(this.db, programId, identity.issuer, identity.subject);
    const known = await find();
    if (known) return known;
    const verifiedEmail = identity.email && identity.emailVerified ? identity.email : null;
    try {
      return await inTransaction(this.db, async (trx) => {
        let guestId = verifiedEmail ? await guestIdWithEmail(trx, programId, verifiedEmail) : undefined;
        if (!guestId) {
          guestId = newId();
          await signUpGuest(trx, {
            id: guestId,
            programId,
            name: (identity.name ?? identity.email?.split('@')[0] ?? 'Guest').slice(0, 100),
            email: verifiedEmail,
            at: nowIso,
          });
        }
        await linkIdentity(trx, { id: newId(), programId, issuer: identity.issuer, subject: identity.subject, guestId, at: nowIso });
        return guestId;
      });
    } catch (err) {
      // A parallel first request created the guest or the link (a unique constraint fired, our
      // transaction rolled back): use theirs.
      const again = await find();
      if (again) return again;
      throw err;
    }
  }
}
