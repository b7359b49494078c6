import type { FastifyPluginAsync } from 'fastify';
import { apiKeysRoutes } from './api-keys.routes.ts';
import { auditRoutes } from './audit.routes.ts';
import { dashboardRoutes } from './dashboard.routes.ts';
import { exportsRoutes } from './exports.routes.ts';
import { incentivePreviewRoutes } from './incentive-preview.routes.ts';
import { guestsRoutes } from './guests.routes.ts';
import { incentivesRoutes } from './incentives.routes.ts';
import type { AdminPluginOptions } from './shared.ts';
import { programsRoutes } from './programs.routes.ts';
import { promoCodesRoutes } from './promo-codes.routes.ts';
import { rulesRoutes } from './rules.routes.ts';
import { storesRoutes } from './stores.routes.ts';
import { transactionsRoutes } from './transactions.routes.ts';
import { usersRoutes } from './users.routes.ts';
import { webhooksRoutes } from './webhooks.routes.ts';

/** The back-office management API: every plugin declares its capability per route (see shared.ts). */
export const ADMIN_API_PLUGINS: FastifyPluginAsync<AdminPluginOptions>[] = [
  programsRoutes,
  storesRoutes,
  apiKeysRoutes,
  incentivesRoutes,
  promoCodesRoutes,
  rulesRoutes,
  guestsRoutes,
  transactionsRoutes,
  usersRoutes,
  auditRoutes,
  webhooksRoutes,
  dashboardRoutes,
  exportsRoutes,
  incentivePreviewRoutes,
];
