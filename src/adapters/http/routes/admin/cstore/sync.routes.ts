import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  limitOf,
  LocationParams,
  RejectedRecordsSchema,
  RetryOutletResponse,
  RunParams,
  RunsQuery,
  SyncRunDetailSchema,
  SyncRunSchema,
} from '../../../schemas/cstore.ts';
import { type AdminPluginOptions, requireVisible } from '../shared.ts';
import { cstoreActor, doc, E, visibleLocation } from './cstore-route.ts';

/** Syncing a location with the manufacturer: sync now and retry a refused outlet (`support`), the sync log and rejected feed records (`read`). */
export async function cstoreSyncRoutes(root: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const cs = () => opts.cstore;

  app.post(
    '/cstore/locations/:locationId/retry-outlet',
    {
      config: { capability: 'support' },
      schema: {
        ...doc(
          'support',
          'Try RJR again for this location after it refused the outlet',
          'Clears the refusal on record (`enrollmentError`; for a single-store enrollment of this outlet also its broken status) without saving the enrollment again, then syncs the location at once and answers the sync run. A new refusal is recorded again.',
        ),
        params: LocationParams,
        response: { 200: RetryOutletResponse, ...E({ 404: 'LocationNotFound' }) },
      },
    },
    async (request) => {
      const admin = await visibleLocation(cs(), request, request.params.locationId);
      const { cleared } = await cs().locations.clearOutletRefusal(request.params.locationId, cstoreActor(admin));
      const run = await cs().syncLocation(request.params.locationId, { trigger: 'api' });
      return { cleared, run };
    },
  );

  app.post(
    '/cstore/locations/:locationId/sync',
    {
      config: { capability: 'support' },
      schema: {
        ...doc(
          'support',
          'Sync now',
          'Runs the sync of one location and answers its sync-run record: succeeded, failed (with errorCode and error; nothing else changed) or skipped (with why).',
        ),
        params: LocationParams,
        response: { 200: SyncRunSchema, ...E({ 404: 'LocationNotFound' }) },
      },
    },
    async (request) => {
      await visibleLocation(cs(), request, request.params.locationId);
      return cs().syncLocation(request.params.locationId, { trigger: 'api' });
    },
  );

  app.get(
    '/cstore/locations/:locationId/sync-runs',
    {
      config: { capability: 'read' },
      schema: {
        ...doc('read', 'Sync log of a location, newest first'),
        params: LocationParams,
        querystring: RunsQuery,
        response: { 200: Type.Array(SyncRunSchema), ...E({ 404: 'LocationNotFound' }) },
      },
    },
    async (request) => {
      await visibleLocation(cs(), request, request.params.locationId);
      return cs().sync.runs(request.params.locationId, limitOf(request.query, 50, 500));
    },
  );

  app.get(
    '/cstore/locations/:locationId/rejected-records',
    {
      config: { capability: 'read' },
      schema: {
        ...doc(
          'read',
          'Feed records the newest successful sync rejected, and what that meant for the register',
          'A rejected record (a bad UPC check digit, a missing amount …) never turns into a change: a promotion the register has keeps its copy (`kept_on_register`), a new one is not added (`not_added`); a record without a readable id holds back every end that day (`unidentified`).',
        ),
        params: LocationParams,
        response: { 200: RejectedRecordsSchema, ...E({ 404: 'LocationNotFound' }) },
      },
    },
    async (request) => {
      await visibleLocation(cs(), request, request.params.locationId);
      return cs().sync.rejectedRecords(request.params.locationId);
    },
  );

  app.get(
    '/cstore/sync-runs/:runId',
    {
      config: { capability: 'read' },
      schema: {
        ...doc('read', 'One sync run with its rejected records'),
        params: RunParams,
        response: { 200: SyncRunDetailSchema, ...E({ 404: 'NotFound' }) },
      },
    },
    async (request) => {
      const run = await cs().sync.run(request.params.runId);
      requireVisible(request, run.programId, 'NotFound', `No sync run ${request.params.runId}`);
      return run;
    },
  );
}
