import type { Cstore } from '../../../../app/cstore/cstore.ts';
import type { SecretBox } from '../../../../lib/secret-box.ts';
import type { FastifyRequest } from 'fastify';
import {
  type AdminAuthService,
  type AdminPrincipal,
  type Capability,
  CAPABILITIES,
  requireCapability,
  requireProgram,
} from '../../../../app/admin-auth.service.ts';
import { type AdminContext, actorOf, adminContext } from '../../../../app/admin/context.ts';
import type { LoyaltyService } from '../../../../app/loyalty.service.ts';
import { AppError, type ErrorCode } from '../../../../errors.ts';
import type { Db } from '../../../db/database.ts';
import type { LoginGuard } from './login-guard.ts';

/**
 * What every admin route plugin shares: its options, the caller, the capability a route declares
 * and the use-case context. Route files import this module only (never `index.ts`, which
 * registers them), so the admin routes have no import cycle.
 */

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminPrincipal;
    /** the admin service's clock, read once when the request was authenticated */
    adminNow?: Date;
  }
  interface FastifyContextConfig {
    /** What the caller's role must allow; checked before the body is even validated. */
    capability?: Capability;
    /**
     * A stricter capability some bodies call for (e.g. `own` to set an outbox folder, where the
     * route otherwise needs `manage`): null when the body needs nothing more. Checked once the
     * body is validated, before the handler.
     */
    bodyCapability?: (body: unknown) => Capability | null;
  }
}

/** What every admin route plugin receives. */
export interface AdminPluginOptions {
  db: Db;
  loyalty: LoyaltyService;
  auth: AdminAuthService;
  /** the c-store use cases (built by the composition root, `server.ts`) */
  cstore: Cstore;
  /** seals webhook signing secrets (the secret-key loader's box) */
  secrets: SecretBox;
  /** login brute-force protection; one per app by default */
  loginGuard?: LoginGuard;
}

/** The authenticated caller (401 outside the authenticated scope). */
export function adminOf(request: FastifyRequest): AdminPrincipal {
  if (!request.admin) throw new AppError('Unauthorized');
  return request.admin;
}

/**
 * Runs for every authenticated admin request, before validation: the route's declared capability
 * (`config.capability`) against the caller's role, and any `:programId` in the path against the
 * caller's programs (404, so other programs' ids are never confirmed).
 *
 * @example
 * app.get('/programs/:programId/stores', { config: { capability: 'read' }, schema: { … } }, handler);
 */
export function authorizeAdminRoute(request: FastifyRequest): void {
  const admin = adminOf(request);
  const capability = request.routeOptions.config.capability;
  if (capability) requireCapability(admin, capability);
  const programId = (request.params as { programId?: unknown } | undefined)?.programId;
  if (typeof programId === 'string') requireProgram(admin, programId);
}

/** Runs once the body is validated: the stricter capability the route declares for some bodies (`config.bodyCapability`). */
export function authorizeAdminBody(request: FastifyRequest): void {
  const stricter = request.routeOptions.config.bodyCapability?.(request.body);
  if (stricter) requireCapability(adminOf(request), stricter);
}

/**
 * For routes that name an entity (a location, a license, a batch …) rather than its program: 404
 * with `code` unless the caller may see the program the loaded entity belongs to, so other
 * programs' ids are never confirmed.
 */
export function requireVisible(request: FastifyRequest, programId: string, code: ErrorCode, message: string): AdminPrincipal {
  const admin = adminOf(request);
  if (admin.programIds !== '*' && !admin.programIds.includes(programId)) throw new AppError(code, message);
  return admin;
}

/** The roles line each route's OpenAPI description starts with. */
export function requires(capability: Capability, text = ''): string {
  return `Requires \`${capability}\` (roles: ${CAPABILITIES[capability].join(', ')}).${text ? `\n\n${text}` : ''}`;
}

/** Use-case context for a request: the caller as actor, now. */
export function contextOf(request: FastifyRequest, db: Db): AdminContext {
  return adminContext(db.kysely, actorOf(adminOf(request)), request.adminNow);
}
