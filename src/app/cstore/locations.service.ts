import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
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
import { type Actor, INTEGRATION_STATUSES, LICENSE_TERMS, type License, type LicenseTerm, type Location, POS_SYSTEMS } from './model.ts';

export interface LocationInput {
  name: string;
  address: string;
  timeZone: string;
  posSystem: PosSystem;
  outletIds?: Partial<Record<Manufacturer, string>>;
  autoAccept?: boolean;
  syncTime?: string | null;
  outboxDir?: string | null;
}

export type LocationPatch = Partial<LocationInput>;

export interface LocationSummary extends Location {
  license: License | null;
  pendingChanges: number;
}

export interface RollOutResult {
  pilot: string[];
  turnedLive: string[];
  alreadyLive: string[];
  skipped: { locationId: string; name: string; reason: string }[];
}

const OUTLET_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MANUFACTURERS: readonly Manufacturer[] = ['rjr'];
const AGENT_TOKEN_PREFIX = 'tpg_';

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
    return rows.map((row) => {
      const own = licenses.filter((l) => l.location_id === row.id);
      const best = own.find((l) => licenseState(l, now) === 'active') ?? own.sort((a, b) => String(b.expires_at).localeCompare(String(a.expires_at)))[0];
      return { ...toLocation(row), license: best ? toLicense(best, now) : null, pendingChanges: pendingBy.get(row.id) ?? 0 };
    });
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
    return { ...toLocation(row), license: lic ? toLicense(lic, now) : null, pendingChanges: Number(n.n) };
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
  async rollOut(programId: string, actor: Actor): Promise<RollOutResult> {
    await this.requireProgramExists(programId);
    const now = this.now();
    const rows = await this.db.selectFrom('locations').selectAll().where('program_id', '=', programId).orderBy('name').execute();
    const pilots = rows.filter((r) => r.integration_status === 'pilot');
    if (pilots.length === 0) throw new AppError('InvalidTransition', 'no location is in pilot; put one location in pilot, sync and accept there first');
    const synced = await this.db
      .selectFrom('sync_runs')
      .select('location_id')
      .where('location_id', 'in', pilots.map((p) => p.id))
      .where('status', '=', 'succeeded')
      .executeTakeFirst();
    if (!synced) throw new AppError('InvalidTransition', 'the pilot location has not synced successfully yet; run a sync and review it before rolling out');
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

  // ---- POS agent tokens ----

  /** Issues a new agent token for a location (the old one stops working); shown once, stored hashed. */
  async issueAgentToken(locationId: string, actor: Actor): Promise<{ token: string; prefix: string }> {
    const row = await this.row(locationId);
    const token = `${AGENT_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
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
    if (!token.startsWith(AGENT_TOKEN_PREFIX)) throw new AppError('Unauthorized', 'Unknown agent token');
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
  if (input.outboxDir !== undefined) {
    if (input.outboxDir !== null && (!input.outboxDir.startsWith('/') || input.outboxDir.includes('\0') || input.outboxDir.length > 500)) throw bad('outboxDir', 'must be an absolute folder path');
    out.outboxDir = input.outboxDir;
  }
  return out;
}
