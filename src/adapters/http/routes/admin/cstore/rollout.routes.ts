import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ProgramParams, RollOutReadinessSchema, RollOutResponse } from '../../../schemas/cstore.ts';
import { type AdminPluginOptions, adminOf } from '../shared.ts';
import { cstoreActor, doc, E } from './cstore-route.ts';

/** The pilot's readiness (`read`) and the roll-out of every licensed location (`manage`). */
export async function cstoreRolloutRoutes(root: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const cs = () => opts.cstore;

  app.get(
    '/cstore/programs/:programId/rollout',
    {
      config: { capability: 'read' },
      schema: {
        ...doc('read', 'Whether the pilot is ready for roll-out, and what is missing per pilot location'),
        params: ProgramParams,
        response: { 200: RollOutReadinessSchema, ...E({ 404: 'NotFound' }) },
      },
    },
    async (request) => cs().locations.rollOutReadiness(request.params.programId),
  );

  app.post(
    '/cstore/programs/:programId/rollout',
    {
      config: { capability: 'manage' },
      schema: {
        ...doc(
          'manage',
          'Roll out: the pilot and every other licensed location go live',
          "Only once the pilot's promotions were reviewed and confirmed: every pilot location synced successfully, has no pending change, accepted at least one batch, no batch failed, and — where the location has a POS agent — every batch was acknowledged as applied. Otherwise 409 PilotNotReady with `details.blockers` (as GET …/rollout shows). Locations without an active license or outlet id are listed in `skipped` with why.",
        ),
        params: ProgramParams,
        response: {
          200: RollOutResponse,
          ...E({ 404: 'NotFound', 409: 'InvalidTransition (no location in pilot) or PilotNotReady (details.blockers: what each pilot location still misses)' }),
        },
      },
    },
    async (request) => cs().locations.rollOut(request.params.programId, cstoreActor(adminOf(request))),
  );
}
