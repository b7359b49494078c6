import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { EnrollmentBody, EnrollmentSchema, ProgramParams } from '../../../schemas/cstore.ts';
import { type AdminPluginOptions, adminOf } from '../shared.ts';
import { cstoreActor, doc, E } from './cstore-route.ts';

/** The program's RJR enrollment: read it masked (`read`), save it with its credentials (`own`). */
export async function cstoreEnrollmentsRoutes(root: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const cs = () => opts.cstore;

  app.get(
    '/cstore/programs/:programId/enrollments/rjr',
    {
      config: { capability: 'read' },
      schema: {
        ...doc('read', 'The RJR enrollment, credentials masked'),
        params: ProgramParams,
        response: { 200: EnrollmentSchema, ...E({ 404: 'NotFound (no such program) or EnrollmentNotFound' }) },
      },
    },
    async (request) => {
      await cs().locations.requireProgramExists(request.params.programId);
      return cs().enrollments.get(request.params.programId, 'rjr');
    },
  );

  app.put(
    '/cstore/programs/:programId/enrollments/rjr',
    {
      config: { capability: 'own' },
      schema: {
        ...doc(
          'own',
          'Enroll with the RJR Discount API',
          'Single store: outletId, outletName, email. Chain: accountNumber, clientId, clientSecret (write-only, sealed at rest, answered masked). Updating a chain enrollment may leave credentials out to keep them. Saving clears a broken status.',
        ),
        params: ProgramParams,
        body: EnrollmentBody,
        response: { 200: EnrollmentSchema, ...E({ 400: 'ValidationError: a field of the other mode, or a missing one', 404: 'NotFound' }) },
      },
    },
    async (request) => cs().enrollments.put(request.params.programId, request.body, cstoreActor(adminOf(request)), 'rjr'),
  );
}
