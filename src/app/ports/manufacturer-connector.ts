import type { Manufacturer, Promotion, RejectedRecord } from '../../domain/promotions/promotion.ts';

/**
 * What the sync use case needs from a manufacturer's promotions API, whoever the manufacturer is.
 * Adapters (RJR …) implement it; vendor field names, URLs and retry rules stay inside them.
 */

/** How a location is enrolled with a manufacturer, secrets already decrypted. */
export type ManufacturerEnrollment =
  /** The store enrolled itself as a single store; Tillpoint calls with its provider credentials. */
  | { mode: 'single_store'; outletId: string }
  /** A chain's own API credentials; every location of the chain has its own outlet id. */
  | { mode: 'chain'; accountNumber: string; clientId: string; clientSecret: string };

export interface PageProgress {
  /** 1-based page just read */
  page: number;
  totalPages: number;
  /** records of that page kept and rejected */
  promotions: number;
  rejected: number;
}

export interface FetchPromotionsOptions {
  /** called after each page is read and validated */
  onPage?: (progress: PageProgress) => void;
  /** aborts the fetch between and during requests */
  signal?: AbortSignal;
}

export interface FetchPromotionsResult {
  /** every valid record of every page, in feed order, ids unique */
  promotions: Promotion[];
  /** records that could not be read, each with its reason */
  rejected: RejectedRecord[];
  pages: number;
}

export interface ManufacturerConnector {
  readonly manufacturer: Manufacturer;
  /**
   * All promotions for one outlet as of a store-local date (YYYY-MM-DD). Resolves only when every
   * page was read whole; otherwise rejects with a {@link ConnectorError}.
   * @example
   * const { promotions, rejected } = await rjr.fetchPromotions(enrollment, '7000001', '2026-12-01', { onPage });
   */
  fetchPromotions(enrollment: ManufacturerEnrollment, outletId: string, asOf: string, opts?: FetchPromotionsOptions): Promise<FetchPromotionsResult>;
}

/**
 * Why a fetch failed, stable for storage in a sync-run record:
 * - `enrollment_broken`: the manufacturer refuses this outlet (403); fix the enrollment, don't retry.
 * - `auth_failed`: client credentials or tokens rejected.
 * - `unavailable`: 5xx, timeouts, network errors or rate limiting beyond the retry budget; try later.
 * - `malformed_response`: a page or token answer that cannot be read; the run fails whole.
 * - `request_rejected`: any other 4xx.
 * - `invalid_request`: Tillpoint's own arguments are wrong (bad date, outlet of another enrollment).
 * - `aborted`: the caller's signal fired.
 */
export type ConnectorErrorCode =
  | 'enrollment_broken'
  | 'auth_failed'
  | 'unavailable'
  | 'malformed_response'
  | 'request_rejected'
  | 'invalid_request'
  | 'aborted';

/** A failed fetch. Messages never contain secrets or tokens. */
export class ConnectorError extends Error {
  constructor(
    readonly code: ConnectorErrorCode,
    readonly manufacturer: Manufacturer,
    message: string,
    readonly details: { status?: number; attempts?: number; outletId?: string; page?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectorError';
  }

  /** Whether running again later may succeed without anyone changing anything. */
  get retryable(): boolean {
    return this.code === 'unavailable' || this.code === 'malformed_response';
  }
}

/** The manufacturer no longer accepts this outlet for this provider; `reason` is theirs, for the operator. */
export class EnrollmentBroken extends ConnectorError {
  constructor(
    manufacturer: Manufacturer,
    readonly reason: string,
    details: { status?: number; outletId?: string } = {},
  ) {
    super('enrollment_broken', manufacturer, `enrollment broken: ${reason}`, details);
    this.name = 'EnrollmentBroken';
  }
}
