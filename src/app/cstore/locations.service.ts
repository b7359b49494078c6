import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  chunks,
  currentLicense,
  findLocationRow,
  licenseState,
  toLicense,
  toLocation,
} from '../../adapters/db/repositories/cstore.repository.ts';
import { writeAudit } from '../../adapters/db/repositories/outbox.repository.ts';
import type { Database, IntegrationStatus, LocationTable, PosSystem } from '../../adapters/db/schema.ts';
import type { Manufacturer } from '../../domain/promotions/promotion.ts';
import { isValidTimeZone } from '../../domain/time.ts';
import { AppError } from '../../errors.ts';
import { newId, sha256 } from '../../lib/ids.ts';
import { HH_MM } from './cstore.config.ts';
import { type CstoreDeps, auditActor } from './deps.ts';
import { type Actor, INTEGRATION_STATUSES, LICENSE_TERMS, type License, type LicenseTerm, type Location, POS_SYSTEMS, REGISTER_ID_MODES, type RegisterIdMode } from './model.ts';
import { LEGACY_AGENT_TOKEN_PREFIX, TOKEN_PREFIX } from '../../lib/tokens.ts';

const REGISTER_LABELS: Record<RegisterStatus, (v: RegisterView) => string> = {
  no_batches: () => 'No update sent yet',
  up_to_date: (v) => `Register up to date (batch #${v.lastAppliedSeq} applied ${v.lastAppliedAt})`,
  failed: (v) => `Register refused ${v.failedBatches} update batch(es); re-send after fixing`,
  waiting: (v) => `${v.unappliedBatches} update batch(es) waiting for the register to apply`,
  unconfirmed: (v) => `Batch #${v.lastBatchSeq} accepted; this location has no POS agent to confirm the register applied it`,
};

