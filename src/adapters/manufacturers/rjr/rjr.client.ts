import { createHash } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { ConnectorError, EnrollmentBroken, type FetchPromotionsOptions, type FetchPromotionsResult } from '../../../app/ports/manufacturer-connector.ts';
import type { Logger } from '../../../app/ports/logger.ts';
import type { Promotion, RejectedRecord } from '../../../domain/promotions/promotion.ts';
import { RJR, isCalendarDate, mapRecord, promotionsQuery, readErrorReason, readPage, readToken, type FeedPage } from './rjr.mapping.ts';

/**
 * Client for the R.J. Reynolds Discount API (contract: docs/rjr-simulator.md). OAuth2 client
 * credentials (the request written by oauth4webapi) with a token cache, every page of an outlet's promotions, bounded retries.
 *
 * Retry rules: 429 waits `Retry-After` (seconds or HTTP date); 5xx, timeouts and network errors
 * wait a jittered exponential backoff; both spend the same budget of `maxRetries`. A 401 drops the
 * cached token and retries once with a fresh one. A 403 on an outlet means the manufacturer refuses
 * it for these credentials: the enrollment is broken, never retried. A page that is not whole JSON
 * fails the fetch.
 */

export type RjrCredentials =
  /** a chain's own API credentials; its account number goes with every call */
  | { kind: 'chain'; accountNumber: string; clientId: string; clientSecret: string }
  /** a store enrolled as single store: Tillpoint's provider credentials, for that outlet only */
  | { kind: 'single_store'; outletId: string; clientId: string; clientSecret: string };

/** The part of the one {@link Logger} the client uses; a pino logger fits. Never given secrets or tokens. */
export type RjrLogger = Pick<Logger, 'debug' | 'warn'>;

export interface RjrClientConfig {
  /** e.g. https://api.rjrengage.example or the simulator's URL; no trailing path needed */
  baseUrl: string;
  /** per request, headers and body included. Default 10 000. */
  timeoutMs?: number;
  /** retries after the first attempt, per request. Default 3. */
  maxRetries?: number;
  /** first backoff; doubles per retry, jittered between half and all of it. Default 500. */
  backoffBaseMs?: number;
  /** backoff ceiling. Default 30 000. */
  backoffMaxMs?: number;
  /** a Retry-After longer than this fails the fetch instead of waiting. Default 120 000. */
  maxRetryAfterMs?: number;
  /** records per page asked for. Default 100. */
  pageSize?: number;
  /** a feed claiming more pages is malformed. Default 1 000. */
  maxPages?: number;
  /** 0 ≤ x < 1, for jitter. Default Math.random. */
  random?: () => number;
  /** waits between retries; tests inject one that records and returns at once */
  sleep?: (ms: number) => Promise<void>;
  /** default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** epoch ms, for token expiry and HTTP-date Retry-After. Default Date.now. */
  now?: () => number;
  logger?: RjrLogger;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A `Retry-After` header as milliseconds to wait from `nowMs`: delta-seconds or an HTTP date.
 * Null when absent or unreadable.
 * @example parseRetryAfter('3', 0) === 3000
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

interface Exchange {
  status: number;
  headers: Headers;
  text: string;
}

/** A failure worth retrying: timeout or network. */
class Transient extends Error {}

interface CallContext {
  what: string;
  outletId?: string;
  page?: number;
}

export class RjrClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetchFn: typeof globalThis.fetch;
  private readonly now: () => number;
  private readonly log: RjrLogger | undefined;
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly authServer: oauth.AuthorizationServer;

  constructor(config: RjrClientConfig) {
    let base: URL;
    try {
      base = new URL(config.baseUrl);
    } catch {
      throw new RangeError(`RJR base URL "${config.baseUrl}" is not a URL`);
    }
    this.baseUrl = base.toString().replace(/\/+$/, '');
    this.timeoutMs = config.timeoutMs ?? 10_000;
    this.maxRetries = config.maxRetries ?? 3;
    this.backoffBaseMs = config.backoffBaseMs ?? 500;
    this.backoffMaxMs = config.backoffMaxMs ?? 30_000;
    this.maxRetryAfterMs = config.maxRetryAfterMs ?? 120_000;
    this.pageSize = config.pageSize ?? 100;
    this.maxPages = config.maxPages ?? 1_000;
    this.random = config.random ?? Math.random;
    this.sleep = config.sleep ?? realSleep;
    this.fetchFn = config.fetch ?? globalThis.fetch;
    this.now = config.now ?? Date.now;
    this.log = config.logger;
    this.authServer = { issuer: this.baseUrl, token_endpoint: `${this.baseUrl}${RJR.tokenPath}` };
  }

