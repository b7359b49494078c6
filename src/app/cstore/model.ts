import type { BatchState } from '../../domain/batch-state.ts';
import type { ChangeStatus } from '../../domain/change-status.ts';
import type { IntegrationStatus } from '../../domain/integration-status.ts';
import type { PosSystem } from '../../domain/pos-system.ts';
import type { RegisterIdMode } from '../../domain/register-id-mode.ts';
import type { SyncRunStatus } from '../../domain/sync-run-status.ts';
import type { ChangeKind, Manufacturer, Promotion, RejectedRecord } from '../../domain/promotions/promotion.ts';

/** The c-store side of a program, as the use cases and the admin API speak it. */

export const POS_SYSTEMS: readonly PosSystem[] = ['passport', 'commander', 'radiant', 'other'];
export const INTEGRATION_STATUSES: readonly IntegrationStatus[] = ['off', 'pilot', 'live'];
export const LICENSE_TERMS = ['1m', '1y'] as const;
export type LicenseTerm = (typeof LICENSE_TERMS)[number];
export type { BatchState, ChangeStatus, IntegrationStatus, PosSystem, RegisterIdMode, SyncRunStatus };
export const REGISTER_ID_MODES: readonly RegisterIdMode[] = ['manufacturer', 'numeric'];

export interface Location {
  id: string;
  programId: string;
  name: string;
  address: string;
  timeZone: string;
  posSystem: PosSystem;
  /** manufacturer → outlet id at that manufacturer */
  outletIds: Partial<Record<Manufacturer, string>>;
  autoAccept: boolean;
  integrationStatus: IntegrationStatus;
  /** store-local HH:MM of the daily sync, null = deployment default */
  syncTime: string | null;
  outboxDir: string | null;
  /** why the manufacturer refused this outlet; null when fine */
  enrollmentError: string | null;
  /** first characters of the POS agent token, to tell tokens apart; null when none issued */
  agentTokenPrefix: string | null;
  /** the store number the register knows itself by (NAXML StoreLocationID); null = the location id */
  registerStoreId: string | null;
  /** how the register files promotions: the manufacturer's ids, or numbers from `registerIdStart` up */
  registerIds: RegisterIdMode;
  registerIdStart: number;
  /** the Loyalty-API store (its id) whose POS keys report this location's sales; null = not linked */
  storeId: string | null;
  createdAt: string;
  updatedAt: string;
}

export type LicenseState = 'unassigned' | 'scheduled' | 'active' | 'expired';

export interface License {
  id: string;
  programId: string;
  term: LicenseTerm;
  boughtAt: string;
  locationId: string | null;
  assignedAt: string | null;
  startsAt: string | null;
  expiresAt: string | null;
  state: LicenseState;
}

/** The enrollment as anyone may see it: credentials masked (`••••1234`), never in clear. */
export interface EnrollmentView {
  programId: string;
  manufacturer: Manufacturer;
  mode: 'single' | 'chain';
  outletId: string | null;
  outletName: string | null;
  email: string | null;
  accountNumber: string | null;
  clientId: string | null;
  clientSecret: string | null;
  baseUrl: string | null;
  status: 'ok' | 'broken';
  statusReason: string | null;
  updatedAt: string;
}

/** What a sync run did: feed pages read and changes written. */
export interface SyncCounts {
  pages: number;
  added: number;
  modified: number;
  ended: number;
  rejected: number;
  /** pending changes the feed overtook and withdrew */
  superseded: number;
}

export interface SyncRun extends SyncCounts {
  id: string;
  programId: string;
  locationId: string;
  manufacturer: Manufacturer;
  trigger: 'schedule' | 'api' | 'cli';
  asOf: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  status: SyncRunStatus;
  errorCode: string | null;
  error: string | null;
  batchId: string | null;
}

export interface SyncRunDetail extends SyncRun {
  rejectedRecords: RejectedRecord[];
}

export interface Change {
  id: string;
  locationId: string;
  manufacturer: Manufacturer;
  externalId: string;
  kind: ChangeKind;
  before: Promotion | null;
  after: Promotion | null;
  /** register fields that differ between before and after (modify only) */
  changedFields: string[];
  status: ChangeStatus;
  reason: string | null;
  syncRunId: string;
  batchId: string | null;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

export interface Batch {
  id: string;
  programId: string;
  locationId: string;
  seq: number;
  acceptedBy: string;
  acceptedByName: string;
  acceptedAt: string;
  state: BatchState;
  format: 'naxml' | 'json';
  filename: string;
  changeCount: number;
  summary: { add: number; modify: number; end: number };
  deliveredAt: string | null;
  deliveryCount: number;
  acknowledgedAt: string | null;
  ackMessage: string | null;
  outboxPath: string | null;
  updatedAt: string;
}

export interface RegisterEntry {
  promotion: Promotion;
  batchId: string;
  acceptedAt: string;
}

/** Who did it (an admin, the CLI, the scheduler or the auto-accept rule): the one `Actor` of src/app/model.ts. */
export type { Actor } from '../model.ts';

/** What `registerView` needs from one location's batches: counts per state and the newest ones. */
export interface BatchTally {
  /** batches per state */
  counts: Partial<Record<'ready' | 'delivered' | 'acknowledged' | 'failed', number>>;
  lastSeq: number | null;
  /** the newest acknowledged batch */
  lastApplied: { seq: number; at: string | null } | null;
}

export interface LastSyncView {
  runId: string;
  status: 'succeeded' | 'failed' | 'skipped';
  asOf: string;
  finishedAt: string;
  /** feed records rejected by the newest run: their promotions were left as they are */
  rejected: number;
  errorCode: string | null;
  error: string | null;
}
