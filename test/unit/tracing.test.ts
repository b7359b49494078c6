import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/adapters/db/database.ts';
import { startTracing, type Tracing, TRACING_OFF } from '../../src/adapters/telemetry/tracing.ts';

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let db: Db;
  let app: FastifyInstance;
  let upstream: Server;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    tracing = startTracing({ exporter, serviceName: 'tillpoint-test' });
    db = createDb('sqlite::memory:', { log: tracing.onQuery! });
    upstream = createServer((req, res) => res.end(JSON.stringify({ traceparent: req.headers.traceparent ?? null })));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
    app = Fastify({
      logger: { level: 'info', mixin: tracing.logMixin!, stream: { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) } },
    });
    await app.register(tracing.fastifyPlugin!);
    app.get('/work', async (request) => {
      await sql`select 1 as one`.execute(db.kysely);
      await sql`select 2 as two`.execute(db.kysely);
      request.log.info('working');
      return (await fetch(upstreamUrl)).json();
    });
    app.get('/healthz', async () => ({ ok: true }));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    upstream?.close();
    await tracing?.shutdown();
  });

  it('is off, and costs nothing, without a collector', () => {
    expect(startTracing({ endpoint: null })).toBe(TRACING_OFF);
  });

  it('makes one trace per request with its queries and outbound calls, and puts its ids in the log', async () => {
    exporter.reset();
    const res = await app.inject({ method: 'GET', url: '/work' });
    expect(res.statusCode).toBe(200);
    const spans = exporter.getFinishedSpans();
    const traces = new Set(spans.map((s) => s.spanContext().traceId));
    expect(traces.size).toBe(1);
    const [traceId] = [...traces];
    const queries = spans.filter((s) => s.attributes['db.query.text']);
    expect(queries.map((s) => s.attributes['db.query.text'])).toEqual(['select 1 as one', 'select 2 as two']);
    expect(spans.some((s) => s.name.startsWith('GET') && s.attributes['url.full'])).toBe(true);
    // the outbound call carried the trace to the service it called
    expect((res.json() as { traceparent: string }).traceparent).toContain(traceId);
    expect(lines.find((l) => l.msg === 'working')).toMatchObject({ trace_id: traceId });
  });

  it('leaves health checks untraced', async () => {
    exporter.reset();
    await app.inject({ method: 'GET', url: '/healthz' });
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
