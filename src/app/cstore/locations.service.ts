import { randomBytes } from 'node:crypto';
import { findProgram } from '../../adapters/db/repositories/config.repository.ts';
import { currentLicense, findLocationRow, licenseState, toLicense, toLocation } from '../../adapters/db/repositories/cstore.repository.ts';
import {
  type LocationChanges,
  type LocationRow,
  insertLocation,
  locationByAgentTokenHash,
  locationsOfProgram,
  locationOfStore,
  updateLocations,
} from '../../adapters/db/repositories/locations.repository.ts';
import { findStoreRecord } from '../../adapters/db/repositories/stores.repository.ts';
import { findEnrollment, setEnrollmentStatus } from '../../adapters/db/repositories/manufacturer-enrollments.repository.ts';
import { writeAudit } from '../../adapters/db/repositories/outbox.repository.ts';
import { pendingCount, pendingCountsOfProgram } from '../../adapters/db/repositories/promotion-changes.repository.ts';
import {
  assignLicenseIfFree,
  coveredUntil,
  findLicense,
  insertLicenses,
  licensesOfProgram,
} from '../../adapters/db/repositories/scan-data-licenses.repository.ts';
import { hasSucceededRun, lastSyncs } from '../../adapters/db/repositories/sync-runs.repository.ts';
import { batchTallies, hasBatches } from '../../adapters/db/repositories/update-batches.repository.ts';
import { type Tx, inTransaction, orConflict } from '../../adapters/db/tx.ts';
import type { Manufacturer } from '../../domain/promotions/promotion.ts';
import { isValidTimeZone } from '../../domain/time.ts';
import { AppError } from '../../errors.ts';
import { newId, sha256, UUID as UUID_TEXT } from '../../lib/ids.ts';
import { HH_MM } from './cstore.config.ts';
import { type CstoreDeps, auditActor } from './deps.ts';
import {
  type Actor,
  type BatchTally,
  INTEGRATION_STATUSES,
  type IntegrationStatus,
  type LastSyncView,
  LICENSE_TERMS,
  type License,
  type LicenseTerm,
  type Location,
  POS_SYSTEMS,
  type PosSystem,
  REGISTER_ID_MODES,
  type RegisterIdMode,
} from './model.ts';
import { LEGACY_AGENT_TOKEN_PREFIX, TOKEN_PREFIX } from '../../lib/tokens.ts';

const REGISTER_LABELS: Record<RegisterStatus, (v: RegisterView) => string> = {
  no_batches: () => 'No update sent yet',
  up_to_date: (v) => `Register up to date (batch #${v.lastAppliedSeq} applied ${v.lastAppliedAt})`,
  failed: (v) => `Register refused ${v.failedBatches} update batch(es); re-send after fixing`,
  waiting: (v) => `${v.unappliedBatches} update batch(es) waiting for the register to apply`,
  unconfirmed: (v) => `Batch #${v.lastBatchSeq} accepted; this location has no POS agent to confirm the register applied it`,
};

/** The register status of one location from its batches (see {@link RegisterStatus}). */
export function registerView(t: BatchTally, hasAgent: boolean): RegisterView {
  const n = (state: keyof BatchTally['counts']) => t.counts[state] ?? 0;
  const total = n('ready') + n('delivered') + n('acknowledged') + n('failed');
  const open = hasAgent ? n('ready') + n('delivered') : 0;
  const view: RegisterView = {
    status: total === 0 ? 'no_batches' : n('failed') > 0 ? 'failed' : open > 0 ? 'waiting' : n('acknowledged') === total ? 'up_to_date' : 'unconfirmed',
    label: '',
    lastBatchSeq: t.lastSeq,
    lastAppliedSeq: t.lastApplied?.seq ?? null,
    lastAppliedAt: t.lastApplied?.at ?? null,
    unappliedBatches: total - n('acknowledged'),
    failedBatches: n('failed'),
  };
  view.label = REGISTER_LABELS[view.status](view);
  return view;
}

