import type { FastifyInstance } from 'fastify';
import { Profile, ProfilePatch, type ProfilePatchT, ProgramParams, type ProgramParamsT } from '../../schemas/guest.ts';
import { AUTH_ERRORS, guestOf, type GuestRouteContext, SECURITY, TAGS } from './context.ts';

/** `/{program}/me`: the signed-in guest's profile. */
export async function profileRoutes(app: FastifyInstance, { guests }: GuestRouteContext): Promise<void> {
  app.get<{ Params: ProgramParamsT }>(
    '/:program/me',
    { schema: { tags: TAGS, summary: "The guest's profile", security: SECURITY, params: ProgramParams, response: { 200: Profile, ...AUTH_ERRORS } } },
    async (request) => guests.profile(guestOf(request).p),
  );

  app.patch<{ Params: ProgramParamsT; Body: ProfilePatchT }>(
    '/:program/me',
    {
      schema: {
        tags: TAGS,
        summary: "Update the guest's profile: name, birthdate",
        description:
          'Only the fields sent change. `birthdate` (YYYY-MM-DD, a calendar date from 1900-01-01 up to today; `null` clears it) is what birthday offers (`birthday-window`) read. A bad value is a 400 ValidationError naming the field, and nothing is written.',
        security: SECURITY,
        params: ProgramParams,
        body: ProfilePatch,
        response: { 200: Profile, ...AUTH_ERRORS },
      },
    },
    async (request) => guests.updateProfile(guestOf(request).p, request.body),
  );
}
