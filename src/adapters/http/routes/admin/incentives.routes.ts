import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { createIncentiveAs, deactivateIncentive, getIncentive, listIncentives, updateIncentive } from '../../../../app/admin/incentives.ts';
import type { PluConfig } from '../../../../domain/incentive.ts';
import { errors } from '../../schemas/common.ts';
import { BoolQuery, entityParams, IncentivePatchBody, IncentiveView, NewIncentiveBody, ProgramParams, StringEnum } from '../../schemas/admin.ts';
import { SECURITY } from '../../headers.ts';
import { type AdminPluginOptions, contextOf, requires } from './shared.ts';

const TAGS = ['Admin: incentives'];
const IncentiveParams = entityParams('incentiveId');
const VALIDATED =
  'Rules (ids and arguments, see GET /admin/v1/rules) and vendor configs are validated before anything is written; a 400 lists every problem in details.problems.';

/** Rewards and offers: rules, vendor PLU configs, validity, active switch. */
export async function incentivesRoutes(fastify: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/programs/:programId/incentives',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'Rewards and offers of a program',
        description: requires('read'),
        security: SECURITY.bearer,
        params: ProgramParams,
        querystring: Type.Object(
          { kind: Type.Optional(StringEnum(['REWARD', 'OFFER'] as const)), active: Type.Optional(BoolQuery) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(IncentiveView), ...errors({ 400: 'ValidationError', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) =>
      listIncentives(contextOf(request, opts.db), request.params.programId, {
        kind: request.query.kind,
        active: request.query.active === undefined ? undefined : request.query.active === 'true',
      }),
  );

  app.post(
    '/programs/:programId/incentives',
    {
      config: { capability: 'manage' },
      schema: {
        tags: TAGS,
        summary: 'Create a reward (point cost) or an offer, with rules and vendor configs',
        description: requires('manage', VALIDATED),
        security: SECURITY.bearer,
        params: ProgramParams,
        body: NewIncentiveBody,
        response: {
          201: IncentiveView,
          ...errors({ 400: 'ValidationError naming the field; details.problems lists all', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }),
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const incentive = await createIncentiveAs(contextOf(request, opts.db), request.params.programId, {
        ...b,
        vendorConfigs: b.vendorConfigs as Record<string, PluConfig>,
      });
      opts.loyalty.invalidate();
      return reply.status(201).send(incentive);
    },
  );

  app.get(
    '/programs/:programId/incentives/:incentiveId',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'A reward or offer',
        description: requires('read'),
        security: SECURITY.bearer,
        params: IncentiveParams,
        response: { 200: IncentiveView, ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => getIncentive(contextOf(request, opts.db), request.params.programId, request.params.incentiveId),
  );

  app.patch(
    '/programs/:programId/incentives/:incentiveId',
    {
      config: { capability: 'manage' },
      schema: {
        tags: TAGS,
        summary: 'Change a reward or offer (the kind is fixed)',
        description: requires('manage', `${VALIDATED} The merged result is validated as a whole.`),
        security: SECURITY.bearer,
        params: IncentiveParams,
        body: IncentivePatchBody,
        response: { 200: IncentiveView, ...errors({ 400: 'ValidationError naming the field', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => {
      const b = request.body;
      const incentive = await updateIncentive(contextOf(request, opts.db), request.params.programId, request.params.incentiveId, {
        ...b,
        vendorConfigs: b.vendorConfigs as Record<string, PluConfig> | undefined,
      });
      opts.loyalty.invalidate();
      return incentive;
    },
  );

  app.post(
    '/programs/:programId/incentives/:incentiveId/deactivate',
    {
      config: { capability: 'manage' },
      schema: {
        tags: TAGS,
        summary: 'Withdraw a reward or offer (kept for history; PATCH active=true brings it back)',
        description: requires('manage'),
        security: SECURITY.bearer,
        params: IncentiveParams,
        response: { 200: IncentiveView, ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => {
      const incentive = await deactivateIncentive(contextOf(request, opts.db), request.params.programId, request.params.incentiveId);
      opts.loyalty.invalidate();
      return incentive;
    },
  );
}