export type { BatchTally, LastSyncView };

export interface LocationInput {
  name: string;
  address: string;
  timeZone: string;
  posSystem: PosSystem;
  outletIds?: Partial<Record<Manufacturer, string>>;
  autoAccept?: boolean;
  syncTime?: string | null;
  outboxDir?: string | null;
  registerStoreId?: string | null;
  registerIds?: RegisterIdMode;
  registerIdStart?: number;
  /** the Loyalty-API store (its id) whose POS keys report this location's sales; null unlinks */
  storeId?: string | null;
}

export type LocationPatch = Partial<LocationInput>;

/**
 * Where the location's register stands, derived from its update batches:
 * - `no_batches`: nothing accepted yet;
 * - `up_to_date`: every batch acknowledged as applied by the POS agent;
 * - `failed`: the register refused a batch (re-send it or look at `ackMessage`);
 * - `waiting`: the location has a POS agent and a batch is ready or delivered without its
 *   acknowledgement yet;
 * - `unconfirmed`: the location has no POS agent (the file goes by outbox folder or download), so
 *   nobody reports whether the register applied the batches; nothing failed.
 */
export type RegisterStatus = 'no_batches' | 'up_to_date' | 'failed' | 'waiting' | 'unconfirmed';

export interface RegisterView {
  status: RegisterStatus;
  /** the status in words, for a list or a badge */
  label: string;
  /** sequence number of the newest batch, null when none */
  lastBatchSeq: number | null;
  /** the newest batch the agent acknowledged as applied, and when */
  lastAppliedSeq: number | null;
  lastAppliedAt: string | null;
  /** batches accepted but not (yet) acknowledged as applied, failed ones included */
  unappliedBatches: number;
  failedBatches: number;
}

export interface LocationSummary extends Location {
  license: License | null;
  pendingChanges: number;
  register: RegisterView;
  lastSync: LastSyncView | null;
}

/** Why the pilot is not ready for roll-out yet: the seed's "reviewed and confirmed", per location. */
export interface PilotBlocker {
  locationId: string;
  name: string;
  code: 'pilot_not_synced' | 'pilot_changes_pending' | 'pilot_nothing_accepted' | 'pilot_batch_failed' | 'pilot_batch_not_applied';
  reason: string;
}

export interface RollOutReadiness {
  ready: boolean;
  pilot: string[];
  blockers: PilotBlocker[];
}

export interface RollOutResult {
  pilot: string[];
  turnedLive: string[];
  alreadyLive: string[];
  skipped: { locationId: string; name: string; reason: string }[];
}

const OUTLET_ID = /^[A-Za-z0-9._-]{1,64}$/;
const REGISTER_STORE_ID = /^[A-Za-z0-9._-]{1,20}$/;
const MAX_REGISTER_ID_START = 99_999_999;
const MANUFACTURERS: readonly Manufacturer[] = ['rjr'];

/** Adds a license term to an instant, calendar-wise (1 month: same day next month, clamped). */
export function addTerm(fromIso: string, term: LicenseTerm): string {
  const d = new Date(fromIso);
  const months = term === '1y' ? 12 : 1;
  const day = d.getUTCDate();
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  t.setUTCDate(Math.min(day, lastDay));
  return t.toISOString();
}

/** Locations, Scan Data licenses, integration status, roll-out and POS agent tokens. */
export class LocationsService {
  constructor(
    private readonly deps: CstoreDeps,
    /** called after a location's store link was set or changed (the POS path caches "not linked") */
    private readonly storeLinksChanged: () => void = () => undefined,
  ) {}

  private get db(): Tx {
    return this.deps.db.kysely;
  }

  private now(): string {
    return this.deps.clock().toISOString();
  }

  async requireProgramExists(programId: string): Promise<void> {
    if (!(await findProgram(this.db, programId))) throw new AppError('NotFound', 'No such program');
  }

