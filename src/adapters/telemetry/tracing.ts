import { context, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { LogEvent } from 'kysely';
import { type Tracing, TRACING_OFF } from './tracing-off.ts';

export { type Tracing, TRACING_OFF };

export interface TracingOptions {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: the collector's base URL (spans go to `{endpoint}/v1/traces`); unset: tracing off */
  endpoint?: string | null;
  /** `OTEL_SERVICE_NAME` (default `tillpoint`) */
  serviceName?: string;
  version?: string;
  /** tests: spans go here, synchronously, instead of to a collector */
  exporter?: SpanExporter;
}

const NO_IDS: Record<string, string> = {};

export function startTracing(opts: TracingOptions): Tracing {
  if (!opts.exporter && !opts.endpoint) return TRACING_OFF;
  const exporter = opts.exporter ?? new OTLPTraceExporter({ url: `${opts.endpoint!.replace(/\/+$/, '')}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.serviceName ?? 'tillpoint', ...(opts.version ? { 'service.version': opts.version } : {}) }),
    spanProcessors: [opts.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  // The context manager (AsyncLocalStorage) and W3C propagation: outbound calls carry traceparent.
  provider.register();
  const undici = new UndiciInstrumentation();
  const fastifyOtel = new FastifyOtelInstrumentation({ ignorePaths: (r) => r.url === '/healthz' || r.url === '/readyz' || r.url === '/metrics' });
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations: [undici, fastifyOtel] });
  const tracer = provider.getTracer('tillpoint');
  return {
    enabled: true,
    fastifyPlugin: fastifyOtel.plugin(),
    onQuery: (event) => querySpan(tracer, event),
    logMixin: () => {
      const span = trace.getActiveSpan();
      if (!span) return NO_IDS;
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}

/** A finished query as a span of the request (or job) it ran in: its SQL, never its parameters. */
function querySpan(tracer: Tracer, event: LogEvent): void {
  const parent = trace.getSpan(context.active());
  if (!parent) return; // a query outside any traced work (start-up, migrations) makes no lone trace
  const end = Date.now();
  const sql = event.query.sql;
  const span: Span = tracer.startSpan(
    `db ${sql.slice(0, sql.indexOf(' ') > 0 ? sql.indexOf(' ') : sql.length).toLowerCase()}`,
    { kind: SpanKind.CLIENT, startTime: end - event.queryDurationMillis, attributes: { 'db.query.text': sql } },
    context.active(),
  );
  if (event.level === 'error') {
    span.setStatus({ code: SpanStatusCode.ERROR, message: event.error instanceof Error ? event.error.message : String(event.error) });
  }
  span.end(end);
}
