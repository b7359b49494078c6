import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { GuestAppService } from '../../../app/guest/guest-app.service.ts';
import { GuestAuthService, type GuestPrincipal } from '../../../app/guest/guest-auth.service.ts';
import { type GuestOptions, guestOptionsFromEnv } from '../../../app/guest/guest-options.ts';
import { logLoginCodeSender } from '../../../app/guest/login-code-sender.ts';
import { PromoCodes } from '../../../app/guest/promo-codes.ts';
import { claimReceipt } from '../../../app/guest/receipt-claim.ts';
import type { LoyaltyService } from '../../../app/loyalty.service.ts';
import type { Program } from '../../../app/model.ts';
import { normalizeServiceMode } from '../../../domain/service-mode.ts';
import { AppError, invalidField } from '../../../errors.ts';
import type { Db } from '../../db/database.ts';
import { bearer, localTime, SECURITY as SCHEMES } from '../headers.ts';
import { badRequest, errors } from '../schemas/common.ts';
import {
  AuthStartBody,
  AuthStartResponse,
  AuthVerifyBody,
  AuthVerifyResponse,
  BalanceResponse,
  ClaimReceiptBody,
  ClaimReceiptResponse,
  CodeParams,
  type CodeParamsT,
  CodeResponse,
  CodeStatusResponse,
  CreateCodeBody,
  type CreateCodeBodyT,
  IncentivesQuery,
  type IncentivesQueryT,
  IncentivesResponse,
  LedgerPage,
  PageQuery,
  type PageQueryT,
  Profile,
  ProfilePatch,
  type ProfilePatchT,
  ProgramParams,
  type ProgramParamsT,
  RedeemPromoBody,
  RedeemPromoResponse,
  SelectionBody,
  type SelectionBodyT,
  SelectionResponse,
  TransactionsPage,
} from '../schemas/guest.ts';

declare module 'fastify' {
  interface FastifyRequest {
    guest?: GuestPrincipal;
    guestProgram?: Program;
  }
}

export interface GuestPluginOptions {
  db: Db;
  loyalty: LoyaltyService;
  /** Sender, external identity providers, clock, limits; the environment when absent. */
  guest?: GuestOptions;
}

const TAGS = ['Guest'];
// The guest token travels as `Authorization: Bearer`, like the admin token (same scheme, other issuer).
const SECURITY = SCHEMES.bearer;
const AUTH_ERRORS = errors({
  400: 'ValidationError naming the field',
  401: 'Unauthorized: the bearer token is missing, expired, revoked, tampered with or for another program',
  404: 'NotFound: no such program',
  503: 'ServiceUnavailable: the external identity provider could not be reached',
});
const NO_CONTENT = { 204: Type.Null({ description: 'Done' }) };

function guestOf(request: FastifyRequest): { p: GuestPrincipal; program: Program } {
  if (!request.guest || !request.guestProgram) throw new AppError('Unauthorized');
  return { p: request.guest, program: request.guestProgram };
}

/**
 * Guest (app) API under `/app/v1/{program}`: e-mail sign-in with one-time login codes (or an
 * external identity provider's JWTs), then profile, balance, incentives, pre-selection, one-time
 * codes for the POS (also as QR), history, receipt claims and promo codes.
 */
