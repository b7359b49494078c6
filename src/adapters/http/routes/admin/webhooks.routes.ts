import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  createWebhook,
  getDelivery,
  getWebhook,
  listDeliveries,
  listWebhooks,
  resendDelivery,
  rotateWebhookSecret,
  updateWebhook,
} from '../../../../app/admin/webhooks.ts';
import { EVENT_TYPE_NAMES } from '../../../../app/events/event-types.ts';
import type { SecretBox } from '../../../../lib/secret-box.ts';
import { errors } from '../../schemas/common.ts';
import {
  DeliveryDetail,
  DeliveryStatus,
  DeliveryView,
  entityParams,
  limitOf,
  NewWebhookBody,
  page,
  PageQuery,
  ProgramParams,
  WebhookPatchBody,
  WebhookView,
  WebhookWithSecret,
} from '../../schemas/admin.ts';
import { SECURITY } from '../../headers.ts';
import { type AdminPluginOptions, contextOf, requires } from './shared.ts';

const TAGS = ['Admin: webhooks'];
const WebhookParams = entityParams('webhookId');
const DeliveryParams = entityParams('deliveryId');
const SIGNING =
  'Requests are signed with Standard Webhooks (webhook-id: the event id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">; verify with any Standard Webhooks library) and carry x-tillpoint-event-type; see docs/events.md.';

/** Webhook subscriptions, their signing secrets, and the delivery log with dead letters and re-send. */
export async function webhooksRoutes(fastify: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const secrets = (): SecretBox => opts.secrets;

  app.get(
    '/programs/:programId/webhooks',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'Webhooks of a program (never their secrets)',
        description: requires('read'),
        security: SECURITY.bearer,
        params: ProgramParams,
        response: { 200: Type.Array(WebhookView), ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => listWebhooks(contextOf(request, opts.db), request.params.programId),
  );

  app.post(
    '/programs/:programId/webhooks',
    {
      config: { capability: 'own' },
      schema: {
        tags: TAGS,
        summary: 'Subscribe a URL to events; answers the signing secret once',
        description: requires('own', `Event types: ${EVENT_TYPE_NAMES.join(', ')}, or * for all. ${SIGNING}`),
        security: SECURITY.bearer,
        params: ProgramParams,
        body: NewWebhookBody,
        response: {
          201: WebhookWithSecret,
          ...errors({
            400: 'ValidationError naming the field',
            401: 'Unauthorized',
            403: 'Forbidden',
            404: 'NotFound',
            503: 'ServiceUnavailable: TILLPOINT_SECRET_KEY missing in production',
          }),
        },
      },
    },
    async (request, reply) => reply.status(201).send(await createWebhook(contextOf(request, opts.db), secrets(), request.params.programId, request.body)),
  );

  app.get(
    '/programs/:programId/webhooks/:webhookId',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'A webhook',
        description: requires('read'),
        security: SECURITY.bearer,
        params: WebhookParams,
        response: { 200: WebhookView, ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => getWebhook(contextOf(request, opts.db), request.params.programId, request.params.webhookId),
  );

  app.patch(
    '/programs/:programId/webhooks/:webhookId',
    {
      config: { capability: 'own' },
      schema: {
        tags: TAGS,
        summary: 'Change a webhook’s URL, event types, description, or switch it off (active=false)',
        description: requires('own', 'Pending deliveries to a switched-off webhook go dead; they can be re-sent later.'),
        security: SECURITY.bearer,
        params: WebhookParams,
        body: WebhookPatchBody,
        response: { 200: WebhookView, ...errors({ 400: 'ValidationError naming the field', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => updateWebhook(contextOf(request, opts.db), request.params.programId, request.params.webhookId, request.body),
  );

  app.post(
    '/programs/:programId/webhooks/:webhookId/rotate-secret',
    {
      config: { capability: 'own' },
      schema: {
        tags: TAGS,
        summary: 'A new signing secret (shown once); every later attempt is signed with it',
        description: requires('own'),
        security: SECURITY.bearer,
        params: WebhookParams,
        response: { 201: WebhookWithSecret, ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 503: 'ServiceUnavailable' }) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await rotateWebhookSecret(contextOf(request, opts.db), secrets(), request.params.programId, request.params.webhookId)),
  );

  app.get(
    '/programs/:programId/webhook-deliveries',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'Deliveries, newest first; status=dead is the dead-letter view',
        description: requires('read'),
        security: SECURITY.bearer,
        params: ProgramParams,
        querystring: Type.Object(
          {
            status: Type.Optional(DeliveryStatus),
            webhookId: Type.Optional(Type.String({ maxLength: 100 })),
            eventType: Type.Optional(Type.String({ maxLength: 40 })),
            eventId: Type.Optional(Type.String({ maxLength: 100 })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: page(DeliveryView), ...errors({ 400: 'ValidationError', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => listDeliveries(contextOf(request, opts.db), request.params.programId, { ...request.query, limit: limitOf(request.query) }),
  );

  app.get(
    '/programs/:programId/webhook-deliveries/:deliveryId',
    {
      config: { capability: 'read' },
      schema: {
        tags: TAGS,
        summary: 'A delivery with its event',
        description: requires('read'),
        security: SECURITY.bearer,
        params: DeliveryParams,
        response: { 200: DeliveryDetail, ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' }) },
      },
    },
    async (request) => getDelivery(contextOf(request, opts.db), request.params.programId, request.params.deliveryId),
  );

  app.post(
    '/programs/:programId/webhook-deliveries/:deliveryId/resend',
    {
      config: { capability: 'manage' },
      schema: {
        tags: TAGS,
        summary: 'Queue a dead (or delivered) delivery again, with a fresh attempt budget',
        description: requires('manage', 'The event keeps its id, so receivers that already have it can de-duplicate.'),
        security: SECURITY.bearer,
        params: DeliveryParams,
        response: { 200: DeliveryView, ...errors({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict: already queued' }) },
      },
    },
    async (request) => resendDelivery(contextOf(request, opts.db), request.params.programId, request.params.deliveryId),
  );
}
