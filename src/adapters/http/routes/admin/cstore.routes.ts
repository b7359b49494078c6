import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type AdminPrincipal, requireCapability, requireProgram } from '../../../../app/admin-auth.service.ts';
import type { Actor } from '../../../../app/cstore/model.ts';
import { AppError } from '../../../../errors.ts';
import {
  AcceptBody,
  AcceptResponse,
  AgentTokenResponse,
  AssignLicenseBody,
  BatchDetailSchema,
  BatchFileResponse,
  BatchParams,
  BatchSchema,
  BatchesQuery,
  BuyLicensesBody,
  ChangeSchema,
  ChangesQuery,
  EnrollmentBody,
  EnrollmentSchema,
  LicenseParams,
  LicenseSchema,
  LocationBody,
  LocationParams,
  LocationPatchBody,
  LocationSchema,
  ProgramParams,
  RegisterEntrySchema,
  RejectBody,
  RejectedRecordsSchema,
  RetryOutletResponse,
  RollOutReadinessSchema,
  RollOutResponse,
  RunParams,
  RunsQuery,
  limitOf,
  StatusBody,
  SyncRunDetailSchema,
  SyncRunSchema,
} from '../../schemas/cstore.ts';
import { errors } from '../../schemas/common.ts';
import { sendContent } from '../batch-content.ts';
import { ADMIN_SECURITY, type AdminPluginOptions, adminOf } from './index.ts';

const TAGS = ['C-store promotions'];
const base = (summary: string, description?: string) => ({ tags: TAGS, summary, ...(description ? { description } : {}), security: ADMIN_SECURITY });
const E = (more: Parameters<typeof errors>[0] = {}) => errors({ 401: 'Unauthorized', 403: 'Forbidden: the role may not do this', ...more });

export function actorOf(admin: AdminPrincipal): Actor {
  return { type: 'admin', id: admin.userId, name: admin.name || admin.email };
}

/**
 * The c-store back office under /admin/v1/cstore: locations, Scan Data licenses, the RJR
 * enrollment, status and roll-out, sync, the Cash Register Updates Manager (pending changes,
 * Accept / Reject, register state) and update batches. Reads need `read`; sync and re-send
 * `support`; locations, licenses, review and roll-out `manage`; credentials, agent tokens and
 * outbox folders `own`.
 */