export async function guestRoutes(app: FastifyInstance, opts: GuestPluginOptions): Promise<void> {
  const config = opts.guest ?? guestOptionsFromEnv();
  const clock = config.clock ?? (() => new Date());
  const db = opts.db.kysely;
  const auth = new GuestAuthService(db, { ...config, sender: config.sender ?? logLoginCodeSender(), clock });
  const guests = new GuestAppService(db, opts.loyalty, clock);
  const promoCodes = new PromoCodes(db, clock);

  app.post<{ Params: ProgramParamsT; Body: { email: string } }>(
    '/:program/auth/start',
    {
      schema: {
        tags: TAGS,
        summary: 'Sign up or sign in: send a one-time login code to the e-mail',
        description:
          'Answers the same whether or not a guest has this e-mail. The 6-digit code lives 10 minutes and replaces any earlier one; at most 5 codes per e-mail per 15 minutes (429 RateLimited with retry-after).',
        params: ProgramParams,
        body: AuthStartBody,
        response: {
          202: AuthStartResponse,
          ...errors({ 400: 'ValidationError naming the field', 404: 'NotFound: no such program', 429: 'RateLimited: too many codes for this e-mail, or it is locked out', 503: 'ServiceUnavailable: the code could not be sent' }),
        },
      },
    },
    async (request, reply) => {
      const program = await auth.program(request.params.program);
      const sent = await auth.start(program, request.body.email, request.log);
      return reply.status(202).send({ sent: true, ...sent });
    },
  );

  app.post<{ Params: ProgramParamsT; Body: { email: string; code: string; name?: string } }>(
    '/:program/auth/verify',
    {
      schema: {
        tags: TAGS,
        summary: 'Exchange e-mail + login code for a bearer token (creates the guest on first sign-in)',
        description:
          'A code takes 5 wrong entries, then it is burnt; 5 misses in 15 minutes lock the e-mail out for 15 minutes (429). The token is opaque (tpg_…), stored hashed, and expires (30 days by default).',
        params: ProgramParams,
        body: AuthVerifyBody,
        response: {
          200: AuthVerifyResponse,
          ...errors({ 400: 'ValidationError naming the field', 401: 'LoginCodeInvalid: wrong, expired or used up', 404: 'NotFound: no such program', 429: 'RateLimited: locked out after repeated misses' }),
        },
      },
    },
    async (request) => {
      const program = await auth.program(request.params.program);
      const { token, expiresAt, guestId, signedUp } = await auth.verify(program, request.body.email, request.body.code, request.body.name ?? null);
      const guest = await guests.profile({ programId: program.id, programSlug: program.slug, guestId, via: 'session', tokenHash: null });
      return { token, tokenType: 'Bearer' as const, expiresAt, signedUp, guest };
    },
  );

  // Everything below needs a guest token for the program in the path.
  await app.register(async (authed) => {
    authed.addHook('onRequest', async (request) => {
      const token = bearer(request);
      const slug = (request.params as { program?: string }).program ?? '';
      const program = await auth.program(slug);
      request.guest = await auth.authenticate(program, token);
      request.guestProgram = program;
    });

    authed.post<{ Params: ProgramParamsT }>(
      '/:program/auth/logout',
      { schema: { tags: TAGS, summary: 'Revoke this Tillpoint token (no-op for external JWTs)', security: SECURITY, params: ProgramParams, response: { ...NO_CONTENT, ...AUTH_ERRORS } } },
      async (request, reply) => {
        await auth.logout(guestOf(request).p);
        return reply.status(204).send();
      },
    );

    authed.get<{ Params: ProgramParamsT }>(
      '/:program/me',
      { schema: { tags: TAGS, summary: "The guest's profile", security: SECURITY, params: ProgramParams, response: { 200: Profile, ...AUTH_ERRORS } } },
      async (request) => guests.profile(guestOf(request).p),
    );

    authed.patch<{ Params: ProgramParamsT; Body: ProfilePatchT }>(
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

    authed.get<{ Params: ProgramParamsT }>(
      '/:program/balance',
      {
        schema: {
          tags: TAGS,
          summary: 'Points balance with expiration buckets, and the guest’s tier',
          description:
            '`available` is the balance net of the pre-selected rewards: what a POS sees on identify. `tier` (when the program has tiers) is the one the POS gets on identify, with the points earned in the rolling window and what the next tier still takes.',
          security: SECURITY,
          params: ProgramParams,
          response: { 200: BalanceResponse, ...AUTH_ERRORS },
        },
      },
      async (request) => {
        const { p, program } = guestOf(request);
        return guests.balance(p, program);
      },
    );

    authed.get<{ Params: ProgramParamsT; Querystring: IncentivesQueryT }>(
      '/:program/incentives',
      {
        schema: {
          tags: TAGS,
          summary: 'Rewards and offers available now, each with `eligible` and the failing rules',
          description:
            'Each incentive is evaluated alone, by the rules engine the POS uses, against the guest\'s balance and history (per-guest limits, cool-downs, first order, transaction count, birthday window — loaded as for a POS sale), now (store-local time from `x-user-datetime`, else the store\'s, else the program\'s first store\'s time zone), for the `channel` given (default `App`). Failures use the RulesError vocabulary. Rules about the basket (minimum spend, cart contents, payment) — and store or service-mode rules when `storeId` / `serviceMode` are not given — are left to the POS and listed in `checkedAtOrder`.',
          security: SECURITY,
          params: ProgramParams,
          querystring: IncentivesQuery,
          response: { 200: IncentivesResponse, ...AUTH_ERRORS, ...errors({ 404: 'NotFound (program), StoreNotFound' }) },
        },
      },
      async (request) => {
        const { p, program } = guestOf(request);
        let serviceMode = null;
        if (request.query.serviceMode !== undefined) {
          serviceMode = normalizeServiceMode(request.query.serviceMode);
          if (!serviceMode) throw invalidField('serviceMode', 'must be one of EAT_IN, TAKEOUT, DRIVE_THRU, CURBSIDE, TABLE_SERVICE, DELIVERY');
        }
        return guests.incentives(p, program, { storeId: request.query.storeId ?? null, serviceMode, localTime: localTime(request), channel: request.query.channel ?? null });
      },
    );

    authed.get<{ Params: ProgramParamsT }>(
      '/:program/selection',
      { schema: { tags: TAGS, summary: 'The pre-selected rewards and offer', security: SECURITY, params: ProgramParams, response: { 200: SelectionResponse, ...AUTH_ERRORS } } },
      async (request) => guests.selection(guestOf(request).p),
    );

    authed.put<{ Params: ProgramParamsT; Body: SelectionBodyT }>(
      '/:program/selection',
      {
        schema: {
          tags: TAGS,
          summary: 'Pre-select rewards and at most one offer for the next code',
          description:
            'Stored on the guest and carried by every code created without an explicit selection. Refused with RulesError when the rules that can be decided now fail (e.g. insufficient-point-balance for the rewards together).',
          security: SECURITY,
          params: ProgramParams,
          body: SelectionBody,
          response: {
            200: SelectionResponse,
            ...AUTH_ERRORS,
            400: badRequest('RulesError with every failing rule, or ValidationError naming the field'),
            ...errors({ 404: 'RewardNotFoundError, OfferNotFoundError (field names the id)' }),
          },
        },
      },
      async (request) => {
        const { p, program } = guestOf(request);
        return guests.select(p, program, request.body.rewardIds, request.body.offerId ?? null);
      },
    );

    authed.delete<{ Params: ProgramParamsT }>(
      '/:program/selection',
      { schema: { tags: TAGS, summary: 'Clear the pre-selection', security: SECURITY, params: ProgramParams, response: { ...NO_CONTENT, ...AUTH_ERRORS } } },
      async (request, reply) => {
        await guests.clearSelection(guestOf(request).p);
        return reply.status(204).send();
      },
    );

    authed.post<{ Params: ProgramParamsT; Body: CreateCodeBodyT }>(
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
        const explicit = body && (body.rewardIds !== undefined || body.offerId !== undefined) ? { rewardIds: body.rewardIds ?? [], offerId: body.offerId ?? null } : null;
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

    authed.get<{ Params: CodeParamsT }>(
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
    authed.get('/:program/codes/:code/qr.svg', { schema: qrSchema('image/svg+xml', 'The code as a QR image (SVG)') }, qr('svg'));
    authed.get('/:program/codes/:code/qr.png', { schema: qrSchema('image/png', 'The code as a QR image (PNG, 256 px)') }, qr('png'));

    const page = (q: PageQueryT) => ({ limit: q.limit ? Number(q.limit) : 20, cursor: q.cursor ?? null });

    authed.get<{ Params: ProgramParamsT; Querystring: PageQueryT }>(
      '/:program/transactions',
      {
        schema: {
          tags: TAGS,
          summary: "The guest's loyalty transactions, newest first, with their ledger entries",
          security: SECURITY,
          params: ProgramParams,
          querystring: PageQuery,
          response: { 200: TransactionsPage, ...AUTH_ERRORS },
        },
      },
      async (request) => {
        const { limit, cursor } = page(request.query);
        return guests.transactions(guestOf(request).p, limit, cursor);
      },
    );

    authed.get<{ Params: ProgramParamsT; Querystring: PageQueryT }>(
      '/:program/ledger',
      {
        schema: {
          tags: TAGS,
          summary: 'Every points movement (earn, redeem, voids, adjustments, expiry), newest first',
          security: SECURITY,
          params: ProgramParams,
          querystring: PageQuery,
          response: { 200: LedgerPage, ...AUTH_ERRORS },
        },
      },
      async (request) => {
        const { limit, cursor } = page(request.query);
        return guests.ledger(guestOf(request).p, limit, cursor);
      },
    );

    authed.post<{ Params: ProgramParamsT; Body: { receiptCode: string } }>(
      '/:program/receipts/claim',
      {
        schema: {
          tags: TAGS,
          summary: "Claim an unclaimed sale's points by its receipt code",
          description:
            "Within the program's claim window, once, only in the sale's own program: credits the sale's points (EARN), links it to the guest and emits `receipt.claimed`, in one database transaction. Accepts the 16-character code or the receipt's claim URL.",
          security: SECURITY,
          params: ProgramParams,
          body: ClaimReceiptBody,
          response: {
            200: ClaimReceiptResponse,
            ...AUTH_ERRORS,
            ...errors({
              400: 'ValidationError (receiptCode), TransactionNotClaimable (voided sale)',
              404: 'ReceiptNotFound (also for another program\'s receipt)',
              409: 'ReceiptAlreadyClaimed',
              422: 'ReceiptClaimWindowClosed',
            }),
          },
        },
      },
      async (request) => {
        const { p, program } = guestOf(request);
        return claimReceipt(db, program, p.guestId, request.body.receiptCode, clock());
      },
    );

    authed.post<{ Params: ProgramParamsT; Body: { promoCode: string } }>(
      '/:program/promo-codes/redeem',
      {
        schema: {
          tags: TAGS,
          summary: 'Redeem a promo code: unlocks an incentive (an offer is pre-selected)',
          description: 'Once per guest (unless the code says otherwise) and up to its total uses. 10 wrong codes in 10 minutes lock the guest out for 15 minutes (429).',
          security: SECURITY,
          params: ProgramParams,
          body: RedeemPromoBody,
          response: {
            200: RedeemPromoResponse,
            ...AUTH_ERRORS,
            ...errors({ 404: 'PromoCodeNotFound', 409: 'PromoCodeAlreadyRedeemed', 422: 'PromoCodeNotRedeemable (not yet valid, expired, used up, incentive withdrawn)', 429: 'RateLimited' }),
          },
        },
      },
      async (request) => {
        const { p, program } = guestOf(request);
        return guests.redeemPromo(p, program, promoCodes, request.body.promoCode);
      },
    );
  });
}
