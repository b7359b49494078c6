import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/adapters/http/app.ts';
import { Metrics } from '../../src/adapters/http/metrics.ts';
import { createDb, type Db } from '../../src/adapters/db/database.ts';
import { startTracing, type Tracing } from '../../src/adapters/telemetry/tracing.ts';
import { AdminAuthService } from '../../src/app/admin-auth.service.ts';
import { LoyaltyService } from '../../src/app/loyalty.service.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';
import { ANA, PARTNER_KEY, posVendor, saleBody, seededRandom } from '../support/fixtures.ts';
import { appServices } from '../support/services.ts';

/**
 * Issue 13 item 5: with tracing on (an in-memory exporter), each POS call of a sale — identify,
 * validate, PENDING, CLAIMED, generic dialect — is one trace: the HTTP server span is its root, every
 * database query of the call is a span under it, and the call's log line carries the trace id.
 */
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
beforeAll(() => {
  tracing = startTracing({ exporter, serviceName: 'tillpoint-test' });
});
afterAll(async () => {
  await tracing?.shutdown();
});

describe.each(ENGINES)('tracing of the POS calls on %s', (engine) => {
  let testDb: TestDb;
  let db: Db;
  let app: FastifyInstance;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    // a second handle on the same data, with the query spans (as `serve` builds it)
    db = createDb(testDb.url, { log: tracing.onQuery! });
    await seedDemo(db.kysely);
    const clock = () => new Date('2026-11-25T17:00:00Z');
    app = await buildApp({
      ...appServices(db),
      db,
      loyalty: new LoyaltyService({ db, randomIndex: seededRandom(), publicUrl: 'http://tillpoint.test', clock, configTtlMs: 0 }),
      adminAuth: new AdminAuthService(db.kysely, clock),
      metrics: new Metrics(),
      version: 'test',
      logger: { level: 'info', stream: { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) } },
      tracing,
    });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb?.drop();
  });

  let calls = 0;
  /** One call: its answer, and the spans and log lines it produced. */
  const traced = async (method: 'POST' | 'PUT', url: string, payload: object) => {
    exporter.reset();
    lines.length = 0;
    const requestId = `trace-${++calls}`;
    const res = await app.inject({ method, url, headers: { 'x-api-key': PARTNER_KEY, 'x-request-id': requestId }, payload });
    return { res, requestId, spans: exporter.getFinishedSpans(), logs: [...lines] };
  };

  const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
  const assertOneTrace = (call: string, { spans, logs, requestId }: Awaited<ReturnType<typeof traced>>) => {
    const traceIds = new Set(spans.map((s) => s.spanContext().traceId));
    expect(traceIds.size, `${call}: one trace`).toBe(1);
    const [traceId] = [...traceIds];
    const roots = spans.filter((s) => parentOf(s) === undefined);
    expect(roots, `${call}: one root`).toHaveLength(1);
    const root = roots[0]!;
    expect(root.kind, `${call}: the root is the HTTP server span`).toBe(1 /* SpanKind.SERVER */);
    const queries = spans.filter((s) => s.attributes['db.query.text'] !== undefined);
    expect(queries.length, `${call}: its queries are traced`).toBeGreaterThan(0);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    for (const q of queries) {
      // each query span hangs (through Fastify's handler span) from the request's root span
      let up: ReadableSpan | undefined = q;
      while (up && parentOf(up) !== undefined) up = byId.get(parentOf(up)!);
      expect(up, `${call}: ${String(q.attributes['db.query.text'])} under the request`).toBe(root);
    }
    const line = logs.find((l) => l.msg === 'request completed');
    expect(line, `${call}: the request's log line`).toMatchObject({ reqId: requestId, trace_id: traceId });
  };

  it('makes one trace per call, the HTTP span as root with the call’s database spans under it, the trace id in its log line', async () => {
    const identify = await traced('POST', '/loyalty/identify', { identifier: ANA, posVendor: posVendor('T-1') });
    expect(identify.res.statusCode).toBe(200);
    const txn = identify.res.json<{ transactionId: string }>().transactionId;
    assertOneTrace('identify', identify);

    const body = saleBody('T-1', [{ price: '10.00' }]);
    const validate = await traced('POST', `/loyalty/transaction/pos/validate/${txn}`, body);
    expect(validate.res.statusCode).toBe(200);
    const pending = await traced('PUT', `/loyalty/transaction/pos/${txn}`, { ...body, status: 'PENDING' });
    expect(pending.res.statusCode).toBe(200);
    const claimed = await traced('PUT', `/loyalty/transaction/pos/${txn}`, body);
    expect(claimed.res.statusCode).toBe(200);
    assertOneTrace('validate', validate);
    assertOneTrace('PENDING', pending);
    assertOneTrace('CLAIMED', claimed);
    // CLAIMED writes the sale: a write is among its spans (PostgreSQL's is one statement with a CTE)
    expect(claimed.spans.some((s) => /\b(insert|update)\b/i.test(String(s.attributes['db.query.text'] ?? '')))).toBe(true);
    // four calls, four traces
    const all = [identify, validate, pending, claimed].map((c) => c.spans[0]!.spanContext().traceId);
    expect(new Set(all).size).toBe(4);
  });
});