export async function cstoreAdminRoutes(root: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const cs = () => opts.cstore;

  /** The location, after checking the caller may see its program (404 otherwise). */
  async function location(request: FastifyRequest, locationId: string) {
    const admin = adminOf(request);
    const row = await cs().locations.row(locationId);
    if (admin.programIds !== '*' && !admin.programIds.includes(row.program_id)) throw new AppError('LocationNotFound', `No location ${locationId}`);
    return row;
  }
  function program(request: FastifyRequest, programId: string, capability: 'read' | 'support' | 'manage' | 'own') {
    const admin = adminOf(request);
    requireCapability(admin, capability);
    requireProgram(admin, programId);
    return admin;
  }

  // ---- locations ----
  app.get('/cstore/programs/:programId/locations', { schema: { ...base('List the c-store locations of a program, with license and pending count'), params: ProgramParams, response: { 200: Type.Array(LocationSchema), ...E({ 404: 'NotFound' }) } } }, async (request) => {
    program(request, request.params.programId, 'read');
    return cs().locations.list(request.params.programId);
  });

  app.post('/cstore/programs/:programId/locations', { schema: { ...base('Create a location (integration status off)'), params: ProgramParams, body: LocationBody, response: { 201: LocationSchema, ...E({ 400: 'ValidationError', 404: 'NotFound' }) } } }, async (request, reply) => {
    const admin = program(request, request.params.programId, request.body.outboxDir ? 'own' : 'manage');
    const created = await cs().locations.create(request.params.programId, request.body, actorOf(admin));
    return reply.status(201).send(created);
  });

  app.get('/cstore/locations/:locationId', { schema: { ...base('A location with its license and pending count'), params: LocationParams, response: { 200: LocationSchema, ...E({ 404: 'LocationNotFound' }) } } }, async (request) => {
    requireCapability(adminOf(request), 'read');
    await location(request, request.params.locationId);
    return cs().locations.get(request.params.locationId);
  });

  app.patch('/cstore/locations/:locationId', { schema: { ...base('Change a location (a new outlet id clears a broken-outlet status)', 'registerIds and registerIdStart are fixed once a batch was accepted at the location (409 InvalidTransition).'), params: LocationParams, body: LocationPatchBody, response: { 200: LocationSchema, ...E({ 400: 'ValidationError', 404: 'LocationNotFound', 409: 'InvalidTransition: registerIds after the first batch' }) } } }, async (request) => {
    const admin = adminOf(request);
    requireCapability(admin, request.body.outboxDir !== undefined ? 'own' : 'manage');
    await location(request, request.params.locationId);
    return cs().locations.update(request.params.locationId, request.body, actorOf(admin));
  });

  app.post(
    '/cstore/locations/:locationId/status',
    { schema: { ...base('Set the integration status', 'off → pilot → live (live → pilot and anything → off too). Pilot and live need an active Scan Data license.'), params: LocationParams, body: StatusBody, response: { 200: LocationSchema, ...E({ 400: 'ValidationError', 404: 'LocationNotFound', 409: 'InvalidTransition or NotLicensed' }) } } },
    async (request) => {
      const admin = adminOf(request);
      requireCapability(admin, 'manage');
      await location(request, request.params.locationId);
      return cs().locations.setStatus(request.params.locationId, request.body.status, actorOf(admin));
    },
  );

  app.get(
    '/cstore/programs/:programId/rollout',
    { schema: { ...base('Whether the pilot is ready for roll-out, and what is missing per pilot location'), params: ProgramParams, response: { 200: RollOutReadinessSchema, ...E({ 404: 'NotFound' }) } } },
    async (request) => {
      program(request, request.params.programId, 'read');
      return cs().locations.rollOutReadiness(request.params.programId);
    },
  );

  app.post(
    '/cstore/programs/:programId/rollout',
    {
      schema: {
        ...base(
          'Roll out: the pilot and every other licensed location go live',
          "Only once the pilot's promotions were reviewed and confirmed: every pilot location synced successfully, has no pending change, accepted at least one batch, no batch failed, and — where the location has a POS agent — every batch was acknowledged as applied. Otherwise 409 PilotNotReady with `details.blockers` (as GET …/rollout shows). Locations without an active license or outlet id are listed in `skipped` with why.",
        ),
        params: ProgramParams,
        response: { 200: RollOutResponse, ...E({ 404: 'NotFound', 409: 'InvalidTransition (no location in pilot) or PilotNotReady (details.blockers: what each pilot location still misses)' }) },
      },
    },
    async (request) => {
      const admin = program(request, request.params.programId, 'manage');
      return cs().locations.rollOut(request.params.programId, actorOf(admin));
    },
  );

  app.post(
    '/cstore/locations/:locationId/agent-token',
    { schema: { ...base('Issue the POS agent token of a location (replaces the old one; shown once)'), params: LocationParams, response: { 201: AgentTokenResponse, ...E({ 404: 'LocationNotFound' }) } } },
    async (request, reply) => {
      const admin = adminOf(request);
      requireCapability(admin, 'own');
      await location(request, request.params.locationId);
      return reply.status(201).send(await cs().locations.issueAgentToken(request.params.locationId, actorOf(admin)));
    },
  );

  app.post(
    '/cstore/locations/:locationId/retry-outlet',
    {
      schema: {
        ...base(
          'Try RJR again for this location after it refused the outlet',
          'Clears the refusal on record (`enrollmentError`; for a single-store enrollment of this outlet also its broken status) without saving the enrollment again, then syncs the location at once and answers the sync run. A new refusal is recorded again.',
        ),
        params: LocationParams,
        response: { 200: RetryOutletResponse, ...E({ 404: 'LocationNotFound' }) },
      },
    },
    async (request) => {
      const admin = adminOf(request);
      requireCapability(admin, 'support');
      await location(request, request.params.locationId);
      const { cleared } = await cs().locations.clearOutletRefusal(request.params.locationId, actorOf(admin));
      const run = await cs().syncLocation(request.params.locationId, { trigger: 'api' });
      return { cleared, run };
    },
  );

  // ---- Scan Data licenses ----
  app.get('/cstore/programs/:programId/licenses', { schema: { ...base('Scan Data licenses of a program'), params: ProgramParams, response: { 200: Type.Array(LicenseSchema), ...E({ 404: 'NotFound' }) } } }, async (request) => {
    program(request, request.params.programId, 'read');
    return cs().locations.listLicenses(request.params.programId);
  });

  app.post('/cstore/programs/:programId/licenses', { schema: { ...base('Buy Scan Data licenses (1 month or 1 year); they start unassigned'), params: ProgramParams, body: BuyLicensesBody, response: { 201: Type.Array(LicenseSchema), ...E({ 400: 'ValidationError', 404: 'NotFound' }) } } }, async (request, reply) => {
    const admin = program(request, request.params.programId, 'manage');
    return reply.status(201).send(await cs().locations.buyLicenses(request.params.programId, request.body.term, request.body.count ?? 1, actorOf(admin)));
  });

  app.post(
    '/cstore/licenses/:licenseId/assign',
    { schema: { ...base('Assign License to one location', 'The term starts now, or when the location’s current license ends. A license is assigned once: again, or to another location, answers 409 and changes nothing.'), params: LicenseParams, body: AssignLicenseBody, response: { 200: LicenseSchema, ...E({ 400: 'ValidationError', 404: 'LicenseNotFound or LocationNotFound', 409: 'LicenseAlreadyAssigned' }) } } },
    async (request) => {
      const admin = adminOf(request);
      requireCapability(admin, 'manage');
      const lic = await cs().locations.license(request.params.licenseId);
      if (admin.programIds !== '*' && !admin.programIds.includes(lic.programId)) throw new AppError('LicenseNotFound', `No license ${request.params.licenseId}`);
      return cs().locations.assignLicense(request.params.licenseId, request.body.locationId, actorOf(admin));
    },
  );

  // ---- enrollment ----
  app.get('/cstore/programs/:programId/enrollments/rjr', { schema: { ...base('The RJR enrollment, credentials masked'), params: ProgramParams, response: { 200: EnrollmentSchema, ...E({ 404: 'NotFound (no such program) or EnrollmentNotFound' }) } } }, async (request) => {
    program(request, request.params.programId, 'read');
    await cs().locations.requireProgramExists(request.params.programId);
    return cs().enrollments.get(request.params.programId, 'rjr');
  });

  app.put(
    '/cstore/programs/:programId/enrollments/rjr',
    {
      schema: {
        ...base('Enroll with the RJR Discount API', 'Single store: outletId, outletName, email. Chain: accountNumber, clientId, clientSecret (write-only, sealed at rest, answered masked). Updating a chain enrollment may leave credentials out to keep them. Saving clears a broken status.'),
        params: ProgramParams,
        body: EnrollmentBody,
        response: { 200: EnrollmentSchema, ...E({ 400: 'ValidationError: a field of the other mode, or a missing one', 404: 'NotFound' }) },
      },
    },
    async (request) => {
      const admin = program(request, request.params.programId, 'own');
      return cs().enrollments.put(request.params.programId, request.body, actorOf(admin), 'rjr');
    },
  );

  // ---- sync ----
  app.post(
    '/cstore/locations/:locationId/sync',
    { schema: { ...base('Sync now', 'Runs the sync of one location and answers its sync-run record: succeeded, failed (with errorCode and error; nothing else changed) or skipped (with why).'), params: LocationParams, response: { 200: SyncRunSchema, ...E({ 404: 'LocationNotFound' }) } } },
    async (request) => {
      requireCapability(adminOf(request), 'support');
      await location(request, request.params.locationId);
      return cs().syncLocation(request.params.locationId, { trigger: 'api' });
    },
  );

  app.get('/cstore/locations/:locationId/sync-runs', { schema: { ...base('Sync log of a location, newest first'), params: LocationParams, querystring: RunsQuery, response: { 200: Type.Array(SyncRunSchema), ...E({ 404: 'LocationNotFound' }) } } }, async (request) => {
    requireCapability(adminOf(request), 'read');
    await location(request, request.params.locationId);
    return cs().sync.runs(request.params.locationId, limitOf(request.query, 50, 500));
  });

  app.get(
    '/cstore/locations/:locationId/rejected-records',
    {
      schema: {
        ...base(
          'Feed records the newest successful sync rejected, and what that meant for the register',
          'A rejected record (a bad UPC check digit, a missing amount …) never turns into a change: a promotion the register has keeps its copy (`kept_on_register`), a new one is not added (`not_added`); a record without a readable id holds back every end that day (`unidentified`).',
        ),
        params: LocationParams,
        response: { 200: RejectedRecordsSchema, ...E({ 404: 'LocationNotFound' }) },
      },
    },
    async (request) => {
      requireCapability(adminOf(request), 'read');
      await location(request, request.params.locationId);
      return cs().sync.rejectedRecords(request.params.locationId);
    },
  );

  app.get('/cstore/sync-runs/:runId', { schema: { ...base('One sync run with its rejected records'), params: RunParams, response: { 200: SyncRunDetailSchema, ...E({ 404: 'NotFound' }) } } }, async (request) => {
    const admin = adminOf(request);
    requireCapability(admin, 'read');
    const run = await cs().sync.run(request.params.runId);
    if (admin.programIds !== '*' && !admin.programIds.includes(run.programId)) throw new AppError('NotFound', `No sync run ${request.params.runId}`);
    return run;
  });

  // ---- Cash Register Updates Manager ----
  app.get('/cstore/locations/:locationId/changes', { schema: { ...base('Promotion changes of a location (pending by default), with before and after'), params: LocationParams, querystring: ChangesQuery, response: { 200: Type.Array(ChangeSchema), ...E({ 404: 'LocationNotFound' }) } } }, async (request) => {
    requireCapability(adminOf(request), 'read');
    await location(request, request.params.locationId);
    return cs().review.listChanges(request.params.locationId, { status: request.query.status ?? 'pending', limit: limitOf(request.query, 500, 5000), before: request.query.before });
  });

  app.post(
    '/cstore/locations/:locationId/changes/accept',
    {
      schema: {
        ...base('Accept Changes', 'Accepts the named pending changes (or `all: true`) as one update batch for the register, atomically. A change of another location or one already decided fails the request and writes nothing. With an idempotency key (body or Idempotency-Key header) a repeat answers the first batch with `replayed: true`.'),
        params: LocationParams,
        body: AcceptBody,
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }),
        response: { 200: AcceptResponse, ...E({ 400: 'ValidationError', 404: 'LocationNotFound or ChangeNotFound', 409: 'ChangeNotPending or NothingToAccept' }) },
      },
    },
    async (request) => {
      const admin = adminOf(request);
      requireCapability(admin, 'manage');
      await location(request, request.params.locationId);
      const key = request.body.idempotencyKey ?? request.headers['idempotency-key'];
      return cs().accept(request.params.locationId, { changeIds: request.body.changeIds, all: request.body.all, idempotencyKey: key }, actorOf(admin));
    },
  );

  app.post(
    '/cstore/locations/:locationId/changes/reject',
    { schema: { ...base('Reject selected pending changes with a reason', 'A rejected promotion is not queued again while the feed keeps saying the same.'), params: LocationParams, body: RejectBody, response: { 200: Type.Object({ rejected: Type.Array(ChangeSchema) }), ...E({ 400: 'ValidationError', 404: 'LocationNotFound or ChangeNotFound', 409: 'ChangeNotPending' }) } } },
    async (request) => {
      const admin = adminOf(request);
      requireCapability(admin, 'manage');
      await location(request, request.params.locationId);
      return cs().review.reject(request.params.locationId, request.body.changeIds, request.body.reason, actorOf(admin));
    },
  );

  app.get('/cstore/locations/:locationId/register', { schema: { ...base('CR current state: the promotions the register has now'), params: LocationParams, response: { 200: Type.Array(RegisterEntrySchema), ...E({ 404: 'LocationNotFound' }) } } }, async (request) => {
    requireCapability(adminOf(request), 'read');
    await location(request, request.params.locationId);
    return cs().review.register(request.params.locationId);
  });

  // ---- update batches ----
  app.get('/cstore/locations/:locationId/batches', { schema: { ...base('History: accepted batches of a location (who, when, what, state), newest first'), params: LocationParams, querystring: BatchesQuery, response: { 200: Type.Array(BatchSchema), ...E({ 404: 'LocationNotFound' }) } } }, async (request) => {
    requireCapability(adminOf(request), 'read');
    await location(request, request.params.locationId);
    return cs().delivery.list(request.params.locationId, request.query.state, limitOf(request.query, 100, 1000));
  });

  async function batchOf(request: FastifyRequest, batchId: string, capability: 'read' | 'support') {
    const admin = adminOf(request);
    requireCapability(admin, capability);
    const detail = await cs().delivery.get(batchId);
    if (admin.programIds !== '*' && !admin.programIds.includes(detail.programId)) throw new AppError('BatchNotFound', `No update batch ${batchId}`);
    return { admin, detail };
  }

  app.get('/cstore/batches/:batchId', { schema: { ...base('One batch with its changes'), params: BatchParams, response: { 200: BatchDetailSchema, ...E({ 404: 'BatchNotFound' }) } } }, async (request) => {
    return (await batchOf(request, request.params.batchId, 'read')).detail;
  });

  app.get(
    '/cstore/batches/:batchId/content',
    { schema: { ...base('Download the batch file the register gets (NAXML-MaintenanceRequest 3.4 or JSON)'), params: BatchParams, response: { 200: BatchFileResponse, ...E({ 404: 'BatchNotFound' }) } } },
    async (request, reply) => {
      await batchOf(request, request.params.batchId, 'read');
      return sendContent(reply, await cs().delivery.content(request.params.batchId));
    },
  );

  app.post('/cstore/batches/:batchId/resend', { schema: { ...base('Send a batch again: back to ready for the agent (and the outbox folder)'), params: BatchParams, response: { 200: BatchSchema, ...E({ 404: 'BatchNotFound' }) } } }, async (request) => {
    const { admin } = await batchOf(request, request.params.batchId, 'support');
    return cs().delivery.resend(request.params.batchId, actorOf(admin));
  });
}
