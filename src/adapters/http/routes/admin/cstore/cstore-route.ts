import type { FastifyRequest } from 'fastify';
import type { AdminPrincipal, Capability } from '../../../../../app/admin-auth.service.ts';
import type { Actor } from '../../../../../app/cstore/model.ts';
import type { Cstore } from '../../../../../app/cstore/cstore.ts';
import { SECURITY } from '../../../headers.ts';
import { errors } from '../../../schemas/common.ts';
import { requires, requireVisible } from '../shared.ts';

/** What the c-store route files share: their OpenAPI tag and errors, the caller as actor, location scoping. */

const TAGS = ['C-store promotions'];

/** The OpenAPI basics of a c-store route: its description starts with the capability its config declares. */
export const doc = (capability: Capability, summary: string, description?: string) => ({
  tags: TAGS,
  summary,
  description: requires(capability, description),
  security: SECURITY.bearer,
});

/** The error answers of a c-store route: 401 and 403 always, plus `more`. */
export const E = (more: Parameters<typeof errors>[0] = {}) => errors({ 401: 'Unauthorized', 403: 'Forbidden: the role may not do this', ...more });

/** The caller as the c-store use cases record them (audit, batch history). */
export function cstoreActor(admin: AdminPrincipal): Actor {
  return { type: 'admin', id: admin.userId, name: admin.name || admin.email };
}

/** The location, after checking the caller may see its program (LocationNotFound otherwise); answers the caller. */
export async function visibleLocation(cs: Cstore, request: FastifyRequest, locationId: string): Promise<AdminPrincipal> {
  const row = await cs.locations.row(locationId);
  return requireVisible(request, row.program_id, 'LocationNotFound', `No location ${locationId}`);
}
