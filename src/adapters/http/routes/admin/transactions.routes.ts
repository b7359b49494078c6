import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { getTransaction, searchTransactions, voidTransactionAs } from '../../../../app/admin/transactions.ts';
import { errors } from '../../schemas/common.ts';
import {
  entityParams,
  limitOf,
  page,
  PageQuery,
  ProgramParams,
  TransactionDetail,
  TransactionStatus,
  TransactionSummary,
  VoidBody,
} from '../../schemas/admin.ts';
import { SECURITY } from '../../headers.ts';
import { type AdminPluginOptions, contextOf, requires } from './shared.ts';

const TAGS = ['Admin: transactions'];
const TransactionParams = entityParams('transactionId');

/** Loyalty transactions: search, view, void. */
export async function transactionsRoutes(fastify: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/programs/:programId/transactions',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'Search transactions by store, status, guest, receipt code and date',
        description: requires('read', 'from / to: YYYY-MM-DD (UTC day, inclusive) or ISO date-times. Newest first.'),
        security: SECURITY.bearer,
        params: ProgramParams,
        querystring: Type.Object(
          {
            storeId: Type.Optional(Type.String({ maxLength: 100, description: 'Tillpoint store id' })),
            storeExternalId: Type.Optional(Type.String({ maxLength: 40, description: 'the POS store number' })),
            status: Type.Optional(TransactionStatus),
            guestId: Type.Optional(Type.String({ maxLength: 100 })),
            receiptCode: Type.Optional(Type.String({ maxLength: 40 })),
            from: Type.Optional(Type.String({ maxLength: 40 })),
            to: Type.Optional(Type.String({ maxLength: 40 })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: page(TransactionSummary), ...errors({ 400: 'ValidationError', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => searchTransactions(contextOf(request, opts.db), request.params.programId, { ...request.query, limit: limitOf(request.query) }),
  );

  app.get(
    '/programs/:programId/transactions/:transactionId',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'A transaction with its cart, redemptions and ledger entries',
        description: requires('read'),
        security: SECURITY.bearer,
        params: TransactionParams,
        response: { 200: TransactionDetail, ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => getTransaction(contextOf(request, opts.db), request.params.programId, request.params.transactionId),
  );

  app.post(
    '/programs/:programId/transactions/:transactionId/void',
    {
      config: { capability: 'support' },
      schema: {
        tags: TAGS,
        summary: 'Void a transaction: reverses what it earned and redeemed, exactly as a POS void',
        description: requires(
          'support',
          'Audited (with the optional reason) and announced as `transaction.voided`. Voiding a voided transaction changes nothing.',
        ),
        security: SECURITY.bearer,
        params: TransactionParams,
        body: VoidBody,
        response: {
          200: TransactionDetail,
          ...errors({ 400: 'ValidationError', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict: changed meanwhile; retry' }),
        },
      },
    },
    async (request) => {
      const body = request.body as { reason?: string } | undefined;
      const voided = await voidTransactionAs(contextOf(request, opts.db), opts.loyalty, request.params.programId, request.params.transactionId, body?.reason);
      // A sale of a store linked to a c-store location leaves the weekly scan data too (docs/scan-data.md).
      await opts.cstore.posSales.recordVoid(request.params.programId, voided.id);
      return voided;
    },
  );
}