  /**
   * A store the location may be linked to: one of the program's (else 400 naming storeId) and not
   * linked to another location (else 409; the unique index catches a concurrent link too).
   */
  private async requireLinkableStore(programId: string, storeId: string, locationId: string | null): Promise<void> {
    if (!(await findStoreRecord(this.db, programId, storeId)))
      throw new AppError('ValidationError', `storeId ${storeId} is not a store of this program`, { field: 'storeId' });
    const linked = await locationOfStore(this.db, programId, storeId);
    if (linked && linked.id !== locationId) throw new AppError('Conflict', STORE_LINKED, { field: 'storeId', locationId: linked.id });
  }

  /** The location row, or 404. */
  async row(locationId: string) {
    const row = await findLocationRow(this.db, locationId);
    if (!row) throw new AppError('LocationNotFound', `No location ${locationId}`);
    return row;
  }

  async get(locationId: string): Promise<LocationSummary> {
    return this.summarize(await this.row(locationId));
  }

  async list(programId: string): Promise<LocationSummary[]> {
    await this.requireProgramExists(programId);
    const rows = await locationsOfProgram(this.db, programId);
    const now = this.now();
    const licenses = await licensesOfProgram(this.db, programId, now, { assignedOnly: true });
    const pendingBy = await pendingCountsOfProgram(this.db, programId);
    const registers = await this.registerViews(rows);
    const syncs = await lastSyncs(
      this.db,
      rows.map((r) => r.id),
    );
    return rows.map((row) => {
      const own = licenses.filter((l) => l.locationId === row.id);
      const best = own.find((l) => l.state === 'active') ?? own.sort((a, b) => String(b.expiresAt).localeCompare(String(a.expiresAt)))[0];
      return {
        ...toLocation(row),
        license: best ?? null,
        pendingChanges: pendingBy.get(row.id) ?? 0,
        register: registers.get(row.id)!,
        lastSync: syncs.get(row.id) ?? null,
      };
    });
  }

  /** Register status per location, from its batches counted by state (a few queries for all of them). */
  private async registerViews(rows: Pick<LocationRow, 'id' | 'agent_token_hash'>[]): Promise<Map<string, RegisterView>> {
    const tallies = await batchTallies(
      this.db,
      rows.map((r) => r.id),
    );
    return new Map(rows.map((r) => [r.id, registerView(tallies.get(r.id)!, r.agent_token_hash !== null)]));
  }

  private async summarize(row: LocationRow): Promise<LocationSummary> {
    const now = this.now();
    const lic = await currentLicense(this.db, row.id, now);
    const pendingChanges = await pendingCount(this.db, row.id);
    const register = (await this.registerViews([row])).get(row.id)!;
    const lastSync = (await lastSyncs(this.db, [row.id])).get(row.id) ?? null;
    return { ...toLocation(row), license: lic ? toLicense(lic, now) : null, pendingChanges, register, lastSync };
  }

  async create(programId: string, input: LocationInput, actor: Actor): Promise<LocationSummary> {
    await this.requireProgramExists(programId);
    const v = validateLocation(input, true);
    const now = this.now();
    const id = newId();
    const location: Location = {
      id,
      programId,
      name: v.name!,
      address: v.address!,
      timeZone: v.timeZone!,
      posSystem: v.posSystem!,
      outletIds: v.outletIds ?? {},
      autoAccept: !!v.autoAccept,
      integrationStatus: 'off',
      syncTime: v.syncTime ?? null,
      outboxDir: v.outboxDir ?? null,
      enrollmentError: null,
      agentTokenPrefix: null,
      registerStoreId: v.registerStoreId ?? null,
      registerIds: v.registerIds ?? 'manufacturer',
      registerIdStart: v.registerIdStart ?? 1,
      storeId: v.storeId ?? null,
      createdAt: now,
      updatedAt: now,
    };
    if (location.storeId) await this.requireLinkableStore(programId, location.storeId, null);
    await inTransaction(this.db, async (trx) => {
      await orConflict(insertLocation(trx, location), STORE_LINKED, 'storeId');
      await writeAudit(
        trx,
        { program_id: programId, ...auditActor(actor), action: 'location.created', entity_type: 'location', entity_id: id, after: location, reason: null },
        now,
      );
    });
    if (location.storeId) this.storeLinksChanged();
    return this.get(id);
  }

