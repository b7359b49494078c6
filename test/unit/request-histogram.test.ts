import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RequestHistogram } from '../../src/adapters/http/request-histogram.ts';

const NAME = 'tillpoint_http_request_duration_seconds';
const HELP = 'HTTP request latency by route';
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56];

describe('the request-latency histogram', () => {
  it('renders exactly what prom-client’s Histogram renders for the same requests', async () => {
    const ours = new Registry();
    const histogram = new RequestHistogram(NAME, HELP, BUCKETS);
    ours.registerMetric(histogram.asMetric());
    const theirs = new Registry();
    const reference = new Histogram({ name: NAME, help: HELP, labelNames: ['method', 'route', 'status_code'] as const, buckets: BUCKETS, registers: [theirs] });

    // on a bound, between bounds, above the last one; several routes, methods and statuses
    const requests: [string, string, number, number][] = [
      ['GET', '/healthz', 200, 0.0004],
      ['GET', '/healthz', 200, 0.001],
      ['GET', '/healthz', 200, 0.0031],
      ['POST', '/loyalty/identify', 200, 0.012],
      ['POST', '/loyalty/identify', 404, 0.0002],
      ['PUT', '/loyalty/transaction/pos/:id', 200, 3.5],
      ['GET', 'unmatched', 404, 0.02],
      ['GET', '/healthz', 200, 0.64],
    ];
    for (const [method, route, status, seconds] of requests) {
      histogram.observe(method, route, status, seconds);
      reference.observe({ method, route, status_code: status }, seconds);
    }
    const rendered = await ours.metrics();
    expect(rendered).toBe(await theirs.metrics());
    expect(rendered).toContain(`${NAME}_bucket{le="0.001",method="GET",route="/healthz",status_code="200"} 2`);
    expect(rendered).toContain(`${NAME}_bucket{le="+Inf",method="GET",route="/healthz",status_code="200"} 4`);
    expect(rendered).toContain(`${NAME}_count{method="PUT",route="/loyalty/transaction/pos/:id",status_code="200"} 1`);

    histogram.reset();
    reference.reset();
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });
});
