import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { GuestAppService } from '../../../../app/guest/guest-app.service.ts';
import type { GuestAuthService, GuestPrincipal } from '../../../../app/guest/guest-auth.service.ts';
import type { PromoCodes } from '../../../../app/guest/promo-codes.ts';
import type { Program } from '../../../../app/model.ts';
import { AppError } from '../../../../errors.ts';
import type { Db } from '../../../db/database.ts';
import { SECURITY as SCHEMES } from '../../headers.ts';
import { errors } from '../../schemas/common.ts';

/** What every guest resource's routes are given by `guestRoutes` (one set of services per app). */
export interface GuestRouteContext {
  db: Db;
  auth: GuestAuthService;
  guests: GuestAppService;
  promoCodes: PromoCodes;
  clock: () => Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    guest?: GuestPrincipal;
    guestProgram?: Program;
  }
}

export const TAGS = ['Guest'];
// The guest token travels as `Authorization: Bearer`, like the admin token (same scheme, other issuer).
export const SECURITY = SCHEMES.bearer;
export const AUTH_ERRORS = errors({
  400: 'ValidationError naming the field',
  401: 'Unauthorized: the bearer token is missing, expired, revoked, tampered with or for another program',
  404: 'NotFound: no such program',
  503: 'ServiceUnavailable: the external identity provider could not be reached',
});
export const NO_CONTENT = { 204: Type.Null({ description: 'Done' }) };

export function guestOf(request: FastifyRequest): { p: GuestPrincipal; program: Program } {
  if (!request.guest || !request.guestProgram) throw new AppError('Unauthorized');
  return { p: request.guest, program: request.guestProgram };
}