  /**
   * Every promotion of one outlet as of `asOf` (store-local YYYY-MM-DD), all pages, validated.
   * Rejects with a ConnectorError (EnrollmentBroken for 403) unless every page was read whole.
   * @example
   * const { promotions, rejected, pages } = await client.fetchPromotions(
   *   { kind: 'chain', accountNumber: '700001', clientId, clientSecret }, '7000001', '2026-12-01');
   */
  async fetchPromotions(credentials: RjrCredentials, outletId: string, asOf: string, opts: FetchPromotionsOptions = {}): Promise<FetchPromotionsResult> {
    if (!isCalendarDate(asOf)) throw new ConnectorError('invalid_request', 'rjr', `asOf "${asOf}" is not a date YYYY-MM-DD`);
    if (typeof outletId !== 'string' || outletId.trim() === '' || outletId.length > 64)
      throw new ConnectorError('invalid_request', 'rjr', 'outlet id is empty or too long');
    if (credentials.kind === 'single_store' && credentials.outletId !== outletId) {
      throw new ConnectorError('invalid_request', 'rjr', `a single-store enrollment covers outlet ${credentials.outletId} only, not ${outletId}`, { outletId });
    }
    const promotions: Promotion[] = [];
    const rejected: RejectedRecord[] = [];
    const seenOnPage = new Map<string, number>();
    let totalPages = 1;
    let firstTotal = 0;
    let page = 1;
    for (; page <= totalPages; page++) {
      this.checkAborted(opts.signal);
      const body = await this.fetchPage(credentials, outletId, asOf, page, opts.signal);
      const malformed = (why: string) =>
        new ConnectorError('malformed_response', 'rjr', `RJR promotions page ${page} for outlet ${outletId}: ${why}`, { outletId, page });
      if (body.page !== page) throw malformed(`answered page ${body.page} instead`);
      if (page === 1) {
        firstTotal = body.totalPages;
        if (firstTotal > this.maxPages) throw malformed(`claims ${firstTotal} pages, more than the limit of ${this.maxPages}`);
        totalPages = Math.max(1, firstTotal);
      } else if (body.totalPages !== firstTotal) {
        throw malformed(`totalPages changed from ${firstTotal} to ${body.totalPages} while paging; the feed changed during the run`);
      }
      let kept = 0;
      let bad = 0;
      for (const raw of body.records) {
        const r = mapRecord(raw);
        if ('rejected' in r) {
          rejected.push(r.rejected);
          bad++;
          continue;
        }
        const seen = seenOnPage.get(r.ok.externalId);
        if (seen !== undefined) {
          rejected.push({ externalId: r.ok.externalId, reason: `duplicate promotionId, already on page ${seen}`, raw });
          bad++;
          continue;
        }
        seenOnPage.set(r.ok.externalId, page);
        promotions.push(r.ok);
        kept++;
      }
      this.log?.debug({ outletId, page, totalPages, kept, rejected: bad }, 'rjr promotions page read');
      opts.onPage?.({ page, totalPages, promotions: kept, rejected: bad });
    }
    return { promotions, rejected, pages: page - 1 };
  }

  /** Forgets every cached token (e.g. after credentials were rotated). */
  clearTokens(): void {
    this.tokens.clear();
  }