  async update(locationId: string, patch: LocationPatch, actor: Actor): Promise<LocationSummary> {
    const before = await this.row(locationId);
    const v = validateLocation(patch, false);
    const now = this.now();
    const set: LocationChanges = { updatedAt: now };
    if (v.name !== undefined) set.name = v.name;
    if (v.address !== undefined) set.address = v.address;
    if (v.timeZone !== undefined) set.timeZone = v.timeZone;
    if (v.posSystem !== undefined) set.posSystem = v.posSystem;
    if (v.autoAccept !== undefined) set.autoAccept = v.autoAccept;
    if (v.syncTime !== undefined) set.syncTime = v.syncTime;
    if (v.outboxDir !== undefined) set.outboxDir = v.outboxDir;
    if (v.registerStoreId !== undefined) set.registerStoreId = v.registerStoreId;
    if (v.storeId !== undefined && v.storeId !== before.store_id) {
      if (v.storeId !== null) await this.requireLinkableStore(before.program_id, v.storeId, locationId);
      set.storeId = v.storeId;
    }
    if (
      (v.registerIds !== undefined && v.registerIds !== before.register_ids) ||
      (v.registerIdStart !== undefined && v.registerIdStart !== before.register_id_start)
    ) {
      // The register files what it has under the old ids; new ids would leave those records behind.
      if (await hasBatches(this.db, locationId))
        throw new AppError(
          'InvalidTransition',
          'registerIds and registerIdStart cannot change once a batch was accepted at this location: the register files its promotions under the ids it was sent',
          { field: v.registerIds !== undefined ? 'registerIds' : 'registerIdStart' },
        );
      if (v.registerIds !== undefined) set.registerIds = v.registerIds;
      if (v.registerIdStart !== undefined) set.registerIdStart = v.registerIdStart;
    }
    if (v.outletIds !== undefined) {
      set.outletIds = v.outletIds;
      // A new outlet id deserves a new try with the manufacturer.
      set.enrollmentError = null;
    }
    await inTransaction(this.db, async (trx) => {
      await orConflict(updateLocations(trx, locationId, set), STORE_LINKED, 'storeId');
      await writeAudit(
        trx,
        {
          program_id: before.program_id,
          ...auditActor(actor),
          action: 'location.updated',
          entity_type: 'location',
          entity_id: locationId,
          before: toLocation(before),
          after: patch,
          reason: null,
        },
        now,
      );
    });
    if (set.storeId !== undefined) this.storeLinksChanged();
    return this.get(locationId);
  }

  /**
   * off → pilot → live, and back to off from anywhere. Turning a location on needs an active
   * Scan Data license. Going live straight from off is what roll-out is for.
   */
  async setStatus(locationId: string, status: IntegrationStatus, actor: Actor): Promise<LocationSummary> {
    if (!INTEGRATION_STATUSES.includes(status))
      throw new AppError('ValidationError', `status must be one of ${INTEGRATION_STATUSES.join(', ')}`, { field: 'status' });
    const row = await this.row(locationId);
    const from = row.integration_status;
    if (from === status) return this.get(locationId);
    const allowed =
      status === 'off' || (from === 'off' && status === 'pilot') || (from === 'pilot' && status === 'live') || (from === 'live' && status === 'pilot');
    if (!allowed) {
      throw new AppError('InvalidTransition', `integration status cannot go from ${from} to ${status}; start with a pilot, then roll out`, {
        from,
        to: status,
      });
    }
    const now = this.now();
    if (status !== 'off') {
      const lic = await currentLicense(this.db, locationId, now);
      if (!lic || licenseState(lic, now) !== 'active') {
        throw new AppError(
          'NotLicensed',
          `${row.name} has no active Scan Data license${lic?.expires_at && lic.expires_at <= now ? ` (it expired ${lic.expires_at})` : ''}; assign one first`,
          { locationId },
        );
      }
    }
    await inTransaction(this.db, async (trx) => {
      await updateLocations(trx, locationId, { integrationStatus: status, updatedAt: now });
      await writeAudit(
        trx,
        {
          program_id: row.program_id,
          ...auditActor(actor),
          action: 'location.status',
          entity_type: 'location',
          entity_id: locationId,
          before: { status: from },
          after: { status },
          reason: null,
        },
        now,
      );
    });
    return this.get(locationId);
  }

