import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adjustPoints, claimReceiptFor, enrollGuest, getGuest, searchGuests, updateGuest } from '../../../../app/admin/guests.ts';
import { errors } from '../../schemas/common.ts';
import {
  AdjustBody,
  entityParams,
  GuestPatchBody,
  GuestView,
  LedgerEntryView,
  limitOf,
  NewGuestBody,
  page,
  PageQuery,
  ProgramParams,
} from '../../schemas/admin.ts';
import { SECURITY } from '../../headers.ts';
import { type AdminPluginOptions, contextOf, requires } from './shared.ts';

const TAGS = ['Admin: guests'];
const GuestParams = entityParams('guestId');

/** Guests: search, view with ledger, enrol, correct name / birthdate, adjust points with a reason. */
export async function guestsRoutes(fastify: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/programs/:programId/guests',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'Search guests by e-mail, loyalty id, receipt code, or part of name / e-mail',
        description: requires('read', 'Filters combine; newest first.'),
        security: SECURITY.bearer,
        params: ProgramParams,
        querystring: Type.Object(
          {
            email: Type.Optional(Type.String({ maxLength: 200 })),
            id: Type.Optional(Type.String({ maxLength: 100 })),
            receiptCode: Type.Optional(Type.String({ maxLength: 40 })),
            q: Type.Optional(Type.String({ maxLength: 100 })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: page(GuestView), ...errors({ 400: 'ValidationError', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => searchGuests(contextOf(request, opts.db), request.params.programId, { ...request.query, limit: limitOf(request.query) }),
  );

  app.post(
    '/programs/:programId/guests',
    {
      config: { capability: 'support' },
      schema: {
        tags: TAGS,
        summary: 'Enrol a guest (the guest app signs guests up by itself)',
        description: requires('support'),
        security: SECURITY.bearer,
        params: ProgramParams,
        body: NewGuestBody,
        response: {
          201: GuestView,
          ...errors({ 400: 'ValidationError naming the field', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict: e-mail taken' }),
        },
      },
    },
    async (request, reply) => reply.status(201).send(await enrollGuest(contextOf(request, opts.db), request.params.programId, request.body)),
  );

  app.get(
    '/programs/:programId/guests/:guestId',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'A guest with their tier and points ledger (newest first, paginated)',
        description: requires('read'),
        security: SECURITY.bearer,
        params: GuestParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: {
          200: Type.Object({
            guest: GuestView,
            tier: Type.Union(
              [
                Type.Object({
                  name: Type.String(),
                  minPoints: Type.Integer(),
                  pointsInWindow: Type.Integer({ description: 'points earned in the program’s tier window' }),
                  next: Type.Union([Type.Object({ name: Type.String(), minPoints: Type.Integer(), pointsToGo: Type.Integer() }), Type.Null()]),
                }),
                Type.Null(),
              ],
              { description: 'the tier now, as the POS and the app see it; null when the program has no tiers' },
            ),
            ledger: page(LedgerEntryView),
          }),
          ...errors({ 400: 'ValidationError', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }),
        },
      },
    },
    async (request) =>
      getGuest(contextOf(request, opts.db), request.params.programId, request.params.guestId, { ...request.query, limit: limitOf(request.query) }),
  );

  app.patch(
    '/programs/:programId/guests/:guestId',
    {
      config: { capability: 'support' },
      schema: {
        tags: TAGS,
        summary: 'Correct a guest’s name or birthdate',
        description: requires(
          'support',
          'Only the fields sent change; `birthdate: null` clears it. The birthdate (YYYY-MM-DD, a calendar date from 1900-01-01 up to today) is what the `birthday-window` rule reads. Audited as `guest.update` with the guest before and after.',
        ),
        security: SECURITY.bearer,
        params: GuestParams,
        body: GuestPatchBody,
        response: { 200: GuestView, ...errors({ 400: 'ValidationError naming the field', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => updateGuest(contextOf(request, opts.db), request.params.programId, request.params.guestId, request.body),
  );

  app.post(
    '/programs/:programId/guests/:guestId/adjustments',
    {
      config: { capability: 'support' },
      schema: {
        tags: TAGS,
        summary: 'Adjust a guest’s points by hand, with a mandatory reason',
        description: requires(
          'support',
          'Writes an ADJUST ledger entry, an audit entry and a `points.adjusted` event in one database transaction. A debit beyond the balance is refused (400 TransactionInsufficientPoints).',
        ),
        security: SECURITY.bearer,
        params: GuestParams,
        body: AdjustBody,
        response: {
          201: Type.Object({ guest: GuestView, entry: LedgerEntryView }),
          ...errors({
            400: 'ValidationError naming the field, or TransactionInsufficientPoints',
            401: 'Unauthorized',
            403: 'Forbidden',
            404: 'NotFound',
            422: 'PointsLimitExceeded: the balance would pass 999,999,999,999 points',
          }),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await adjustPoints(contextOf(request, opts.db), request.params.programId, request.params.guestId, request.body)),
  );

  app.post(
    '/programs/:programId/guests/:guestId/claims',
    {
      config: { capability: 'support' },
      schema: {
        tags: TAGS,
        summary: 'Claim a missed sale for a guest by its receipt code',
        description: requires(
          'support',
          'The same claim as the guest app’s (an UNCLAIMED sale of this program, once, within the claim window): the sale becomes CLAIMED with its earnable points as EARN, a `receipt.claimed` event is written, and the audit entry `receipt.claim` (with the optional reason) in the same database transaction.',
        ),
        security: SECURITY.bearer,
        params: GuestParams,
        body: Type.Object(
          {
            receiptCode: Type.String({ minLength: 1, maxLength: 300, description: 'the 16 characters on the receipt, or the claim URL of its QR code' }),
            reason: Type.Optional(Type.String({ maxLength: 500, description: 'why (ticket number …); kept in the audit log and on the ledger entry' })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            guest: GuestView,
            claim: Type.Object({
              transactionId: Type.String(),
              receiptCode: Type.String(),
              pointsEarned: Type.Integer(),
              balance: Type.Integer(),
              claimedAt: Type.String(),
            }),
          }),
          ...errors({
            400: 'ValidationError naming the field, or TransactionNotClaimable (voided)',
            401: 'Unauthorized',
            403: 'Forbidden',
            404: 'NotFound, or ReceiptNotFound',
            409: 'ReceiptAlreadyClaimed',
            422: 'ReceiptClaimWindowClosed',
          }),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await claimReceiptFor(contextOf(request, opts.db), request.params.programId, request.params.guestId, request.body)),
  );
}
