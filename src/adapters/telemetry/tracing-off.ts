import type { FastifyPluginCallback } from 'fastify';
import type { LogEvent } from 'kysely';

/**
 * OpenTelemetry for the server: a span per HTTP request (with Fastify's hooks and handler), per
 * database query on either engine, and per outbound call made with fetch (RJR, webhooks, mailer
 * webhooks). Off unless a collector is configured: then nothing is registered and nothing is paid
 * per request. Trace and span ids go into every log line written inside a span.
 */
export interface Tracing {
  readonly enabled: boolean;
  /** registers the request instrumentation; must come before any route (see buildApp) */
  fastifyPlugin: FastifyPluginCallback | null;
  /** Kysely's `log` option: a span per query, ended with the query's measured duration */
  onQuery: ((event: LogEvent) => void) | null;
  /** pino `mixin`: the active trace and span ids */
  logMixin: (() => Record<string, string>) | null;
  shutdown(): Promise<void>;
}

/** Tracing off: what the server runs with unless a collector is configured, without loading OpenTelemetry (tracing.ts). */
export const TRACING_OFF: Tracing = { enabled: false, fastifyPlugin: null, onQuery: null, logMixin: null, shutdown: async () => {} };
