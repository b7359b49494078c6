import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { demoApp } from '../support/fixtures.ts';

describe.each(ENGINES)('operations endpoints on %s', (engine) => {
  let db: TestDb;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await openTestDb(engine);
    ({ app } = await demoApp(db));
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('reports live and ready', async () => {
    expect((await app.inject('/healthz')).json()).toMatchObject({ status: 'ok' });
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready', database: engine });
  });

  it('answers unknown routes with the error envelope', async () => {
    const res = await app.inject('/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NotFound', statusCode: 404 });
  });

  it('echoes a sane x-request-id and makes one up otherwise', async () => {
    expect((await app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } })).headers['x-request-id']).toBe('abc-123');
    expect((await app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } })).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes the request id on refusals and unknown routes too', async () => {
    const unknown = await app.inject({ url: '/nope', headers: { 'x-request-id': 'req-404' } });
    expect([unknown.statusCode, unknown.headers['x-request-id']]).toEqual([404, 'req-404']);
    const refused = await app.inject({ url: '/healthz?x=%00', headers: { 'x-request-id': 'req-400' } });
    expect([refused.statusCode, refused.headers['x-request-id']]).toEqual([400, 'req-400']);
    const unauthenticated = await app.inject({ method: 'POST', url: '/loyalty/identify', payload: {}, headers: { 'x-request-id': 'req-401' } });
    expect([unauthenticated.statusCode, unauthenticated.headers['x-request-id']]).toEqual([401, 'req-401']);
  });

  it('exposes Prometheus metrics with a latency histogram per route', async () => {
    await app.inject('/healthz');
    const text = (await app.inject('/metrics')).body;
    expect(text).toContain('tillpoint_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/healthz",status_code="200"}');
    expect(text).toContain('# TYPE tillpoint_claims_total counter');
  });

  it('documents every route, with its request body and its error answers', async () => {
    const doc = (await app.inject('/openapi.json')).json() as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/loyalty/identify',
      '/loyalty/transaction/pos/validate/{loyaltyTransactionId}',
      '/loyalty/transaction/pos/{loyaltyTransactionId}',
      '/loyalty/transaction/pos',
      '/loyalty/transaction/pos/{loyaltyTransactionId}/void',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!path.startsWith('/loyalty') && !path.startsWith('/admin') && !path.startsWith('/app')) continue;
        expect(
          Object.keys(op.responses).some((s) => s.startsWith('2')),
          `${method} ${path} documents its answer`,
        ).toBe(true);
        expect(
          Object.keys(op.responses).some((s) => s.startsWith('4')),
          `${method} ${path} documents its errors`,
        ).toBe(true);
        if (method === 'post' && path === '/loyalty/identify') expect(op.requestBody).toBeDefined();
      }
    }
    // Swagger UI is registered (asked of the router: printRoutes' tree shape changes with a route at /)
    expect(app.hasRoute({ method: 'GET', url: '/docs' })).toBe(true);
  });
});
