import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerToken } from './headers.ts';
import type { Metrics } from './metrics.ts';

/**
 * Who may read /metrics. The figures are not secrets, but they tell an outsider the programs'
 * ids and their sales volume (the `program` labels), so a deployment can require a bearer token
 * (`TILLPOINT_METRICS_TOKEN`) and/or serve them on a port of their own that only the monitoring
 * network reaches (`TILLPOINT_METRICS_PORT`).
 */
export interface MetricsAccess {
  /** required as `Authorization: Bearer <token>`; null: open */
  token: string | null;
  /** false: not on the API's port (a separate metrics listener serves them) */
  onMainPort: boolean;
}

export const OPEN_METRICS: MetricsAccess = { token: null, onMainPort: true };

const digest = (text: string) => createHash('sha256').update(text).digest();

/** True when the request carries the token (compared in constant time), or no token is required. */
export function metricsAuthorized(token: string | null, authorization: string | string[] | undefined): boolean {
  if (token === null) return true;
  const presented = bearerToken(authorization);
  return presented !== null && timingSafeEqual(digest(presented), digest(token));
}

export const METRICS_CHALLENGE = 'Bearer realm="tillpoint-metrics"';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** A listener that serves GET /metrics only (with the same token check), for a separate port. */
export async function startMetricsServer(metrics: Metrics, opts: { host: string; port: number; token: string | null }): Promise<MetricsServer> {
  const answer = async (req: IncomingMessage): Promise<{ status: number; type: string; body: string; headers?: Record<string, string> }> => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD'))
      return { status: 404, type: 'text/plain', body: 'Not found: this port serves GET /metrics\n' };
    if (!metricsAuthorized(opts.token, req.headers.authorization))
      return { status: 401, type: 'text/plain', body: 'Unauthorized\n', headers: { 'www-authenticate': METRICS_CHALLENGE } };
    return { status: 200, type: metrics.registry.contentType, body: await metrics.registry.metrics() };
  };
  const server: Server = createServer((req, res) => {
    answer(req).then(
      (a) => {
        res.writeHead(a.status, { 'content-type': a.type, ...a.headers });
        res.end(req.method === 'HEAD' ? undefined : a.body);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
