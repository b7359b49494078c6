import type { FastifyInstance } from 'fastify';
import { errors } from '../../schemas/common.ts';
import { ProgramParams, type ProgramParamsT, PublicProgram } from '../../schemas/guest.ts';
import { type GuestRouteContext, TAGS } from './context.ts';

/** `/{program}` (no token): the program's public face, its name, for the guest pages' sign-in. */
export async function programRoutes(app: FastifyInstance, { auth }: GuestRouteContext): Promise<void> {
  app.get<{ Params: ProgramParamsT }>(
    '/:program',
    {
      schema: {
        tags: TAGS,
        summary: "The program's name, shown before sign-in (no token)",
        params: ProgramParams,
        response: { 200: PublicProgram, ...errors({ 400: 'ValidationError naming the field', 404: 'NotFound: no such program' }) },
      },
    },
    async (request) => {
      const program = await auth.program(request.params.program);
      return { slug: program.slug, name: program.name };
    },
  );
}
