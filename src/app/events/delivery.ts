import {
  type DeliveryRow,
  type OutboxEventRow,
  type SubscriptionRow,
  activeSubscriptionsOf,
  claimDueDeliveries,
  eventsByIds,
  insertDeliveries,
  settleDelivery,
  subscriptionsByIds,
  takeUndispatchedEvents,
} from '../../adapters/db/repositories/webhook-deliveries.repository.ts';
import { type Tx, inTransaction } from '../../adapters/db/tx.ts';
import { newId } from '../../lib/ids.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { VERSION } from '../../version.ts';
import type { EventEnvelope } from './event-types.ts';
import { signWebhook, WEBHOOK_HEADERS } from './signing.ts';

export interface DeliveryConfig {
  /** attempts before a delivery goes dead (the dead-letter state) */
  maxAttempts: number;
  /** wait after the first failure; doubles per attempt */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** per request */
  timeoutMs: number;
  /** deliveries (and events) taken per round */
  batchSize: number;
  /** how long a claimed delivery stays with its worker before another may take it (> timeoutMs) */
  leaseMs: number;
}

export const DEFAULT_DELIVERY_CONFIG: DeliveryConfig = {
  maxAttempts: 8,
  baseBackoffMs: 30_000,
  maxBackoffMs: 6 * 3600_000,
  timeoutMs: 10_000,
  batchSize: 50,
  leaseMs: 60_000,
};

export interface DeliveryDeps {
  db: Tx;
  secrets: SecretBox;
  clock?: () => Date;
  fetch?: typeof fetch;
  /** [0, 1): spreads retries so that receivers coming back up are not hit all at once */
  random?: () => number;
  config?: Partial<DeliveryConfig>;
}

export interface DeliveryRound {
  /** events fanned out to deliveries */
  dispatched: number;
  delivered: number;
  /** failed attempts that will be retried */
  retrying: number;
  /** deliveries that ran out of attempts */
  dead: number;
}

/**
 * Exponential backoff with ±20 % jitter: base, 2×base, 4×base … capped at `maxBackoffMs`.
 * `attempt` is the number of attempts made so far (1 after the first failure).
 */
