import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SubmissionStatus } from '../../../../../domain/scandata/submission.ts';
import { AppError } from '../../../../../errors.ts';
import { limitOf, page } from '../../../schemas/admin.ts';
import { ProgramParams } from '../../../schemas/cstore.ts';
import {
  CreateScanDataAccountBody,
  GenerateBody,
  RejectionBody,
  ReleaseBody,
  ScanDataAccountParams,
  ScanDataAccountSchema,
  ScanDataFileAnswer,
  SubmissionParams,
  SubmissionSchema,
  SubmissionsQuery,
  UpdateScanDataAccountBody,
} from '../../../schemas/scandata.ts';
import { type AdminPluginOptions, adminOf, requireVisible } from '../shared.ts';
import { cstoreActor, doc, E } from './cstore-route.ts';

/**
 * Scan-data accounts (read with `read`; their account numbers are credentials, so saving needs
 * `own`) and the weekly submissions: list and download (`read`), generate, mark submitted, record
 * a rejection and release a held week (`manage`).
 */
export async function cstoreScanDataRoutes(root: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const sd = () => opts.cstore.scanData;
  const visibleAccount = async (request: FastifyRequest, accountId: string) => {
    const account = await sd().accountRow(accountId);
    const admin = requireVisible(request, account.program_id, 'NotFound', `No scan-data account ${accountId}`);
    return { account, admin };
  };
  const visibleSubmission = async (request: FastifyRequest, submissionId: string) => {
    const { row } = await sd().submissionRow(submissionId);
    return requireVisible(request, row.program_id, 'NotFound', `No scan-data submission ${submissionId}`);
  };

  app.get(
    '/cstore/programs/:programId/scandata/accounts',
    {
      config: { capability: 'read' },
      schema: {
        ...doc('read', 'Scan-data accounts of a program', 'One per manufacturer account; account numbers masked.'),
        params: ProgramParams,
        response: { 200: Type.Array(ScanDataAccountSchema), ...E({ 404: 'NotFound' }) },
      },
    },
    async (request) => {
      await opts.cstore.locations.requireProgramExists(request.params.programId);
      return sd().listAccounts(request.params.programId);
    },
  );

  app.post(
    '/cstore/programs/:programId/scandata/accounts',
    {
      config: { capability: 'own' },
      schema: {
        ...doc(
          'own',
          'Add a scan-data account',
          'The account number is sealed at rest and answered masked. `outlets` null (default): the program’s locations licensed during each week, with their outlet ids and parsed addresses. Audited.',
        ),
        params: ProgramParams,
        body: CreateScanDataAccountBody,
        response: { 201: ScanDataAccountSchema, ...E({ 400: 'ValidationError naming the field', 404: 'NotFound', 409: 'Conflict: the account exists' }) },
      },
    },
    async (request, reply) => reply.status(201).send(await sd().createAccount(request.params.programId, request.body, cstoreActor(adminOf(request)))),
  );

  app.get(
    '/cstore/scandata/accounts/:accountId',
    {
      config: { capability: 'read' },
      schema: { ...doc('read', 'A scan-data account'), params: ScanDataAccountParams, response: { 200: ScanDataAccountSchema, ...E({ 404: 'NotFound' }) } },
    },
    async (request) => {
      await visibleAccount(request, request.params.accountId);
      return sd().account(request.params.accountId);
    },
  );

  app.patch(
    '/cstore/scandata/accounts/:accountId',
    {
      config: { capability: 'own' },
      schema: {
        ...doc('own', 'Change a scan-data account', 'Fields left out keep their value; `outlets: null` goes back to the licensed locations. Audited.'),
        params: ScanDataAccountParams,
        body: UpdateScanDataAccountBody,
        response: { 200: ScanDataAccountSchema, ...E({ 400: 'ValidationError naming the field', 404: 'NotFound', 409: 'Conflict' }) },
      },
    },
    async (request) => {
      const { admin } = await visibleAccount(request, request.params.accountId);
      return sd().updateAccount(request.params.accountId, request.body, cstoreActor(admin));
    },
  );

  app.delete(
    '/cstore/scandata/accounts/:accountId',
    {
      config: { capability: 'own' },
      schema: {
        ...doc('own', 'Remove a scan-data account', 'Only one without generated files (409 InvalidTransition otherwise). Audited.'),
        params: ScanDataAccountParams,
        response: { 204: Type.Null(), ...E({ 404: 'NotFound', 409: 'InvalidTransition' }) },
      },
    },
    async (request, reply) => {
      const { admin } = await visibleAccount(request, request.params.accountId);
      await sd().deleteAccount(request.params.accountId, cstoreActor(admin));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/cstore/programs/:programId/scandata/submissions',
    {
      config: { capability: 'read' },
      schema: {
        ...doc(
          'read',
          'Scan-data submissions per account and week',
          'Newest week first: the last ended weeks (`weeks`, default 8) or the `week` asked for, one entry per account — `pending` when nothing was generated. `status` is the state, or `late` once the deadline (RJR Wednesday 17:00 US Eastern) passed unsubmitted; `warning` when due within 24 h or late.',
        ),
        params: ProgramParams,
        querystring: SubmissionsQuery,
        response: { 200: page(SubmissionSchema), ...E({ 400: 'ValidationError naming the field', 404: 'NotFound' }) },
      },
    },
    async (request) => {
      await opts.cstore.locations.requireProgramExists(request.params.programId);
      const q = request.query;
      return sd().listSubmissions(
        request.params.programId,
        {
          ...(q.manufacturer ? { manufacturer: q.manufacturer } : {}),
          ...(q.accountId ? { accountId: q.accountId } : {}),
          ...(q.week ? { week: q.week } : {}),
          ...(q.weeks ? { weeks: Number(q.weeks) } : {}),
          ...(q.status ? { status: q.status as SubmissionStatus } : {}),
        },
        { limit: limitOf(q), ...(q.cursor ? { cursor: q.cursor } : {}) },
      );
    },
  );

  app.post(
    '/cstore/programs/:programId/scandata/submissions',
    {
      config: { capability: 'manage' },
      schema: {
        ...doc(
          'manage',
          'Generate the week’s file of an account',
          'Streams the week’s sales, priced with the promotions accepted at each sale’s moment, through the manufacturer’s writer, then validates the file. A new generation supersedes the last (409 once the week was submitted, until a rejection is recorded). A thin week is `held` for review; a file failing validation is `invalid`.',
        ),
        params: ProgramParams,
        body: GenerateBody,
        response: { 201: SubmissionSchema, ...E({ 400: 'ValidationError naming the field', 404: 'NotFound', 409: 'InvalidTransition or Conflict' }) },
      },
    },
    async (request, reply) => {
      const { account, admin } = await visibleAccount(request, request.body.accountId);
      if (account.program_id !== request.params.programId) throw new AppError('NotFound', `No scan-data account ${request.body.accountId} in this program`);
      const r = await sd().generate(account.id, request.body.week, cstoreActor(admin));
      return reply.status(201).send(r.submission);
    },
  );

  app.get(
    '/cstore/scandata/submissions/:submissionId',
    {
      config: { capability: 'read' },
      schema: { ...doc('read', 'A scan-data submission'), params: SubmissionParams, response: { 200: SubmissionSchema, ...E({ 404: 'NotFound' }) } },
    },
    async (request) => {
      await visibleSubmission(request, request.params.submissionId);
      return sd().submission(request.params.submissionId);
    },
  );

  app.get(
    '/cstore/scandata/submissions/:submissionId/file',
    {
      config: { capability: 'read' },
      schema: {
        ...doc('read', 'Download the file', 'Streamed, with its name in `content-disposition`. A held week is not offered (409) until released.'),
        params: SubmissionParams,
        produces: ['text/plain'],
        response: { 200: ScanDataFileAnswer, ...E({ 404: 'NotFound', 409: 'InvalidTransition: held for review' }) },
      },
    },
    async (request, reply) => {
      await visibleSubmission(request, request.params.submissionId);
      const file = await sd().download(request.params.submissionId);
      return reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file.fileName.replace(/[^\w.-]/g, '_')}"`)
        .header('content-length', String(file.size))
        .header('x-sha256', file.sha256)
        .header('cache-control', 'no-store')
        .send(file.stream);
    },
  );

  app.post(
    '/cstore/scandata/submissions/:submissionId/submitted',
    {
      config: { capability: 'manage' },
      schema: {
        ...doc(
          'manage',
          'Mark the file submitted to the collector',
          'Records who and when. Only the newest generation, when `generated` (valid, not held); 409 otherwise. Audited.',
        ),
        params: SubmissionParams,
        response: { 200: SubmissionSchema, ...E({ 404: 'NotFound', 409: 'InvalidTransition' }) },
      },
    },
    async (request) => sd().markSubmitted(request.params.submissionId, cstoreActor(await visibleSubmission(request, request.params.submissionId))),
  );

  app.post(
    '/cstore/scandata/submissions/:submissionId/rejection',
    {
      config: { capability: 'manage' },
      schema: {
        ...doc(
          'manage',
          'Record the collector’s rejection',
          'Of a submitted file: the code (e.g. Altria `ID-4-4-1`) and message. Generate the week again to supersede it. 409 unless submitted. Audited.',
        ),
        params: SubmissionParams,
        body: RejectionBody,
        response: { 200: SubmissionSchema, ...E({ 400: 'ValidationError', 404: 'NotFound', 409: 'InvalidTransition' }) },
      },
    },
    async (request) =>
      sd().recordRejection(request.params.submissionId, request.body, cstoreActor(await visibleSubmission(request, request.params.submissionId))),
  );

  app.post(
    '/cstore/scandata/submissions/:submissionId/release',
    {
      config: { capability: 'manage' },
      schema: {
        ...doc(
          'manage',
          'Release a week held for review',
          'The file becomes `generated` and is offered; a later generation of the week is not held again. 409 unless held. Audited with the reason.',
        ),
        params: SubmissionParams,
        body: Type.Optional(ReleaseBody),
        response: { 200: SubmissionSchema, ...E({ 400: 'ValidationError', 404: 'NotFound', 409: 'InvalidTransition' }) },
      },
    },
    async (request) =>
      sd().release(request.params.submissionId, cstoreActor(await visibleSubmission(request, request.params.submissionId)), request.body?.reason ?? null),
  );
}
