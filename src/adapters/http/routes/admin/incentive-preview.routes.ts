import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { findProgram } from '../../../db/repositories/config.repository.ts';
import { assertProgramInScope, notFound } from '../../../../app/admin/context.ts';
import { type NewIncentive, validateIncentive } from '../../../../app/provisioning.ts';
import { AppError } from '../../../../errors.ts';
import { previewIncentive } from '../../../pos/preview.ts';
import { errors } from '../../schemas/common.ts';
import { NewIncentiveBody, ProgramParams } from '../../schemas/admin.ts';
import { SECURITY } from '../../headers.ts';
import { type AdminPluginOptions, contextOf, requires } from './shared.ts';

const Presentation = Type.Record(Type.String(), Type.String(), { description: 'receipt lines by field (header, pointsEarned, …)' });

const PreviewAnswer = Type.Object({
  vendors: Type.Array(
    Type.Object({
      vendor: Type.String(),
      dialect: Type.String({ description: 'the dialect that answers this vendor' }),
      orderLine: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], {
        description: 'the identify answer’s order[] line for the incentive; null when this dialect leaves it out',
      }),
      identify: Type.Object({}, { additionalProperties: true, description: 'the whole identify answer of the sample' }),
      receipt: Presentation,
    }),
  ),
});

/** How the POS will see an incentive: the identify line per vendor and the receipt text. */
export async function incentivePreviewRoutes(fastify: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/programs/:programId/incentives/preview',
    {
      config: { capability: 'manage' },
      schema: {
        tags: ['Admin: incentives'],
        summary: 'Preview a saved or draft incentive as each configured POS vendor will receive it',
        description: requires(
          'manage',
          'Writes nothing. For every vendor in `incentive.vendorConfigs`: the identify answer a guest who pre-selected the incentive gets (its `order[]` line rendered by that vendor’s dialect) and the receipt lines of the CLAIMED answer with the program’s template for that vendor. Figures come from `sample` (balance before the sale, eligible spend). An invalid draft is `400 ValidationError` with every problem in `details.problems`.',
        ),
        security: SECURITY.bearer,
        params: ProgramParams,
        body: Type.Object(
          {
            incentive: NewIncentiveBody,
            id: Type.Optional(Type.String({ maxLength: 100, description: 'the incentive’s id when editing a saved one (default: "draft")' })),
            sample: Type.Optional(
              Type.Object(
                {
                  balance: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
                  subtotalCents: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: PreviewAnswer, ...errors({ 400: 'ValidationError naming the field', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => {
      const ctx = contextOf(request, opts.db);
      const { programId } = request.params;
      assertProgramInScope(ctx.actor, programId);
      const program = await findProgram(ctx.db, programId);
      if (!program) throw notFound('program', programId);
      // The route schema checks the outline; validateIncentive checks every PLU config's shape.
      const draft = request.body.incentive as unknown as NewIncentive;
      const problems = validateIncentive(draft).map((p) => `incentive.${p}`);
      if (problems.length > 0) throw new AppError('ValidationError', problems.join('; '), { field: problems[0]!.split(':')[0], problems });
      const incentive = {
        id: request.body.id ?? 'draft',
        kind: draft.kind,
        name: draft.name,
        pointCost: draft.pointCost ?? 0,
        rules: draft.rules ?? [],
        vendorConfigs: draft.vendorConfigs,
      };
      return { vendors: previewIncentive(program, incentive, request.body.sample) };
    },
  );
}