  private async fetchPage(credentials: RjrCredentials, outletId: string, asOf: string, page: number, signal?: AbortSignal): Promise<FeedPage> {
    const ctx: CallContext = { what: `RJR promotions page ${page} for outlet ${outletId}`, outletId, page };
    const url = `${this.baseUrl}${RJR.promotionsPath(outletId)}?${promotionsQuery(asOf, page, this.pageSize)}`;
    let refreshed = false;
    for (;;) {
      const token = await this.accessToken(credentials);
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
      if (credentials.kind === 'chain') headers[RJR.accountHeader] = credentials.accountNumber;
      const res = await this.withRetries(ctx, () => this.exchange(url, { method: 'GET', headers }, signal), signal);
      if (res.status === 401) {
        this.forgetToken(credentials, token);
        if (refreshed)
          throw new ConnectorError('auth_failed', 'rjr', `${ctx.what}: the API refused a freshly issued token (HTTP 401)`, { status: 401, outletId, page });
        refreshed = true;
        this.log?.debug({ outletId, page }, 'rjr token refused, refreshing once');
        continue;
      }
      if (res.status === 403) {
        const reason = this.redact(readErrorReason(safeJson(res.text)) ?? 'outlet is not authorized for this provider', credentials);
        throw new EnrollmentBroken('rjr', `outlet ${outletId}: ${reason} (HTTP ${res.status})`, { status: res.status, outletId });
      }
      if (res.status < 200 || res.status >= 300) throw this.rejectedRequest(ctx, res, credentials);
      let json: unknown;
      try {
        json = JSON.parse(res.text);
      } catch {
        throw new ConnectorError(
          'malformed_response',
          'rjr',
          `${ctx.what}: the answer is not valid JSON (${res.text.length} bytes); the run fails rather than keep part of the feed`,
          { outletId, page, status: res.status },
        );
      }
      const read = readPage(json);
      if ('malformed' in read) throw new ConnectorError('malformed_response', 'rjr', `${ctx.what}: ${read.malformed}`, { outletId, page, status: res.status });
      return read;
    }
  }

  private tokenKey(c: RjrCredentials): string {
    return `${c.clientId}\u0000${createHash('sha256').update(c.clientSecret).digest('hex')}`;
  }

