import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { createPromoCodeAs, disablePromoCode, getPromoCode, listPromoCodes } from '../../../../app/admin/promo-codes.ts';
import { errors } from '../../schemas/common.ts';
import { BoolQuery, entityParams, Id, ProgramParams } from '../../schemas/admin.ts';
import { DisablePromoCodeBody, NewPromoCodeBody, PromoCodeView } from '../../schemas/promo-codes.ts';
import { SECURITY } from '../../headers.ts';
import { type AdminPluginOptions, contextOf, requires } from './shared.ts';

const TAGS = ['Admin: promo codes'];
const PromoCodeParams = entityParams('promoCodeId');
const REDEEMED =
  'Guests redeem codes with POST /app/v1/{program}/promo-codes/redeem, POS systems with POST /loyalty/promo-code/redeem (docs/guest-api.md#promo-codes).';

/** Promo codes that unlock an incentive: create, list, look up, disable. */
export async function promoCodesRoutes(fastify: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/programs/:programId/promo-codes',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'Promo codes of a program, newest first, with their use counts',
        description: requires('read', REDEEMED),
        security: SECURITY.bearer,
        params: ProgramParams,
        querystring: Type.Object({ active: Type.Optional(BoolQuery), incentiveId: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: Type.Array(PromoCodeView), ...errors({ 400: 'ValidationError', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) =>
      listPromoCodes(contextOf(request, opts.db), request.params.programId, {
        active: request.query.active === undefined ? undefined : request.query.active === 'true',
        incentiveId: request.query.incentiveId,
      }),
  );

  app.post(
    '/programs/:programId/promo-codes',
    {
      config: { capability: 'manage' },
      schema: {
        tags: TAGS,
        summary: 'Create a promo code that unlocks a reward or offer of the program',
        description: requires(
          'manage',
          `Audited. The code is stored upper-case and must be unique in the program (409 Conflict). maxUses caps the total redemptions (null: unlimited); oncePerGuest (default true) lets each guest redeem it once; validFrom / validUntil bound when it can be redeemed. ${REDEEMED}`,
        ),
        security: SECURITY.bearer,
        params: ProgramParams,
        body: NewPromoCodeBody,
        response: {
          201: PromoCodeView,
          ...errors({
            400: 'ValidationError naming the field (also: incentiveId names no incentive of this program)',
            401: 'Unauthorized',
            403: 'Forbidden',
            404: 'NotFound',
            409: 'Conflict: the code exists in this program',
          }),
        },
      },
    },
    async (request, reply) => reply.status(201).send(await createPromoCodeAs(contextOf(request, opts.db), request.params.programId, request.body)),
  );

  app.get(
    '/programs/:programId/promo-codes/:promoCodeId',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'A promo code, by id or by the code itself',
        description: requires('read'),
        security: SECURITY.bearer,
        params: PromoCodeParams,
        response: { 200: PromoCodeView, ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => getPromoCode(contextOf(request, opts.db), request.params.programId, request.params.promoCodeId),
  );

  app.post(
    '/programs/:programId/promo-codes/:promoCodeId/disable',
    {
      config: { capability: 'manage' },
      schema: {
        tags: TAGS,
        summary: 'Disable a promo code (by id or code): it is no longer redeemable; its redemptions stay',
        description: requires(
          'manage',
          'Audited with the optional reason. A disabled code answers PromoCodeNotFound to guests and POS. Disabling a disabled code changes nothing.',
        ),
        security: SECURITY.bearer,
        params: PromoCodeParams,
        body: DisablePromoCodeBody,
        response: { 200: PromoCodeView, ...errors({ 400: 'ValidationError', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => {
      const body = request.body as { reason?: string } | null | undefined;
      return disablePromoCode(contextOf(request, opts.db), request.params.programId, request.params.promoCodeId, body?.reason ?? null);
    },
  );
}