  /**
   * The pilot worked: the pilot location and every other location of the program with an active
   * license and an outlet id go live. Locations that cannot are listed with why.
   */
  /**
   * Whether the pilot is ready for roll-out, as the seed's process has it: every pilot location
   * synced successfully, its promotions were reviewed (nothing pending) and accepted (at least one
   * batch), no batch failed, and — where the location has a POS agent to report it — every batch
   * was acknowledged as applied.
   */
  async rollOutReadiness(programId: string): Promise<RollOutReadiness> {
    await this.requireProgramExists(programId);
    const pilots = await locationsOfProgram(this.db, programId, 'pilot');
    const blockers: PilotBlocker[] = [];
    const registers = await this.registerViews(pilots);
    for (const p of pilots) {
      const block = (code: PilotBlocker['code'], reason: string) => blockers.push({ locationId: p.id, name: p.name, code, reason });
      if (!(await hasSucceededRun(this.db, p.id))) {
        block('pilot_not_synced', `${p.name} has not synced successfully yet; sync it and review its promotions`);
        continue;
      }
      const pending = await pendingCount(this.db, p.id);
      if (pending > 0) {
        block('pilot_changes_pending', `${p.name} has ${pending} promotion change(s) waiting for review; accept or reject them first`);
        continue;
      }
      const reg = registers.get(p.id)!;
      if (reg.status === 'no_batches') block('pilot_nothing_accepted', `no promotions were accepted at ${p.name} yet; review them and Accept Changes first`);
      else if (reg.status === 'failed')
        block('pilot_batch_failed', `the register at ${p.name} refused ${reg.failedBatches} update batch(es); fix and re-send before rolling out`);
      else if (reg.status === 'waiting')
        block('pilot_batch_not_applied', `the POS agent at ${p.name} has not reported ${reg.unappliedBatches} update batch(es) as applied yet`);
    }
    return { ready: pilots.length > 0 && blockers.length === 0, pilot: pilots.map((p) => p.id), blockers };
  }