/** What {@link registerView} needs from one location's batches: counts per state and the newest ones. */
export interface BatchTally {
  /** batches per state */
  counts: Partial<Record<'ready' | 'delivered' | 'acknowledged' | 'failed', number>>;
  lastSeq: number | null;
  /** the newest acknowledged batch */
  lastApplied: { seq: number; at: string | null } | null;
}

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
  constructor(private readonly deps: CstoreDeps) {}

  private get db(): Kysely<Database> {
    return this.deps.db.kysely;
  }

  private now(): string {
    return this.deps.clock().toISOString();
  }

  async requireProgramExists(programId: string): Promise<void> {
    const p = await this.db.selectFrom('programs').select('id').where('id', '=', programId).executeTakeFirst();
    if (!p) throw new AppError('NotFound', 'No such program');
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
    const rows = await this.db.selectFrom('locations').selectAll().where('program_id', '=', programId).orderBy('name').orderBy('id').execute();
    const now = this.now();
    const licenses = await this.db.selectFrom('scan_data_licenses').selectAll().where('program_id', '=', programId).where('location_id', 'is not', null).execute();
    const pending = await this.db
      .selectFrom('promotion_changes')
      .select(['location_id', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('program_id', '=', programId)
      .where('status', '=', 'pending')
      .groupBy('location_id')
      .execute();
    const pendingBy = new Map(pending.map((p) => [p.location_id, Number(p.n)]));
    const registers = await this.registerViews(rows);
    const syncs = await this.lastSyncs(rows.map((r) => r.id));
    return rows.map((row) => {
      const own = licenses.filter((l) => l.location_id === row.id);
      const best = own.find((l) => licenseState(l, now) === 'active') ?? own.sort((a, b) => String(b.expires_at).localeCompare(String(a.expires_at)))[0];
      return { ...toLocation(row), license: best ? toLicense(best, now) : null, pendingChanges: pendingBy.get(row.id) ?? 0, register: registers.get(row.id)!, lastSync: syncs.get(row.id) ?? null };
    });
  }

  /** Register status per location, from its batches counted by state (a few queries for all of them). */
  private async registerViews(rows: Pick<LocationTable, 'id' | 'agent_token_hash'>[]): Promise<Map<string, RegisterView>> {
    const tallies = new Map<string, BatchTally>(rows.map((r) => [r.id, { counts: {}, lastSeq: null, lastApplied: null }]));
    for (const part of chunks(rows.map((r) => r.id), 1)) {
      const counts = await this.db
        .selectFrom('update_batches')
        .select(['location_id', 'state', (eb) => eb.fn.countAll<string | number>().as('n'), (eb) => eb.fn.max('seq').as('max_seq')])
        .where('location_id', 'in', part)
        .groupBy(['location_id', 'state'])
        .execute();
      for (const c of counts) {
        const t = tallies.get(c.location_id)!;
        t.counts[c.state] = Number(c.n);
        t.lastSeq = Math.max(t.lastSeq ?? 0, Number(c.max_seq));
      }
      const applied = await this.db
        .selectFrom('update_batches as b')
        .select(['b.location_id', 'b.seq', 'b.acknowledged_at'])
        .where('b.location_id', 'in', part)
        .where('b.state', '=', 'acknowledged')
        .where('b.seq', '=', (eb) => eb.selectFrom('update_batches as n').select((e) => e.fn.max('n.seq').as('s')).whereRef('n.location_id', '=', 'b.location_id').where('n.state', '=', 'acknowledged'))
        .execute();
      for (const a of applied) tallies.get(a.location_id)!.lastApplied = { seq: Number(a.seq), at: a.acknowledged_at };
    }
    return new Map(rows.map((r) => [r.id, registerView(tallies.get(r.id)!, r.agent_token_hash !== null)]));
  }

  /** The newest sync run per location (by start time; a tie goes to the larger id). */
  private async lastSyncs(locationIds: string[]): Promise<Map<string, LastSyncView>> {
    const out = new Map<string, LastSyncView>();
    for (const part of chunks(locationIds, 1)) {
      const runs = await this.db
        .selectFrom('sync_runs as r')
        .select(['r.id', 'r.location_id', 'r.status', 'r.as_of', 'r.finished_at', 'r.rejected', 'r.error_code', 'r.error'])
        .where('r.location_id', 'in', part)
        .where('r.started_at', '=', (eb) => eb.selectFrom('sync_runs as n').select((e) => e.fn.max('n.started_at').as('s')).whereRef('n.location_id', '=', 'r.location_id'))
        .orderBy('r.id')
        .execute();
      for (const r of runs) out.set(r.location_id, { runId: r.id, status: r.status, asOf: r.as_of, finishedAt: r.finished_at, rejected: Number(r.rejected), errorCode: r.error_code, error: r.error });
    }
    return out;
  }

  private async summarize(row: LocationTable): Promise<LocationSummary> {
    const now = this.now();
    const lic = await currentLicense(this.db, row.id, now);
    const n = await this.db
      .selectFrom('promotion_changes')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('location_id', '=', row.id)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    const register = (await this.registerViews([row])).get(row.id)!;
    const lastSync = (await this.lastSyncs([row.id])).get(row.id) ?? null;
    return { ...toLocation(row), license: lic ? toLicense(lic, now) : null, pendingChanges: Number(n.n), register, lastSync };
  }

  async create(programId: string, input: LocationInput, actor: Actor): Promise<LocationSummary> {
    await this.requireProgramExists(programId);
    const v = validateLocation(input, true);
    const now = this.now();
    const id = newId();
    const row: LocationTable = {
      id,
      program_id: programId,
      name: v.name!,
      address: v.address!,
      time_zone: v.timeZone!,
      pos_system: v.posSystem!,
      outlet_ids: JSON.stringify(v.outletIds ?? {}),
      auto_accept: v.autoAccept ? 1 : 0,
      integration_status: 'off',
      sync_time: v.syncTime ?? null,
      outbox_dir: v.outboxDir ?? null,
      enrollment_error: null,
      enrollment_error_at: null,
      agent_token_hash: null,
      agent_token_prefix: null,
      batch_seq: 0,
      created_at: now,
      updated_at: now,
      register_store_id: v.registerStoreId ?? null,
      register_ids: v.registerIds ?? 'manufacturer',
      register_id_start: v.registerIdStart ?? 1,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('locations').values(row).execute();
      await writeAudit(trx, { program_id: programId, ...auditActor(actor), action: 'location.created', entity_type: 'location', entity_id: id, after: toLocation(row), reason: null }, now);
    });
    return this.get(id);
  }

  async update(locationId: string, patch: LocationPatch, actor: Actor): Promise<LocationSummary> {
    const before = await this.row(locationId);
    const v = validateLocation(patch, false);
    const now = this.now();
    const set: Partial<LocationTable> = { updated_at: now };
    if (v.name !== undefined) set.name = v.name;
    if (v.address !== undefined) set.address = v.address;
    if (v.timeZone !== undefined) set.time_zone = v.timeZone;
    if (v.posSystem !== undefined) set.pos_system = v.posSystem;
    if (v.autoAccept !== undefined) set.auto_accept = v.autoAccept ? 1 : 0;
    if (v.syncTime !== undefined) set.sync_time = v.syncTime;
    if (v.outboxDir !== undefined) set.outbox_dir = v.outboxDir;
    if (v.registerStoreId !== undefined) set.register_store_id = v.registerStoreId;
    if ((v.registerIds !== undefined && v.registerIds !== before.register_ids) || (v.registerIdStart !== undefined && v.registerIdStart !== before.register_id_start)) {
      // The register files what it has under the old ids; new ids would leave those records behind.
      const filed = await this.db.selectFrom('update_batches').select('id').where('location_id', '=', locationId).limit(1).executeTakeFirst();
      if (filed) throw new AppError('InvalidTransition', 'registerIds and registerIdStart cannot change once a batch was accepted at this location: the register files its promotions under the ids it was sent', { field: v.registerIds !== undefined ? 'registerIds' : 'registerIdStart' });
      if (v.registerIds !== undefined) set.register_ids = v.registerIds;
      if (v.registerIdStart !== undefined) set.register_id_start = v.registerIdStart;
    }
    if (v.outletIds !== undefined) {
      set.outlet_ids = JSON.stringify(v.outletIds);
      // A new outlet id deserves a new try with the manufacturer.
      set.enrollment_error = null;
      set.enrollment_error_at = null;
    }
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('locations').set(set).where('id', '=', locationId).execute();
      await writeAudit(trx, { program_id: before.program_id, ...auditActor(actor), action: 'location.updated', entity_type: 'location', entity_id: locationId, before: toLocation(before), after: patch, reason: null }, now);
    });
    return this.get(locationId);
  }

  /**
   * off → pilot → live, and back to off from anywhere. Turning a location on needs an active
   * Scan Data license. Going live straight from off is what roll-out is for.
   */
  async setStatus(locationId: string, status: IntegrationStatus, actor: Actor): Promise<LocationSummary> {
    if (!INTEGRATION_STATUSES.includes(status)) throw new AppError('ValidationError', `status must be one of ${INTEGRATION_STATUSES.join(', ')}`, { field: 'status' });
    const row = await this.row(locationId);
    const from = row.integration_status;
    if (from === status) return this.get(locationId);
    const allowed = status === 'off' || (from === 'off' && status === 'pilot') || (from === 'pilot' && status === 'live') || (from === 'live' && status === 'pilot');
    if (!allowed) {
      throw new AppError('InvalidTransition', `integration status cannot go from ${from} to ${status}; start with a pilot, then roll out`, { from, to: status });
    }
    const now = this.now();
    if (status !== 'off') {
      const lic = await currentLicense(this.db, locationId, now);
      if (!lic || licenseState(lic, now) !== 'active') {
        throw new AppError('NotLicensed', `${row.name} has no active Scan Data license${lic?.expires_at && lic.expires_at <= now ? ` (it expired ${lic.expires_at})` : ''}; assign one first`, { locationId });
      }
    }
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('locations').set({ integration_status: status, updated_at: now }).where('id', '=', locationId).execute();
      await writeAudit(trx, { program_id: row.program_id, ...auditActor(actor), action: 'location.status', entity_type: 'location', entity_id: locationId, before: { status: from }, after: { status }, reason: null }, now);
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
    const pilots = await this.db.selectFrom('locations').selectAll().where('program_id', '=', programId).where('integration_status', '=', 'pilot').orderBy('name').orderBy('id').execute();
    const blockers: PilotBlocker[] = [];
    const registers = await this.registerViews(pilots);
    for (const p of pilots) {
      const block = (code: PilotBlocker['code'], reason: string) => blockers.push({ locationId: p.id, name: p.name, code, reason });
      const synced = await this.db.selectFrom('sync_runs').select('id').where('location_id', '=', p.id).where('status', '=', 'succeeded').limit(1).executeTakeFirst();
      if (!synced) {
        block('pilot_not_synced', `${p.name} has not synced successfully yet; sync it and review its promotions`);
        continue;
      }
      const pending = await this.db.selectFrom('promotion_changes').select((eb) => eb.fn.countAll<string | number>().as('n')).where('location_id', '=', p.id).where('status', '=', 'pending').executeTakeFirstOrThrow();
      if (Number(pending.n) > 0) {
        block('pilot_changes_pending', `${p.name} has ${Number(pending.n)} promotion change(s) waiting for review; accept or reject them first`);
        continue;
      }
      const reg = registers.get(p.id)!;
      if (reg.status === 'no_batches') block('pilot_nothing_accepted', `no promotions were accepted at ${p.name} yet; review them and Accept Changes first`);
      else if (reg.status === 'failed') block('pilot_batch_failed', `the register at ${p.name} refused ${reg.failedBatches} update batch(es); fix and re-send before rolling out`);
      else if (reg.status === 'waiting') block('pilot_batch_not_applied', `the POS agent at ${p.name} has not reported ${reg.unappliedBatches} update batch(es) as applied yet`);
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
    if (readiness.pilot.length === 0) throw new AppError('InvalidTransition', 'no location is in pilot; put one location in pilot, sync and accept there first', { code: 'no_pilot' });
    if (!readiness.ready) {
      throw new AppError('PilotNotReady', `roll-out waits until the pilot's promotions were reviewed and confirmed: ${readiness.blockers.map((b) => b.reason).join('; ')}`, { blockers: readiness.blockers });
    }
    const now = this.now();
    const rows = await this.db.selectFrom('locations').selectAll().where('program_id', '=', programId).orderBy('name').execute();
    const pilots = rows.filter((r) => r.integration_status === 'pilot');
    const enrollment = await this.db.selectFrom('manufacturer_enrollments').select(['mode', 'outlet_id']).where('program_id', '=', programId).where('manufacturer', '=', 'rjr').executeTakeFirst();
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
      if (state !== 'active') result.skipped.push({ locationId: r.id, name: r.name, reason: state === 'expired' ? `Scan Data license expired ${lic!.expires_at}` : state === 'scheduled' ? `Scan Data license starts ${lic!.starts_at}` : 'no Scan Data license assigned' });
      else if (!outlet) result.skipped.push({ locationId: r.id, name: r.name, reason: 'no RJR outlet id' });
      else toLive.push(r.id);
    }
    if (toLive.length) {
      await this.db.transaction().execute(async (trx) => {
        await trx.updateTable('locations').set({ integration_status: 'live', updated_at: now }).where('id', 'in', toLive).execute();
        await writeAudit(trx, { program_id: programId, ...auditActor(actor), action: 'cstore.rollout', entity_type: 'program', entity_id: programId, before: { pilot: result.pilot }, after: { live: toLive, skipped: result.skipped }, reason: null }, now);
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
    const rows = Array.from({ length: count }, () => ({
      id: newId(),
      program_id: programId,
      term,
      bought_at: now,
      location_id: null,
      assigned_at: null,
      assigned_by: null,
      starts_at: null,
      expires_at: null,
    }));
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 500) await trx.insertInto('scan_data_licenses').values(rows.slice(i, i + 500)).execute();
      await writeAudit(trx, { program_id: programId, ...auditActor(actor), action: 'license.bought', entity_type: 'program', entity_id: programId, after: { term, count, ids: rows.map((r) => r.id) }, reason: null }, now);
    });
    return rows.map((r) => toLicense(r, now));
  }

  async listLicenses(programId: string): Promise<License[]> {
    await this.requireProgramExists(programId);
    const now = this.now();
    const rows = await this.db.selectFrom('scan_data_licenses').selectAll().where('program_id', '=', programId).orderBy('bought_at').orderBy('id').execute();
    return rows.map((r) => toLicense(r, now));
  }

  async license(licenseId: string): Promise<License> {
    const row = await this.db.selectFrom('scan_data_licenses').selectAll().where('id', '=', licenseId).executeTakeFirst();
    if (!row) throw new AppError('LicenseNotFound', `No license ${licenseId}`);
    return toLicense(row, this.now());
  }

  /**
   * Assign License: binds an unassigned license to one location of the same program. Its term
   * starts now, or when the location's current license ends (a renewal). A license is assigned
   * once, ever; a second assignment answers 409 and writes nothing.
   */
  async assignLicense(licenseId: string, locationId: string, actor: Actor): Promise<License> {
    const lic = await this.db.selectFrom('scan_data_licenses').selectAll().where('id', '=', licenseId).executeTakeFirst();
    if (!lic) throw new AppError('LicenseNotFound', `No license ${licenseId}`);
    const loc = await findLocationRow(this.db, locationId);
    if (!loc || loc.program_id !== lic.program_id) throw new AppError('LocationNotFound', `No location ${locationId} in this license's program`, { field: 'locationId' });
    const alreadyAssigned = (to: string) =>
      new AppError('LicenseAlreadyAssigned', to === locationId ? 'This license is already assigned to this location' : 'This license is already assigned to another location; buy another license', {
        licenseId,
        assignedTo: to,
      });
    if (lic.location_id) throw alreadyAssigned(lic.location_id);
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const latest = await trx
        .selectFrom('scan_data_licenses')
        .select('expires_at')
        .where('location_id', '=', locationId)
        .where('expires_at', '>', now)
        .orderBy('expires_at', 'desc')
        .executeTakeFirst();
      const startsAt = latest?.expires_at ?? now;
      const expiresAt = addTerm(startsAt, lic.term);
      // The guard in WHERE makes two racing assignments end with exactly one winner.
      const r = await trx
        .updateTable('scan_data_licenses')
        .set({ location_id: locationId, assigned_at: now, assigned_by: actor.id, starts_at: startsAt, expires_at: expiresAt })
        .where('id', '=', licenseId)
        .where('location_id', 'is', null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) {
        const again = await trx.selectFrom('scan_data_licenses').select('location_id').where('id', '=', licenseId).executeTakeFirst();
        throw alreadyAssigned(again?.location_id ?? '');
      }
      await writeAudit(trx, { program_id: lic.program_id, ...auditActor(actor), action: 'license.assigned', entity_type: 'license', entity_id: licenseId, after: { locationId, startsAt, expiresAt }, reason: null }, now);
      return toLicense({ ...lic, location_id: locationId, assigned_at: now, assigned_by: actor.id, starts_at: startsAt, expires_at: expiresAt }, now);
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
    const enrollment = await this.db.selectFrom('manufacturer_enrollments').select(['id', 'mode', 'status', 'outlet_id']).where('program_id', '=', row.program_id).where('manufacturer', '=', manufacturer).executeTakeFirst();
    const own = (JSON.parse(row.outlet_ids) as Location['outletIds'])[manufacturer] ?? null;
    const singleOfThisOutlet = enrollment?.mode === 'single' && enrollment.status === 'broken' && (own === null || own === enrollment.outlet_id);
    if (row.enrollment_error === null && !singleOfThisOutlet) return { cleared: false };
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('locations').set({ enrollment_error: null, enrollment_error_at: null, updated_at: now }).where('id', '=', locationId).execute();
      if (singleOfThisOutlet) await trx.updateTable('manufacturer_enrollments').set({ status: 'ok', status_reason: null, status_at: now, updated_at: now }).where('id', '=', enrollment.id).execute();
      await writeAudit(trx, { program_id: row.program_id, ...auditActor(actor), action: 'location.outlet_retry', entity_type: 'location', entity_id: locationId, before: { enrollmentError: row.enrollment_error }, after: { enrollmentError: null }, reason: null }, now);
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
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('locations').set({ agent_token_hash: sha256(token), agent_token_prefix: prefix, updated_at: now }).where('id', '=', locationId).execute();
      await writeAudit(trx, { program_id: row.program_id, ...auditActor(actor), action: 'location.agent_token', entity_type: 'location', entity_id: locationId, after: { prefix }, reason: null }, now);
    });
    return { token, prefix };
  }

  /** The location an agent token belongs to, or 401. */
  async authenticateAgent(token: string): Promise<Location> {
    if (!token.startsWith(TOKEN_PREFIX.agent) && !token.startsWith(LEGACY_AGENT_TOKEN_PREFIX)) throw new AppError('Unauthorized', 'Unknown agent token');
    const row = await this.db.selectFrom('locations').selectAll().where('agent_token_hash', '=', sha256(token)).executeTakeFirst();
    if (!row) throw new AppError('Unauthorized', 'Unknown agent token');
    return toLocation(row);
  }
}

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
    if (input.registerStoreId !== null && (typeof input.registerStoreId !== 'string' || !REGISTER_STORE_ID.test(input.registerStoreId))) throw bad('registerStoreId', 'must be 1-20 letters, digits, dots, dashes or underscores (the store number the register knows)');
    out.registerStoreId = input.registerStoreId;
  }
  if (input.registerIds !== undefined) {
    if (!REGISTER_ID_MODES.includes(input.registerIds)) throw bad('registerIds', `must be one of ${REGISTER_ID_MODES.join(', ')}`);
    out.registerIds = input.registerIds;
  }
  if (input.registerIdStart !== undefined) {
    if (!Number.isInteger(input.registerIdStart) || input.registerIdStart < 1 || input.registerIdStart > MAX_REGISTER_ID_START) throw bad('registerIdStart', `must be a whole number from 1 to ${MAX_REGISTER_ID_START}`);
    out.registerIdStart = input.registerIdStart;
  }
  if (input.outboxDir !== undefined) {
    if (input.outboxDir !== null && (!input.outboxDir.startsWith('/') || input.outboxDir.includes('\0') || input.outboxDir.length > 500)) throw bad('outboxDir', 'must be an absolute folder path');
    out.outboxDir = input.outboxDir;
  }
  return out;
}
