import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgramBySlug } from '../../src/adapters/db/repositories/config.repository.ts';
import type { AdminRole } from '../../src/domain/admin-role.ts';
import { CAPABILITIES, type Capability } from '../../src/app/admin-auth.service.ts';
import { type AdminClient, userWithRole } from '../support/admin.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { demoApp, FARHAN } from '../support/fixtures.ts';

interface Operation {
  method: string;
  path: string;
  capability: Capability;
}

/** Every admin operation that declares its capability, read from the OpenAPI document. */
async function declaredOperations(app: FastifyInstance): Promise<Operation[]> {
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { description?: string }>> };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const m = /^Requires `(\w+)`/.exec(op.description ?? '');
      if (m) ops.push({ method: method.toUpperCase(), path, capability: m[1] as Capability });
    }
  }
  return ops;
}

describe.each(ENGINES)('Admin roles on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  let programId: string;
  const users = {} as Record<AdminRole, AdminClient>;
  let ops: Operation[];

  beforeAll(async () => {
    db = await openTestDb(engine);
    ({ app } = await demoApp(db));
    programId = (await findProgramBySlug(db.kysely, 'bk-us'))!.id;
    for (const role of ['owner', 'program_manager', 'support', 'read_only'] as const) users[role] = await userWithRole(app, db, role, [programId]);
    ops = await declaredOperations(app);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const urlOf = (path: string) =>
    `${path
      .replace('/admin/v1', '')
      .replace('{programId}', programId)
      .replace(/\{\w+\}/g, () => randomUUID())}`;

  it('declares a capability on every management route, matching the roles table', () => {
    const byRoute = new Map(ops.map((o) => [`${o.method} ${o.path}`, o.capability]));
    expect(byRoute.get('POST /admin/v1/programs')).toBe('own');
    expect(byRoute.get('PATCH /admin/v1/programs/{programId}')).toBe('manage');
    expect(byRoute.get('POST /admin/v1/programs/{programId}/stores')).toBe('manage');
    expect(byRoute.get('POST /admin/v1/programs/{programId}/incentives')).toBe('manage');
    expect(byRoute.get('POST /admin/v1/programs/{programId}/keys')).toBe('own');
    expect(byRoute.get('POST /admin/v1/programs/{programId}/guests/{guestId}/adjustments')).toBe('support');
    expect(byRoute.get('PATCH /admin/v1/programs/{programId}/guests/{guestId}')).toBe('support');
    expect(byRoute.get('POST /admin/v1/programs/{programId}/transactions/{transactionId}/void')).toBe('support');
    expect(byRoute.get('POST /admin/v1/users')).toBe('own');
    expect(byRoute.get('GET /admin/v1/audit')).toBe('read');
    expect(ops.filter((o) => o.method === 'GET').every((o) => o.capability === 'read' || o.capability === 'own')).toBe(true);
  });

  it('refuses every route to roles without its capability (403, before the body is read), and lets the others through', async () => {
    for (const op of ops) {
      for (const role of Object.keys(users) as AdminRole[]) {
        const allowed = (CAPABILITIES[op.capability] as readonly string[]).includes(role);
        const res = await users[role].call(op.method as 'GET', urlOf(op.path), op.method === 'GET' ? undefined : {});
        const what = `${role} ${op.method} ${op.path} → ${res.status} ${res.text.slice(0, 120)}`;
        if (allowed) expect(res.status, what).not.toBe(403);
        else {
          expect(res.status, what).toBe(403);
          expect(res.body, what).toMatchObject({ code: 'Forbidden', statusCode: 403 });
        }
      }
    }
  });

  it('read_only reads everything and writes nothing', async () => {
    const ro = users.read_only;
    expect((await ro.call('GET', `/programs/${programId}`)).status).toBe(200);
    expect((await ro.call('GET', `/programs/${programId}/guests/${FARHAN}`)).status).toBe(200);
    expect((await ro.call('GET', `/audit?programId=${programId}`)).status).toBe(200);
    for (const op of ops.filter((o) => o.method !== 'GET')) {
      expect((await ro.call(op.method as 'POST', urlOf(op.path), {})).status, `${op.method} ${op.path}`).toBe(403);
    }
  });

  it('support adjusts points and voids, but cannot touch configuration', async () => {
    const support = users.support;
    expect((await support.call('POST', `/programs/${programId}/guests/${FARHAN}/adjustments`, { points: 10, reason: 'missing points' })).status).toBe(201);
    expect((await support.call('PATCH', `/programs/${programId}`, { earnRateMilli: 1 })).status).toBe(403);
    expect((await support.call('POST', `/programs/${programId}/incentives`, { kind: 'OFFER', name: 'x', vendorConfigs: {} })).status).toBe(403);
    const pm = users.program_manager;
    expect((await pm.call('PATCH', `/programs/${programId}`, { claimWindowDays: 31 })).status).toBe(200);
    expect((await pm.call('POST', `/programs/${programId}/keys`, { vendor: 'ncr', environment: 'production' })).status).toBe(403);
    expect(
      (await pm.call('POST', '/users', { email: 'x@example.com', name: 'x', password: 'long-enough-1', role: 'owner', programIds: [programId] })).status,
    ).toBe(403);
  });

  it('an owner of some programs who creates a program gets to manage it, and only it besides their own', async () => {
    const created = await users.owner.call('POST', '/programs', {
      slug: 'side-project',
      name: 'Side',
      currency: 'USD',
      earnRateMilli: 1000,
      expiry: { kind: 'none' },
    });
    expect(created.status).toBe(201);
    expect((await users.owner.call('GET', `/programs/${created.body.id}`)).status).toBe(200);
    expect((await users.owner.call('GET', '/programs')).body.map((p: { id: string }) => p.id).sort()).toEqual([programId, created.body.id].sort());
    expect((await users.program_manager.call('GET', `/programs/${created.body.id}`)).status).toBe(404);
  });

  it('an owner of some programs cannot grant every program', async () => {
    const res = await users.owner.call('POST', '/users', {
      email: 'wide@example.com',
      name: 'x',
      password: 'long-enough-1',
      role: 'read_only',
      programIds: '*',
    });
    expect(res.status).toBe(403);
    expect(await db.kysely.selectFrom('admin_users').select('id').where('email', '=', 'wide@example.com').executeTakeFirst()).toBeUndefined();
  });
});
