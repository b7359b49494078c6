import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { badRequest, errors } from '../../schemas/common.ts';
import {
  CodeParams,
  type CodeParamsT,
  CodeResponse,
  CodeStatusResponse,
  CreateCodeBody,
  type CreateCodeBodyT,
  ProgramParams,
  type ProgramParamsT,
} from '../../schemas/guest.ts';
import { AUTH_ERRORS, guestOf, type GuestRouteContext, SECURITY, TAGS } from './context.ts';

/** `/{program}/codes`: one-time codes for the POS, their status and their QR images. */
export async function codesRoutes(app: FastifyInstance, { guests, clock }: GuestRouteContext): Promise<void> {
  app.post<{ Params: ProgramParamsT; Body: CreateCodeBodyT }>(
    '/:program/codes',
    {
      // A bodiless POST means "the stored selection", like {}.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: TAGS,
        summary: 'Create a one-time 6-digit code for the POS (lives 300 s, single use)',
        description:
          'Carries the stored selection, or the `rewardIds` / `offerId` given here (which are not stored). The guest shows the digits or the QR image; the POS sends them to POST /loyalty/identify.',
        security: SECURITY,
        params: ProgramParams,
        body: CreateCodeBody,
        response: {
          201: CodeResponse,
          ...AUTH_ERRORS,
          400: badRequest('RulesError (the selection no longer passes), or ValidationError naming the field'),
          ...errors({ 404: 'RewardNotFoundError, OfferNotFoundError', 503: 'ServiceUnavailable: no free code; retry' }),
        },
      },
    },
    async (request, reply) => {
      const { p, program } = guestOf(request);
      const body = request.body;
      const explicit =
        body && (body.rewardIds !== undefined || body.offerId !== undefined) ? { rewardIds: body.rewardIds ?? [], offerId: body.offerId ?? null } : null;
      const { code, expiresAt, selection } = await guests.createCode(p, program, explicit);
      const base = `${request.url.split('?')[0]!.replace(/\/codes\/?$/, '')}/codes/${code}`;
      return reply.status(201).send({
        code,
        status: 'active' as const,
        expiresAt,
        ttlSeconds: Math.max(0, Math.round((Date.parse(expiresAt) - clock().getTime()) / 1000)),
        selection,
        qr: { svg: `${base}/qr.svg`, png: `${base}/qr.png` },
      });
    },
  );

  app.get<{ Params: CodeParamsT }>(
    '/:program/codes/:code',
    {
      schema: {
        tags: TAGS,
        summary: "Poll a code's status: active, used (with the POS transaction) or expired",
        security: SECURITY,
        params: CodeParams,
        response: { 200: CodeStatusResponse, ...AUTH_ERRORS, ...errors({ 404: 'NotFound: the guest has no such code' }) },
      },
    },
    async (request) => guests.codeStatus(guestOf(request).p, request.params.code),
  );

  const qrSchema = (type: string, summary: string) => ({
    tags: TAGS,
    summary,
    description: 'The QR encodes the 6 digits, as a POS scanner reads them.',
    security: SECURITY,
    params: CodeParams,
    response: {
      200: { description: `${type} image`, content: { [type]: { schema: Type.String({ format: 'binary' }) } } },
      ...AUTH_ERRORS,
      ...errors({ 404: 'NotFound: the guest has no such code' }),
    },
  });
  const qr = (format: 'svg' | 'png') => async (request: FastifyRequest<{ Params: CodeParamsT }>, reply: FastifyReply) => {
    const status = await guests.codeStatus(guestOf(request).p, request.params.code);
    void reply.header('cache-control', 'no-store');
    if (format === 'svg') {
      const svg = await QRCode.toString(status.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return reply.type('image/svg+xml').send(svg);
    }
    const png = await QRCode.toBuffer(status.code, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 256 });
    return reply.type('image/png').send(png);
  };
  app.get('/:program/codes/:code/qr.svg', { schema: qrSchema('image/svg+xml', 'The code as a QR image (SVG)') }, qr('svg'));
  app.get('/:program/codes/:code/qr.png', { schema: qrSchema('image/png', 'The code as a QR image (PNG, 256 px)') }, qr('png'));
}