  /**
   * The pilot worked: the pilot location and every other location of the program with an active
   * license and an outlet id go live. Refused (409 PilotNotReady, with every blocker) until the
   * pilot's promotions were reviewed, accepted and applied. Locations that cannot go live are
   * listed with why.
   */
  async rollOut(programId: string, actor: Actor): Promise<RollOutResult> {
    const readiness = await this.rollOutReadiness(programId);
    if (readiness.pilot.length === 0)
      throw new AppError('InvalidTransition', 'no location is in pilot; put one location in pilot, sync and accept there first', { code: 'no_pilot' });
    if (!readiness.ready) {
      throw new AppError(
        'PilotNotReady',
        `roll-out waits until the pilot's promotions were reviewed and confirmed: ${readiness.blockers.map((b) => b.reason).join('; ')}`,
        { blockers: readiness.blockers },
      );
    }
    const now = this.now();
    const rows = await locationsOfProgram(this.db, programId);
    const pilots = rows.filter((r) => r.integration_status === 'pilot');
    const enrollment = await findEnrollment(this.db, programId, 'rjr');
    const result: RollOutResult = { pilot: pilots.map((p) => p.id), turnedLive: [], alreadyLive: [], skipped: [] };
    const toLive: string[] = [];
    for (const r of rows) {
      if (r.integration_status === 'live') {
        result.alreadyLive.push(r.id);
        continue;
      }
      const lic = await currentLicense(this.db, r.id, now);
      const state = lic ? licenseState(lic, now) : 'unassigned';
      const outlet = (JSON.parse(r.outlet_ids) as Location['outletIds']).rjr ?? (enrollment?.mode === 'single' ? enrollment.outlet_id : null);
      if (state !== 'active')
        result.skipped.push({
          locationId: r.id,
          name: r.name,
          reason:
            state === 'expired'
              ? `Scan Data license expired ${lic!.expires_at}`
              : state === 'scheduled'
                ? `Scan Data license starts ${lic!.starts_at}`
                : 'no Scan Data license assigned',
        });
      else if (!outlet) result.skipped.push({ locationId: r.id, name: r.name, reason: 'no RJR outlet id' });
      else toLive.push(r.id);
    }
    if (toLive.length) {
      await inTransaction(this.db, async (trx) => {
        await updateLocations(trx, toLive, { integrationStatus: 'live', updatedAt: now });
        await writeAudit(
          trx,
          {
            program_id: programId,
            ...auditActor(actor),
            action: 'cstore.rollout',
            entity_type: 'program',
            entity_id: programId,
            before: { pilot: result.pilot },
            after: { live: toLive, skipped: result.skipped },
            reason: null,
          },
          now,
        );
      });
    }
    result.turnedLive = toLive;
    return result;
  }

  // ---- Scan Data licenses ----

  async buyLicenses(programId: string, term: LicenseTerm, count: number, actor: Actor): Promise<License[]> {
    await this.requireProgramExists(programId);
    if (!LICENSE_TERMS.includes(term)) throw new AppError('ValidationError', `term must be one of ${LICENSE_TERMS.join(', ')}`, { field: 'term' });
    if (!Number.isInteger(count) || count < 1 || count > 5000) throw new AppError('ValidationError', 'count must be between 1 and 5000', { field: 'count' });
    const now = this.now();
    const ids = Array.from({ length: count }, () => newId());
    return inTransaction(this.db, async (trx) => {
      const licenses = await insertLicenses(trx, programId, term, ids, now);
      await writeAudit(
        trx,
        {
          program_id: programId,
          ...auditActor(actor),
          action: 'license.bought',
          entity_type: 'program',
          entity_id: programId,
          after: { term, count, ids },
          reason: null,
        },
        now,
      );
      return licenses;
    });
  }

  async listLicenses(programId: string): Promise<License[]> {
    await this.requireProgramExists(programId);
    return licensesOfProgram(this.db, programId, this.now());
  }

  async license(licenseId: string): Promise<License> {
    const license = await findLicense(this.db, licenseId, this.now());
    if (!license) throw new AppError('LicenseNotFound', `No license ${licenseId}`);
    return license;
  }

