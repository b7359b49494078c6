import type { FastifyRequest } from 'fastify';
import { type Capability, CAPABILITIES, requireCapability, requireProgram } from '../../../../app/admin-auth.service.ts';
import { type AdminContext, actorOf, adminContext } from '../../../../app/admin/context.ts';
import { type Limiter, type LimiterFactory, memoryLimiters, type ThrottleLimits } from '../../../../app/throttle.ts';
import { AppError } from '../../../../errors.ts';
import type { Db } from '../../../db/database.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller's role must allow; checked before the body is even validated. */
    capability?: Capability;
  }
}

/**
 * Runs for every authenticated admin request, before validation: the route's declared capability
 * (`config.capability`) against the caller's role, and any `:programId` in the path against the
 * caller's programs (404, so other programs' ids are never confirmed).
 */
export function authorizeAdminRoute(request: FastifyRequest): void {
  const admin = request.admin;
  if (!admin) throw new AppError('Unauthorized');
  const capability = request.routeOptions.config.capability;
  if (capability) requireCapability(admin, capability);
  const programId = (request.params as { programId?: unknown } | undefined)?.programId;
  if (typeof programId === 'string') requireProgram(admin, programId);
}

/** The roles line each route's OpenAPI description starts with. */
export function requires(capability: Capability, text = ''): string {
  return `Requires \`${capability}\` (roles: ${CAPABILITIES[capability].join(', ')}).${text ? `\n\n${text}` : ''}`;
}

/** Use-case context for a request: the caller as actor, now. */
export function contextOf(request: FastifyRequest, db: Db): AdminContext {
  if (!request.admin) throw new AppError('Unauthorized');
  return adminContext(db.kysely, actorOf(request.admin), request.adminNow);
}

/** 5 wrong passwords for one e-mail from one address within 15 minutes lock that pair for 15 minutes. */
export const ADMIN_LOGIN_LIMITS: ThrottleLimits = { limit: 30, windowMs: 60_000, maxMisses: 5, missWindowMs: 15 * 60_000, lockoutMs: 15 * 60_000 };

/**
 * Brute-force protection of POST /admin/v1/auth/login per e-mail and client address, held where
 * the server's limiters are (shared by every process when several serve).
 */
export class LoginGuard {
  private readonly throttle: Limiter;

  constructor(limits: ThrottleLimits = ADMIN_LOGIN_LIMITS, limiters: LimiterFactory = memoryLimiters()) {
    this.throttle = limiters('admin-login', limits);
  }

  private key(email: string, ip: string): string {
    return `login:${email.trim().toLowerCase()}|${ip}`;
  }

  /** Before checking the password: 429 while locked out or over the rate. */
  async before(email: string, ip: string): Promise<void> {
    await this.throttle.attempt(this.key(email, ip), 'login attempts');
  }

  async failed(email: string, ip: string): Promise<void> {
    await this.throttle.miss(this.key(email, ip));
  }

  async succeeded(email: string, ip: string): Promise<void> {
    await this.throttle.reset(this.key(email, ip));
  }
}

/** OpenAPI security of every authenticated admin route. */
export const SECURITY = [{ bearer: [] }];
