import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SaleCommand } from '../../../app/commands.ts';
import type { Cstore } from '../../../app/cstore/cstore.ts';
import type { LoyaltyService } from '../../../app/loyalty.service.ts';
import type { PosPrincipal } from '../../../app/model.ts';
import { buildCart, CartError } from '../../../domain/cart.ts';
import { minorDigits } from '../../../domain/money.ts';
import { normalizeServiceMode } from '../../../domain/service-mode.ts';
import { AppError, invalidField } from '../../../errors.ts';
import { canonicalJson, sha256 } from '../../../lib/ids.ts';
import { withCstoreDiscounts } from '../../pos/cstore-discounts.ts';
import { selectDialect } from '../../pos/index.ts';
import { apiKeyAuthenticator } from '../auth.ts';
import { localTime, SECURITY } from '../headers.ts';
import type { LimiterFactory } from '../../../app/ports/limiter.ts';
import { posPromoCodeRoute } from './pos-promo-code.route.ts';
import { posRefundRoute } from './pos-refund.route.ts';
import type { Database } from '../../db/schema.ts';
import type { Kysely } from 'kysely';
import { badRequest, errors } from '../schemas/common.ts';
import {
  IdentifyBody,
  type IdentifyBodyT,
  IdentifyResponse,
  SaleResponse,
  TransactionBody,
  type TransactionBodyT,
  TransactionIdParams,
  UnclaimedResponse,
  UpdateBody,
  VoidResponse,
} from '../schemas/pos.ts';

const COMMON_ERRORS = errors({
  400: 'ValidationError naming the field, or another 400 of the catalogue',
  401: 'Unauthorized: missing or unknown x-api-key',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
});

function principalOf(request: FastifyRequest): PosPrincipal {
  if (!request.principal) throw new AppError('Unauthorized');
  return request.principal;
}

/** Transaction body → SaleCommand: exact money, canonical cart, normalized service mode. */
export function toSaleCommand(
  request: FastifyRequest,
  body: TransactionBodyT,
  principal: PosPrincipal,
  status: 'PENDING' | 'CLAIMED' | 'VALIDATE',
): SaleCommand {
  const details = body.transactionDetails;
  // Vendor shapes stop here: the dialect reads posVendor, the order and its own discount fields.
  const dialect = selectDialect(principal);
  const pos = dialect.posContext(details.posVendor, principal);
  const input = dialect.saleInput(body, status);
  let cart;
  try {
    cart = buildCart(details.currency, input.order, details.payments ?? [], minorDigits(details.currency));
  } catch (e) {
    if (e instanceof CartError) throw invalidField(`transactionDetails.${e.path}`, e.message);
    throw e;
  }
  let serviceMode = null;
  if (body.serviceMode !== undefined && body.serviceMode !== '') {
    serviceMode = normalizeServiceMode(body.serviceMode);
    if (!serviceMode) throw invalidField('serviceMode', 'must be one of EAT_IN (Eatin), TAKEOUT, DRIVE_THRU, CURBSIDE, TABLE_SERVICE, DELIVERY');
  }
  let bodyHash: string | undefined;
  return {
    status: status === 'VALIDATE' ? 'CLAIMED' : status,
    loyaltyId: body.loyaltyId ?? null,
    serviceMode,
    channel: body.channel ?? null,
    cart,
    pos,
    localTime: localTime(request),
    // Only a CLAIMED (or unclaimed) sale stores and compares it: hashed on first use.
    get bodyHash() {
      return (bodyHash ??= sha256(canonicalJson(body)));
    },
    appliedIncentiveIds: input.appliedIncentiveIds,
    itemLineRedemption: input.itemLineRedemption,
  };
}