  /**
   * Assign License: binds an unassigned license to one location of the same program. Its term
   * starts now, or when the location's current license ends (a renewal). A license is assigned
   * once, ever; a second assignment answers 409 and writes nothing.
   */
  async assignLicense(licenseId: string, locationId: string, actor: Actor): Promise<License> {
    const now = this.now();
    const lic = await findLicense(this.db, licenseId, now);
    if (!lic) throw new AppError('LicenseNotFound', `No license ${licenseId}`);
    const loc = await findLocationRow(this.db, locationId);
    if (!loc || loc.program_id !== lic.programId)
      throw new AppError('LocationNotFound', `No location ${locationId} in this license's program`, { field: 'locationId' });
    const alreadyAssigned = (to: string) =>
      new AppError(
        'LicenseAlreadyAssigned',
        to === locationId ? 'This license is already assigned to this location' : 'This license is already assigned to another location; buy another license',
        {
          licenseId,
          assignedTo: to,
        },
      );
    if (lic.locationId) throw alreadyAssigned(lic.locationId);
    return inTransaction(this.db, async (trx) => {
      const startsAt = (await coveredUntil(trx, locationId, now)) ?? now;
      const expiresAt = addTerm(startsAt, lic.term);
      // Exactly one of two racing assignments wins.
      if (!(await assignLicenseIfFree(trx, { licenseId, locationId, at: now, by: actor.id, startsAt, expiresAt }))) {
        const again = await findLicense(trx, licenseId, now);
        throw alreadyAssigned(again?.locationId ?? '');
      }
      await writeAudit(
        trx,
        {
          program_id: lic.programId,
          ...auditActor(actor),
          action: 'license.assigned',
          entity_type: 'license',
          entity_id: licenseId,
          after: { locationId, startsAt, expiresAt },
          reason: null,
        },
        now,
      );
      return (await findLicense(trx, licenseId, now))!;
    });
  }

  /**
   * Try the manufacturer again for one location after it refused the outlet (HTTP 403), without
   * saving the whole enrollment again: clears the location's refusal (and, for a single-store
   * enrollment of this very outlet, the enrollment's broken status). The caller syncs next.
   */
  async clearOutletRefusal(locationId: string, actor: Actor, manufacturer: Manufacturer = 'rjr'): Promise<{ cleared: boolean }> {
    const row = await this.row(locationId);
    const now = this.now();
    const enrollment = await findEnrollment(this.db, row.program_id, manufacturer);
    const own = (JSON.parse(row.outlet_ids) as Location['outletIds'])[manufacturer] ?? null;
    const singleOfThisOutlet = enrollment?.mode === 'single' && enrollment.status === 'broken' && (own === null || own === enrollment.outlet_id);
    if (row.enrollment_error === null && !singleOfThisOutlet) return { cleared: false };
    await inTransaction(this.db, async (trx) => {
      await updateLocations(trx, locationId, { enrollmentError: null, updatedAt: now });
      if (singleOfThisOutlet) await setEnrollmentStatus(trx, { id: enrollment.id }, 'ok', null, now);
      await writeAudit(
        trx,
        {
          program_id: row.program_id,
          ...auditActor(actor),
          action: 'location.outlet_retry',
          entity_type: 'location',
          entity_id: locationId,
          before: { enrollmentError: row.enrollment_error },
          after: { enrollmentError: null },
          reason: null,
        },
        now,
      );
    });
    return { cleared: true };
  }

  // ---- POS agent tokens ----

  /** Issues a new agent token for a location (the old one stops working); shown once, stored hashed. */
  async issueAgentToken(locationId: string, actor: Actor): Promise<{ token: string; prefix: string }> {
    const row = await this.row(locationId);
    const token = `${TOKEN_PREFIX.agent}${randomBytes(32).toString('base64url')}`;
    const prefix = token.slice(0, 10);
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      await updateLocations(trx, locationId, { agentToken: { hash: sha256(token), prefix }, updatedAt: now });
      await writeAudit(
        trx,
        {
          program_id: row.program_id,
          ...auditActor(actor),
          action: 'location.agent_token',
          entity_type: 'location',
          entity_id: locationId,
          after: { prefix },
          reason: null,
        },
        now,
      );
    });
    return { token, prefix };
  }

  /** The location an agent token belongs to, or 401. */
  async authenticateAgent(token: string): Promise<Location> {
    if (!token.startsWith(TOKEN_PREFIX.agent) && !token.startsWith(LEGACY_AGENT_TOKEN_PREFIX)) throw new AppError('Unauthorized', 'Unknown agent token');
    const location = await locationByAgentTokenHash(this.db, sha256(token));
    if (!location) throw new AppError('Unauthorized', 'Unknown agent token');
    return location;
  }
}

const STORE_LINKED = 'storeId is already linked to another location of this program';