export function backoffMs(attempt: number, config: Pick<DeliveryConfig, 'baseBackoffMs' | 'maxBackoffMs'>, random: () => number = Math.random): number {
  const raw = Math.min(config.maxBackoffMs, config.baseBackoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

const matches = (sub: SubscriptionRow, type: string): boolean => {
  const types = JSON.parse(sub.event_types) as string[];
  return types.includes('*') || types.includes(type);
};

/**
 * Delivers outbox events to webhooks, at least once. Each round:
 *
 * 1. **dispatch** — takes undispatched outbox events and creates one delivery per subscribed
 *    webhook (unique per event and webhook, so a repeat creates nothing twice);
 * 2. **deliver** — claims due deliveries with one conditional UPDATE (plus `FOR UPDATE SKIP LOCKED`
 *    where the database has it), which leases them to this worker until `next_attempt_at`; POSTs
 *    each, signed (Standard Webhooks, see signing.ts); records success, or schedules a retry with backoff, or gives up (`dead`).
 *
 * Any number of workers in any number of processes may run rounds at once: a delivery is leased
 * to one claim at a time, and only the holder of the claim token records the outcome. A worker
 * that dies mid-request loses its lease and the delivery is retried: receivers de-duplicate on
 * `webhook-id` (the event id).
 */
export class WebhookDeliverer {
  private readonly db: Tx;
  private readonly clock: () => Date;
  private readonly fetch: typeof fetch;
  private readonly random: () => number;
  readonly config: DeliveryConfig;

  constructor(private readonly deps: DeliveryDeps) {
    this.db = deps.db;
    this.clock = deps.clock ?? (() => new Date());
    this.fetch = deps.fetch ?? globalThis.fetch;
    this.random = deps.random ?? Math.random;
    this.config = { ...DEFAULT_DELIVERY_CONFIG, ...deps.config };
  }

  /** One round: dispatch every pending event, then deliver what is due (one batch). */
  async runOnce(): Promise<DeliveryRound> {
    let dispatched = 0;
    for (let n = await this.dispatch(); n > 0; n = await this.dispatch()) dispatched += n;
    return { dispatched, ...(await this.deliverDue()) };
  }

  /** Fans one batch of undispatched events out to the webhooks subscribed when each happened. */
  async dispatch(): Promise<number> {
    const nowIso = this.clock().toISOString();
    return inTransaction(this.db, async (trx) => {
      const events = await takeUndispatchedEvents(trx, nowIso, this.config.batchSize);
      if (events.length === 0) return 0;
      const programIds = [...new Set(events.map((e) => e.program_id))];
      const subs = await activeSubscriptionsOf(trx, programIds);
      const rows: DeliveryRow[] = [];
      for (const event of events) {
        for (const sub of subs) {
          if (sub.program_id !== event.program_id || sub.created_at > event.created_at || !matches(sub, event.type)) continue;
          rows.push({
            id: newId(),
            program_id: event.program_id,
            webhook_id: sub.id,
            event_id: event.id,
            event_type: event.type,
            status: 'pending',
            attempts: 0,
            next_attempt_at: nowIso,
            claim_token: null,
            last_attempt_at: null,
            last_status_code: null,
            last_error: null,
            delivered_at: null,
            dead_at: null,
            created_at: nowIso,
            updated_at: nowIso,
          });
        }
      }
      await insertDeliveries(trx, rows);
      return events.length;
    });
  }

  /** Claims one batch of due deliveries and attempts each (concurrently). */
  async deliverDue(): Promise<Omit<DeliveryRound, 'dispatched'>> {
    const now = this.clock();
    const nowIso = now.toISOString();
    const token = newId();
    // Leased to this worker (one statement, atomic on both engines); lapsed leases are taken again.
    const claimed = await claimDueDeliveries(this.db, {
      token,
      now: nowIso,
      leaseUntil: new Date(now.getTime() + this.config.leaseMs).toISOString(),
      limit: this.config.batchSize,
    });
    const outcome = { delivered: 0, retrying: 0, dead: 0 };
    if (claimed.length === 0) return outcome;

    const [subs, events] = await Promise.all([
      subscriptionsByIds(this.db, [...new Set(claimed.map((d) => d.webhook_id))]),
      eventsByIds(this.db, [...new Set(claimed.map((d) => d.event_id))]),
    ]);
    const subById = new Map(subs.map((s) => [s.id, s]));
    const eventById = new Map(events.map((e) => [e.id, e]));
    const results = await Promise.all(claimed.map((d) => this.attempt(d, subById.get(d.webhook_id), eventById.get(d.event_id), token)));
    for (const r of results) outcome[r]++;
    return outcome;
  }

  private async attempt(
    d: DeliveryRow,
    sub: SubscriptionRow | undefined,
    event: OutboxEventRow | undefined,
    token: string,
  ): Promise<'delivered' | 'retrying' | 'dead'> {
    if (!sub || !event) return this.fail(d, token, null, 'webhook or event no longer exists', true);
    if (sub.active !== 1) return this.fail(d, token, null, 'webhook is disabled', true);
    if (sub.key_fingerprint !== this.deps.secrets.fingerprint()) {
      return this.fail(d, token, null, 'TILLPOINT_SECRET_KEY changed since this webhook’s secret was issued; rotate the webhook secret', false);
    }
    let secret: string;
    try {
      secret = this.deps.secrets.open(sub.secret_enc);
    } catch {
      return this.fail(d, token, null, 'the webhook secret cannot be opened with this TILLPOINT_SECRET_KEY; rotate the webhook secret', false);
    }
    const envelope: EventEnvelope<unknown> = {
      id: event.id,
      type: event.type,
      programId: event.program_id,
      createdAt: event.created_at,
      data: JSON.parse(event.payload),
    };
    const body = JSON.stringify(envelope);
    try {
      const res = await this.fetch(sub.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': `Tillpoint-Webhooks/${VERSION}`,
          ...signWebhook(secret, event.id, this.clock(), body),
          [WEBHOOK_HEADERS.eventType]: event.type,
          [WEBHOOK_HEADERS.deliveryId]: d.id,
          [WEBHOOK_HEADERS.attempt]: String(d.attempts),
        },
        body,
      });
      const text = await readSome(res);
      if (res.status >= 200 && res.status < 300) return this.succeed(d, token, res.status);
      return this.fail(d, token, res.status, `HTTP ${res.status}${text ? `: ${text}` : ''}`, false);
    } catch (e) {
      const err = e as Error;
      const why =
        err.name === 'TimeoutError'
          ? `no answer within ${this.config.timeoutMs} ms`
          : `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}`;
      return this.fail(d, token, null, why, false);
    }
  }

  private async succeed(d: DeliveryRow, token: string, status: number): Promise<'delivered'> {
    const at = this.clock().toISOString();
    await settleDelivery(this.db, d.id, token, { status: 'delivered', delivered_at: at, last_status_code: status, last_error: null, updated_at: at });
    return 'delivered';
  }

  private async fail(d: DeliveryRow, token: string, status: number | null, error: string, final: boolean): Promise<'retrying' | 'dead'> {
    const now = this.clock();
    const at = now.toISOString();
    const dead = final || d.attempts >= this.config.maxAttempts;
    await settleDelivery(this.db, d.id, token, {
      status: dead ? 'dead' : 'pending',
      next_attempt_at: dead ? at : new Date(now.getTime() + backoffMs(d.attempts, this.config, this.random)).toISOString(),
      dead_at: dead ? at : null,
      last_status_code: status,
      last_error: error.slice(0, 500),
      updated_at: at,
    });
    return dead ? 'dead' : 'retrying';
  }
}

/** The first few hundred characters of an answer, for the delivery log; never the whole body. */
async function readSome(res: Response): Promise<string> {
  try {
    const text = await res.text();
    return text.slice(0, 200).replace(/\s+/g, ' ').trim();
  } catch {
    return '';
  }
}

/**
 * Runs rounds every `intervalMs` until stopped; a round that finds a full batch runs again at once.
 * For `serve`; the cron-style job in src/jobs/ runs single rounds.
 */
export function startDeliveryLoop(deliverer: WebhookDeliverer, opts: { intervalMs?: number; onError?: (e: unknown) => void } = {}): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    running = (async () => {
      try {
        const r = await deliverer.runOnce();
        if (!stopped && r.delivered + r.retrying + r.dead >= deliverer.config.batchSize) return void setImmediate(tick);
      } catch (e) {
        opts.onError?.(e);
      }
      if (!stopped) timer = setTimeout(tick, opts.intervalMs ?? 2_000);
    })();
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
