import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { LoyaltyObserver } from '../../app/loyalty.service.ts';
import type { JobObserver } from '../../jobs/job.ts';
import { RequestHistogram } from './request-histogram.ts';

/** Prometheus metrics: request latency per route, and the loyalty figures an operator watches. */
export class Metrics {
  readonly registry = new Registry();
  /** counted per request by Tillpoint, rendered by prom-client at scrape (request-histogram.ts) */
  readonly requestDuration = new RequestHistogram(
    'tillpoint_http_request_duration_seconds',
    'HTTP request latency by route',
    [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56],
  );
  readonly claims = new Counter({ name: 'tillpoint_claims_total', help: 'CLAIMED sales', labelNames: ['program'] as const, registers: [this.registry] });
  readonly voids = new Counter({
    name: 'tillpoint_voids_total',
    help: 'Voided loyalty transactions',
    labelNames: ['program'] as const,
    registers: [this.registry],
  });
  readonly pointsEarned = new Counter({
    name: 'tillpoint_points_earned_total',
    help: 'Points earned at CLAIMED',
    labelNames: ['program'] as const,
    registers: [this.registry],
  });
  readonly pointsRedeemed = new Counter({
    name: 'tillpoint_points_redeemed_total',
    help: 'Points redeemed at CLAIMED',
    labelNames: ['program'] as const,
    registers: [this.registry],
  });

  readonly jobRuns = new Counter({
    name: 'tillpoint_job_runs_total',
    help: 'Scheduled job ticks and queued jobs run by this process',
    labelNames: ['job', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'tillpoint_job_duration_seconds',
    help: 'Duration of scheduled job ticks and queued jobs',
    labelNames: ['job'] as const,
    buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [this.registry],
  });
  readonly promotionSyncs = new Counter({
    name: 'tillpoint_promotion_sync_runs_total',
    help: 'Scheduled manufacturer promotion syncs by sync-run status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly pointsExpired = new Counter({
    name: 'tillpoint_points_expired_total',
    help: 'Points expired by the expiry job',
    labelNames: ['program'] as const,
    registers: [this.registry],
  });

  constructor() {
    this.registry.registerMetric(this.requestDuration.asMetric());
    collectDefaultMetrics({ register: this.registry, prefix: 'tillpoint_' });
  }

  observer(): LoyaltyObserver {
    return {
      claimed: (program, earned, redeemed) => {
        this.claims.inc({ program });
        if (earned) this.pointsEarned.inc({ program }, earned);
        if (redeemed) this.pointsRedeemed.inc({ program }, redeemed);
      },
      voided: (program) => this.voids.inc({ program }),
    };
  }

  jobObserver(): JobObserver {
    return {
      jobRun: (job, outcome, seconds) => {
        this.jobRuns.inc({ job, outcome });
        this.jobDuration.observe({ job }, seconds);
      },
      syncRun: (status) => this.promotionSyncs.inc({ status }),
      pointsExpired: (program, points) => {
        if (points) this.pointsExpired.inc({ program }, points);
      },
    };
  }

  /** One answered request, for the latency histogram (called from the app's onResponse hook). */
  observeRequest(method: string, route: string | undefined, statusCode: number, elapsedMs: number): void {
    this.requestDuration.observe(method, route ?? 'unmatched', statusCode, elapsedMs / 1000);
  }
}