function validateLocation(input: LocationPatch, creating: boolean): LocationPatch {
  const bad = (field: string, message: string) => new AppError('ValidationError', `${field} ${message}`, { field });
  const text = (field: 'name' | 'address', v: unknown, max: number) => {
    if (v === undefined && !creating) return undefined;
    if (typeof v !== 'string' || v.trim() === '' || v.length > max) throw bad(field, `is required, at most ${max} characters`);
    return v.trim();
  };
  const out: LocationPatch = {};
  const name = text('name', input.name, 200);
  if (name !== undefined) out.name = name;
  const address = text('address', input.address, 500);
  if (address !== undefined) out.address = address;
  if (input.timeZone !== undefined || creating) {
    if (typeof input.timeZone !== 'string' || !isValidTimeZone(input.timeZone)) throw bad('timeZone', `"${String(input.timeZone)}" is not an IANA time zone`);
    out.timeZone = input.timeZone;
  }
  if (input.posSystem !== undefined || creating) {
    if (!POS_SYSTEMS.includes(input.posSystem as PosSystem)) throw bad('posSystem', `must be one of ${POS_SYSTEMS.join(', ')}`);
    out.posSystem = input.posSystem;
  }
  if (input.outletIds !== undefined) {
    const ids: Partial<Record<Manufacturer, string>> = {};
    for (const [m, id] of Object.entries(input.outletIds ?? {})) {
      if (!MANUFACTURERS.includes(m as Manufacturer)) throw bad(`outletIds.${m}`, `is not a known manufacturer (${MANUFACTURERS.join(', ')})`);
      if (typeof id !== 'string' || !OUTLET_ID.test(id)) throw bad(`outletIds.${m}`, 'must be 1-64 letters, digits, dots, dashes or underscores');
      ids[m as Manufacturer] = id;
    }
    out.outletIds = ids;
  }
  if (input.autoAccept !== undefined) out.autoAccept = Boolean(input.autoAccept);
  if (input.syncTime !== undefined) {
    if (input.syncTime !== null && !HH_MM.test(input.syncTime)) throw bad('syncTime', 'must be HH:MM (24 h, store-local)');
    out.syncTime = input.syncTime;
  }
  if (input.registerStoreId !== undefined) {
    if (input.registerStoreId !== null && (typeof input.registerStoreId !== 'string' || !REGISTER_STORE_ID.test(input.registerStoreId)))
      throw bad('registerStoreId', 'must be 1-20 letters, digits, dots, dashes or underscores (the store number the register knows)');
    out.registerStoreId = input.registerStoreId;
  }
  if (input.storeId !== undefined) {
    if (input.storeId !== null && (typeof input.storeId !== 'string' || !UUID_TEXT.test(input.storeId)))
      throw bad('storeId', "must be the id of one of the program's stores (GET /admin/v1/programs/{programId}/stores), or null to unlink");
    out.storeId = input.storeId === null ? null : input.storeId.toLowerCase();
  }
  if (input.registerIds !== undefined) {
    if (!REGISTER_ID_MODES.includes(input.registerIds)) throw bad('registerIds', `must be one of ${REGISTER_ID_MODES.join(', ')}`);
    out.registerIds = input.registerIds;
  }
  if (input.registerIdStart !== undefined) {
    if (!Number.isInteger(input.registerIdStart) || input.registerIdStart < 1 || input.registerIdStart > MAX_REGISTER_ID_START)
      throw bad('registerIdStart', `must be a whole number from 1 to ${MAX_REGISTER_ID_START}`);
    out.registerIdStart = input.registerIdStart;
  }
  if (input.outboxDir !== undefined) {
    if (input.outboxDir !== null && (!input.outboxDir.startsWith('/') || input.outboxDir.includes('\0') || input.outboxDir.length > 500))
      throw bad('outboxDir', 'must be an absolute folder path');
    out.outboxDir = input.outboxDir;
  }
  return out;
}
