import type { FastifyPluginAsync } from 'fastify';
import type { AdminPluginOptions } from '../shared.ts';
import { cstoreBatchesRoutes } from './batches.routes.ts';
import { cstoreChangesRoutes } from './changes.routes.ts';
import { cstoreEnrollmentsRoutes } from './enrollments.routes.ts';
import { cstoreLicensesRoutes } from './licenses.routes.ts';
import { cstoreLocationsRoutes } from './locations.routes.ts';
import { cstoreRolloutRoutes } from './rollout.routes.ts';
import { cstoreSalesJournalRoutes } from './sales-journal.routes.ts';
import { cstoreScanDataRoutes } from './scandata.routes.ts';
import { cstoreSyncRoutes } from './sync.routes.ts';

/**
 * The c-store back office under /admin/v1/cstore, one plugin per resource: locations, roll-out,
 * Scan Data licenses, the RJR enrollment, sync, the Cash Register Updates Manager (pending
 * changes, Accept / Reject, register state), update batches and POS journal uploads. Each route declares its
 * capability: reads need `read`; sync and re-send `support`; locations, licenses, review and
 * roll-out `manage`; credentials, agent tokens and outbox folders `own`. Scan-data accounts and
 * weekly submissions: see `scandata.routes.ts`.
 */
export const CSTORE_ADMIN_PLUGINS: FastifyPluginAsync<AdminPluginOptions>[] = [
  cstoreLocationsRoutes,
  cstoreRolloutRoutes,
  cstoreLicensesRoutes,
  cstoreEnrollmentsRoutes,
  cstoreSyncRoutes,
  cstoreChangesRoutes,
  cstoreBatchesRoutes,
  cstoreSalesJournalRoutes,
  cstoreScanDataRoutes,
];