/** Loyalty API v1: the routes POS and kiosk vendors call. */
export async function posRoutes(
  app: FastifyInstance,
  opts: { loyalty: LoyaltyService; db: Kysely<Database>; limiters?: LimiterFactory; cstore?: Cstore },
): Promise<void> {
  const { loyalty } = opts;
  // A store linked to a c-store location is that location's register too (docs/scan-data.md).
  const posSales = opts.cstore?.posSales;
  app.addHook('onRequest', apiKeyAuthenticator(opts.db));

  app.post<{ Body: IdentifyBodyT }>(
    '/loyalty/identify',
    {
      schema: {
        tags: ['POS'],
        summary: 'Identify a guest by one-time code or loyalty id and open a loyalty transaction',
        description:
          'The 6-digit code lives 300 s and is single use: the same POS sale (storeId + terminal + transactionId) identifying again gets the same loyalty transaction; any other sale gets 422 OrderSelectionStatusUnclaimable. The balance is net of the pre-selected rewards.',
        security: SECURITY.apiKey,
        body: IdentifyBody,
        response: {
          200: IdentifyResponse,
          ...COMMON_ERRORS,
          ...errors({ 404: 'IdentifierNotFound, StoreNotFound', 422: 'InvalidIdentifier, OrderSelectionStatusUnclaimable, VendorConfigMissing' }),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const dialect = selectDialect(principal);
      const pos = dialect.posContext(request.body.posVendor, principal);
      const result = await loyalty.identify(principal, {
        identifier: request.body.identifier,
        pos,
        localTime: localTime(request),
      });
      return dialect.renderIdentify(result, pos);
    },
  );

  app.post<{ Body: TransactionBodyT; Params: { loyaltyTransactionId: string } }>(
    '/loyalty/transaction/pos/validate/:loyaltyTransactionId',
    {
      schema: {
        tags: ['POS'],
        summary: 'Dry run of the claim with the current basket; changes nothing',
        security: SECURITY.apiKey,
        params: TransactionIdParams,
        body: TransactionBody,
        response: {
          200: SaleResponse,
          ...COMMON_ERRORS,
          400: badRequest('RulesError with every failing rule, or ValidationError / TransactionNotClaimable'),
          ...errors({ 404: 'TransactionNotFoundError, RewardNotFoundError, OfferNotFoundError', 422: 'VendorConfigMissing' }),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const cmd = toSaleCommand(request, request.body, principal, 'VALIDATE');
      const dialect = selectDialect(principal);
      const result = await loyalty.validate(principal, request.params.loyaltyTransactionId, cmd);
      const answer = dialect.renderSale(result, 'VALIDATE');
      const discounts = await posSales?.discounts(principal, cmd.pos.storeId, cmd.cart, result.loyaltyId, cmd.localTime);
      return discounts ? withCstoreDiscounts(answer, discounts) : answer;
    },
  );

  app.put<{ Body: TransactionBodyT & { status: 'PENDING' | 'CLAIMED' }; Params: { loyaltyTransactionId: string } }>(
    '/loyalty/transaction/pos/:loyaltyTransactionId',
    {
      schema: {
        tags: ['POS'],
        summary: 'Update a loyalty transaction: PENDING evaluates and holds, CLAIMED redeems and earns',
        description:
          'A repeated CLAIMED with the same body answers exactly as the first and moves no points; a different body after CLAIMED is TransactionNotClaimable. Concurrent claims on one guest never overdraw.',
        security: SECURITY.apiKey,
        params: TransactionIdParams,
        body: UpdateBody,
        response: {
          200: SaleResponse,
          ...COMMON_ERRORS,
          400: badRequest('RulesError, ValidationError, TransactionNotClaimable or RedeemRewardError'),
          ...errors({
            404: 'TransactionNotFoundError, RewardNotFoundError, OfferNotFoundError',
            422: 'VendorConfigMissing, or PointsLimitExceeded (the balance would pass 999,999,999,999 points)',
          }),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const status = request.body.status;
      const cmd = toSaleCommand(request, request.body, principal, status);
      const dialect = selectDialect(principal);
      const answer = await loyalty.update(principal, request.params.loyaltyTransactionId, cmd, (r) => dialect.renderSale(r, status));
      // After the claim (a retry too: recording is idempotent), so no retry leaves it half done.
      if (status === 'CLAIMED') await posSales?.recordSale(principal, request.params.loyaltyTransactionId, cmd.pos.storeId, request.body.created);
      return answer;
    },
  );

  app.post<{ Body: TransactionBodyT }>(
    '/loyalty/transaction/pos',
    {
      schema: {
        tags: ['POS'],
        summary: 'Record a sale without an identified guest (claimable later by receipt code)',
        description: 'A repeat for the same storeId + terminal + POS transactionId returns the same loyalty transaction and receipt code.',
        security: SECURITY.apiKey,
        body: TransactionBody,
        response: { 200: UnclaimedResponse, ...COMMON_ERRORS, ...errors({ 404: 'StoreNotFound' }) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const cmd = toSaleCommand(request, request.body, principal, 'CLAIMED');
      const dialect = selectDialect(principal);
      const result = await loyalty.unclaimed(principal, cmd);
      await posSales?.recordSale(principal, result.transactionId, cmd.pos.storeId, request.body.created);
      return dialect.renderUnclaimed(result);
    },
  );

  const voidSchema = {
    tags: ['POS'],
    summary: 'Void / refund a loyalty transaction: reverses everything it earned and redeemed',
    description: 'Repeated voids answer the same. The body (the sale as the POS has it) is optional and not needed to void.',
    security: SECURITY.apiKey,
    params: TransactionIdParams,
    response: { 200: VoidResponse, ...COMMON_ERRORS, ...errors({ 404: 'TransactionNotFoundError' }) },
  };
  const voidHandler = async (request: FastifyRequest<{ Params: { loyaltyTransactionId: string } }>) => {
    const principal = principalOf(request);
    const answer = await loyalty.void(principal, request.params.loyaltyTransactionId);
    await posSales?.recordVoid(principal.programId, answer.transactionId);
    return answer;
  };
  app.put('/loyalty/transaction/pos/:loyaltyTransactionId/void', { schema: voidSchema }, voidHandler);
  app.post('/loyalty/transaction/pos/:loyaltyTransactionId/void', { schema: { ...voidSchema, summary: `${voidSchema.summary} (POST alias)` } }, voidHandler);
  posPromoCodeRoute(app, opts.db, principalOf, opts.limiters);
  posRefundRoute(app, loyalty, principalOf);
}
