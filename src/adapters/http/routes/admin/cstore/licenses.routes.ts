import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AssignLicenseBody, BuyLicensesBody, LicenseParams, LicenseSchema, ProgramParams } from '../../../schemas/cstore.ts';
import { type AdminPluginOptions, adminOf, requireVisible } from '../shared.ts';
import { cstoreActor, doc, E } from './cstore-route.ts';

/** Scan Data licenses: list (`read`), buy and assign to a location (`manage`). */
export async function cstoreLicensesRoutes(root: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const cs = () => opts.cstore;

  app.get(
    '/cstore/programs/:programId/licenses',
    {
      config: { capability: 'read' },
      schema: {
        ...doc('read', 'Scan Data licenses of a program'),
        params: ProgramParams,
        response: { 200: Type.Array(LicenseSchema), ...E({ 404: 'NotFound' }) },
      },
    },
    async (request) => cs().locations.listLicenses(request.params.programId),
  );

  app.post(
    '/cstore/programs/:programId/licenses',
    {
      config: { capability: 'manage' },
      schema: {
        ...doc('manage', 'Buy Scan Data licenses (1 month or 1 year); they start unassigned'),
        params: ProgramParams,
        body: BuyLicensesBody,
        response: { 201: Type.Array(LicenseSchema), ...E({ 400: 'ValidationError', 404: 'NotFound' }) },
      },
    },
    async (request, reply) => {
      const bought = await cs().locations.buyLicenses(request.params.programId, request.body.term, request.body.count ?? 1, cstoreActor(adminOf(request)));
      return reply.status(201).send(bought);
    },
  );

  app.post(
    '/cstore/licenses/:licenseId/assign',
    {
      config: { capability: 'manage' },
      schema: {
        ...doc(
          'manage',
          'Assign License to one location',
          'The term starts now, or when the location’s current license ends. A license is assigned once: again, or to another location, answers 409 and changes nothing.',
        ),
        params: LicenseParams,
        body: AssignLicenseBody,
        response: { 200: LicenseSchema, ...E({ 400: 'ValidationError', 404: 'LicenseNotFound or LocationNotFound', 409: 'LicenseAlreadyAssigned' }) },
      },
    },
    async (request) => {
      const license = await cs().locations.license(request.params.licenseId);
      const admin = requireVisible(request, license.programId, 'LicenseNotFound', `No license ${request.params.licenseId}`);
      return cs().locations.assignLicense(request.params.licenseId, request.body.locationId, cstoreActor(admin));
    },
  );
}