  private forgetToken(c: RjrCredentials, token: string): void {
    const key = this.tokenKey(c);
    if (this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }

  /** A cached token, or one new token shared by every caller waiting for it. */
  private accessToken(c: RjrCredentials): Promise<string> {
    const key = this.tokenKey(c);
    const hit = this.tokens.get(key);
    if (hit && hit.expiresAt > this.now()) return Promise.resolve(hit.token);
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.requestToken(c, key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async requestToken(c: RjrCredentials, key: string): Promise<string> {
    const ctx: CallContext = { what: 'RJR token request' };
    // oauth4webapi writes the client-credentials request (grant_type, client_id and client_secret in
    // the form body); it goes out through the same timeout and retries as every other call. The
    // answer is read below with the contract's schema, as lenient as the API has been seen to be.
    let answer: Exchange | undefined;
    const options: oauth.TokenEndpointRequestOptions = {
      [oauth.allowInsecureRequests]: this.baseUrl.startsWith('http:'),
      [oauth.customFetch]: async (url, init) => {
        answer = await this.withRetries(ctx, () =>
          this.exchange(url, { method: init.method, headers: init.headers, body: init.body, redirect: init.redirect }),
        );
        // the answer was read whole inside the timeout; what oauth4webapi gets back is not looked at
        return new Response(null, { status: 204 });
      },
    };
    try {
      await oauth.clientCredentialsGrantRequest(
        this.authServer,
        { client_id: c.clientId },
        oauth.ClientSecretPost(c.clientSecret),
        new URLSearchParams(),
        options,
      );
    } catch (e) {
      if (e instanceof ConnectorError) throw e;
      // e.g. an empty client id or secret, refused before any call; the message names no value
      throw new ConnectorError('auth_failed', 'rjr', `RJR client credentials are unusable (${e instanceof Error ? e.message : String(e)})`);
    }
    const res = answer!;
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      const reason = this.redact(readErrorReason(safeJson(res.text)) ?? 'invalid client', c);
      throw new ConnectorError('auth_failed', 'rjr', `RJR refused the client credentials (HTTP ${res.status}: ${reason})`, { status: res.status });
    }
    if (res.status < 200 || res.status >= 300) throw this.rejectedRequest(ctx, res, c);
    const read = readToken(safeJson(res.text));
    if ('malformed' in read) throw new ConnectorError('malformed_response', 'rjr', `RJR token answer: ${read.malformed}`, { status: res.status });
    const lifetime = read.expiresInSeconds * 1000;
    // Renew a little early so a token never expires between the check and the call.
    const expiresAt = this.now() + lifetime - Math.min(60_000, lifetime / 10);
    this.tokens.set(key, { token: read.accessToken, expiresAt });
    this.log?.debug({ expiresInSeconds: read.expiresInSeconds }, 'rjr token issued');
    return read.accessToken;
  }

  private rejectedRequest(ctx: CallContext, res: Exchange, c: RjrCredentials): ConnectorError {
    const reason = this.redact(readErrorReason(safeJson(res.text)) ?? 'no reason given', c);
    return new ConnectorError('request_rejected', 'rjr', `${ctx.what}: HTTP ${res.status} (${reason})`, {
      status: res.status,
      outletId: ctx.outletId,
      page: ctx.page,
    });
  }

  /** One HTTP exchange within the timeout; the body is read inside it too. */
  private async exchange(url: string, init: RequestInit, signal?: AbortSignal): Promise<Exchange> {
    this.checkAborted(signal);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.fetchFn(url, { ...init, signal: controller.signal });
      const text = await res.text();
      return { status: res.status, headers: res.headers, text };
    } catch (e) {
      if (timedOut) throw new Transient(`no answer within ${this.timeoutMs} ms`);
      this.checkAborted(signal);
      const cause = e instanceof Error ? ((e.cause as { code?: string } | undefined)?.code ?? e.message) : String(e);
      throw new Transient(`network error (${cause})`);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async withRetries(ctx: CallContext, once: () => Promise<Exchange>, signal?: AbortSignal): Promise<Exchange> {
    for (let attempt = 1; ; attempt++) {
      let failure: string;
      let status: number | undefined;
      let wait: number | null = null;
      try {
        const res = await once();
        if (res.status === 429) {
          status = 429;
          wait = parseRetryAfter(res.headers.get('retry-after'), this.now());
          if (wait !== null && wait > this.maxRetryAfterMs) {
            throw new ConnectorError(
              'unavailable',
              'rjr',
              `${ctx.what}: rate limited, Retry-After ${Math.ceil(wait / 1000)} s is longer than ${this.maxRetryAfterMs / 1000} s`,
              { status, attempts: attempt, outletId: ctx.outletId, page: ctx.page },
            );
          }
          failure = 'HTTP 429 rate limited';
        } else if (res.status >= 500) {
          status = res.status;
          failure = `HTTP ${res.status}`;
        } else {
          return res;
        }
      } catch (e) {
        if (!(e instanceof Transient)) throw e;
        failure = e.message;
      }
      if (attempt > this.maxRetries) {
        throw new ConnectorError('unavailable', 'rjr', `${ctx.what} failed after ${attempt} attempts: ${failure}`, {
          status,
          attempts: attempt,
          outletId: ctx.outletId,
          page: ctx.page,
        });
      }
      const delay = wait ?? this.backoff(attempt);
      this.log?.warn({ outletId: ctx.outletId, page: ctx.page, attempt, failure, delayMs: delay }, 'rjr request failed, retrying');
      await this.sleep(delay);
      this.checkAborted(signal);
    }
  }

  /** Exponential, jittered between half and all of the step so retries of many outlets spread out. */
  private backoff(attempt: number): number {
    const step = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + this.random() * (step / 2));
  }

  private checkAborted(signal?: AbortSignal): void {
    if (signal?.aborted) throw new ConnectorError('aborted', 'rjr', 'RJR fetch aborted');
  }

  /** Manufacturer text can echo what it was sent; never let the secret through. */
  private redact(text: string, c: RjrCredentials): string {
    let out = text;
    for (const s of [c.clientSecret, encodeURIComponent(c.clientSecret)]) {
      if (s.length >= 4) out = out.split(s).join('***');
    }
    for (const { token } of this.tokens.values()) out = out.split(token).join('***');
    return out;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
