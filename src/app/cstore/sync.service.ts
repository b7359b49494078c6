import { currentLicense, findLocationRow, licenseState, lockLocation, registerState } from '../../adapters/db/repositories/cstore.repository.ts';
import { type LocationRow, updateLocations } from '../../adapters/db/repositories/locations.repository.ts';
import { findEnrollment } from '../../adapters/db/repositories/manufacturer-enrollments.repository.ts';
import { type ChangeRow, decideChanges, insertChanges, rejectedChanges } from '../../adapters/db/repositories/promotion-changes.repository.ts';
import { findSyncRun, insertSyncRun, latestSucceededRun, runsOfLocation } from '../../adapters/db/repositories/sync-runs.repository.ts';
import type { SyncRunTable } from '../../adapters/db/schema.ts';
import { type Tx, inTransaction } from '../../adapters/db/tx.ts';
import { planPromotionChanges, sameOnRegister, promotionKey } from '../../domain/promotions/diff.ts';
import type { Manufacturer, Promotion, PromotionChange, RejectedRecord } from '../../domain/promotions/promotion.ts';
import { localTimeAt } from '../../domain/time.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import { ConnectorError, EnrollmentBroken, type FetchPromotionsResult, type PageProgress } from '../ports/manufacturer-connector.ts';
import { AUTO_ACCEPT_ACTOR, type CstoreDeps } from './deps.ts';
import type { EnrollmentForSync, EnrollmentService } from './enrollment.service.ts';
import type { Location, SyncCounts, SyncRun, SyncRunDetail } from './model.ts';
import { acceptRows, pendingRows } from './review.service.ts';

export type SyncTrigger = SyncRunTable['trigger'];

export interface SyncOptions {
  trigger: SyncTrigger;
  manufacturer?: Manufacturer;
  onPage?: (progress: PageProgress) => void;
  signal?: AbortSignal;
}

/** Why a location is not synced; the reason lands in the sync log. */
export interface SyncBlocker {
  code: 'integration_off' | 'not_licensed' | 'license_expired' | 'no_enrollment' | 'enrollment_broken' | 'no_outlet_id';
  message: string;
}

/** Rejected records kept per run, for the operator to look at; the count is always exact. */
const MAX_REJECTED_KEPT = 100;

/**
 * The daily sync of one location: fetch every page from the manufacturer, then — in one
 * transaction — diff against the register state and the pending queue, queue the new changes and
 * write the sync-run record (and, at auto-accepting locations, accept at once). A failed fetch
 * writes only a failed sync-run record; nothing accepted or pending is touched.
 */
export class SyncService {
  constructor(
    private readonly deps: CstoreDeps,
    private readonly enrollments: EnrollmentService,
  ) {}

  private get db(): Tx {
    return this.deps.db.kysely;
  }

  /** Null when the location may sync now, else why not. */
  async blocker(loc: LocationRow, manufacturer: Manufacturer, now: Date): Promise<SyncBlocker | null> {
    const iso = now.toISOString();
    if (loc.integration_status === 'off') return { code: 'integration_off', message: `integration is off at ${loc.name}; set it to pilot or live` };
    const lic = await currentLicense(this.db, loc.id, iso);
    const state = lic ? licenseState(lic, iso) : 'unassigned';
    if (state === 'expired')
      return { code: 'license_expired', message: `Scan Data license expired ${lic!.expires_at}; assign a new license to resume the sync` };
    if (state !== 'active')
      return {
        code: 'not_licensed',
        message: state === 'scheduled' ? `Scan Data license starts ${lic!.starts_at}` : `${loc.name} has no Scan Data license; assign one to sync`,
      };
    const enrollment = await findEnrollment(this.db, loc.program_id, manufacturer);
    if (!enrollment) return { code: 'no_enrollment', message: `the program has no ${manufacturer.toUpperCase()} enrollment` };
    if (enrollment.status === 'broken')
      return {
        code: 'enrollment_broken',
        message: `${manufacturer.toUpperCase()} enrollment is broken: ${enrollment.status_reason ?? 'no reason given'}; save the enrollment again once fixed`,
      };
    if (loc.enrollment_error)
      return {
        code: 'enrollment_broken',
        message: `${manufacturer.toUpperCase()} refuses this outlet: ${loc.enrollment_error}; once fixed at RJR, retry the location (POST …/retry-outlet), or change the outlet id`,
      };
    const outlet = outletOf(loc, manufacturer, enrollment);
    if (!outlet) return { code: 'no_outlet_id', message: `${loc.name} has no ${manufacturer.toUpperCase()} outlet id` };
    if (enrollment.mode === 'single' && outlet !== enrollment.outlet_id)
      return { code: 'no_outlet_id', message: `the single-store enrollment covers outlet ${enrollment.outlet_id} only, not ${outlet}` };
    return null;
  }

  async syncLocation(locationId: string, opts: SyncOptions): Promise<SyncRun> {
    const manufacturer = opts.manufacturer ?? 'rjr';
    const started = this.deps.clock();
    const loc = await findLocationRow(this.db, locationId);
    if (!loc) throw new AppError('LocationNotFound', `No location ${locationId}`);
    const asOf = localTimeAt(started, loc.time_zone).date;
    const base = { loc, manufacturer, trigger: opts.trigger, asOf, started };

    const blocked = await this.blocker(loc, manufacturer, started);
    if (blocked) return this.record(base, { status: 'skipped', errorCode: blocked.code, error: blocked.message });

    let enrollment: EnrollmentForSync;
    try {
      enrollment = (await this.enrollments.forSync(loc.program_id, manufacturer))!;
    } catch {
      // A changed TILLPOINT_SECRET_KEY: the sealed credentials no longer open.
      return this.record(base, {
        status: 'failed',
        errorCode: 'credentials_unreadable',
        error: 'the stored enrollment credentials cannot be opened with the configured TILLPOINT_SECRET_KEY; save the enrollment again',
      });
    }
    const outlet = outletOf(loc, manufacturer, enrollment)!;
    let feed: FetchPromotionsResult;
    try {
      const connector = this.deps.connectorFor(enrollment.baseUrl ?? this.deps.config.rjrBaseUrl);
      feed = await connector.fetchPromotions(enrollment.connectorEnrollment, outlet, asOf, { onPage: opts.onPage, signal: opts.signal });
    } catch (e) {
      const err = e instanceof ConnectorError ? e : null;
      if (e instanceof EnrollmentBroken) {
        const now = this.deps.clock().toISOString();
        await updateLocations(this.db, loc.id, { enrollmentError: { reason: e.reason, at: now } });
        if (enrollment.mode === 'single') await this.enrollments.markBroken(loc.program_id, manufacturer, e.reason);
      }
      const run = await this.record(base, {
        status: 'failed',
        errorCode: err?.code ?? 'internal',
        error: err ? err.message : `unexpected error: ${(e as Error).message}`,
      });
      this.deps.log.warn({ locationId: loc.id, runId: run.id, errorCode: run.errorCode, error: run.error }, 'promotion sync failed');
      return run;
    }

    try {
      const run = await inTransaction(this.db, (trx) => this.apply(trx, base, feed));
      this.deps.log.info(
        {
          locationId: loc.id,
          runId: run.id,
          added: run.added,
          modified: run.modified,
          ended: run.ended,
          rejected: run.rejected,
          pages: run.pages,
          ms: run.durationMs,
        },
        'promotion sync finished',
      );
      return run;
    } catch (e) {
      const run = await this.record(base, {
        status: 'failed',
        errorCode: 'storage',
        error: `could not store the changes: ${(e as Error).message}`,
        pages: feed.pages,
      });
      this.deps.log.error({ locationId: loc.id, runId: run.id, err: e }, 'promotion sync could not store its changes');
      return run;
    }
  }

  private async apply(trx: Tx, base: RunBase, feed: FetchPromotionsResult): Promise<SyncRun> {
    const { loc, manufacturer } = base;
    if (!(await lockLocation(trx, loc.id))) throw new Error('location vanished during the sync');
    // Read again under the lock: a concurrent Accept or sync has finished by now.
    const current = (await findLocationRow(trx, loc.id))!;
    const register = await registerState(trx, loc.id, manufacturer);
    const pending = (await pendingRows(trx, loc.id)).filter((r) => r.manufacturer === manufacturer);
    const remembered = await rememberedRejections(trx, loc.id, manufacturer, register, pending);
    const input: (PromotionChange & { row: ChangeRow })[] = [...remembered, ...pending]
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))
      .map((row) => ({ kind: row.kind, externalId: row.external_id, before: parse(row.before), after: parse(row.after), row }));
    // Records rejected today hold their promotions as they are (register copy and queue alike).
    const valid = new Set(feed.promotions.map((p) => p.externalId));
    const hold = {
      externalIds: feed.rejected.map((r) => r.externalId).filter((id): id is string => id !== null && !valid.has(id)),
      unidentified: feed.rejected.some((r) => r.externalId === null),
    };
    const plan = planPromotionChanges(register, input, feed.promotions, base.asOf, hold);

    const now = this.deps.clock().toISOString();
    const runId = newId();
    const withdrawn = (plan.superseded as typeof input).map((c) => c.row).filter((r) => r.status === 'pending');
    await decideChanges(
      trx,
      withdrawn.map((r) => r.id),
      { status: 'superseded', at: now, by: `sync:${runId}` },
    );
    const rows: ChangeRow[] = plan.changes.map((c) => ({
      id: newId(),
      program_id: loc.program_id,
      location_id: loc.id,
      manufacturer,
      external_id: c.externalId,
      kind: c.kind,
      before: c.before ? JSON.stringify(c.before) : null,
      after: c.after ? JSON.stringify(c.after) : null,
      status: 'pending',
      reason: null,
      sync_run_id: runId,
      batch_id: null,
      created_at: now,
      decided_at: null,
      decided_by: null,
    }));
    await insertChanges(trx, rows);

    let batchId: string | null = null;
    if (current.auto_accept === 1) {
      const all = await pendingRows(trx, loc.id);
      if (all.length) batchId = (await acceptRows(trx, current, all, AUTO_ACCEPT_ACTOR, now, null, this.deps.renderBatch)).id;
    }
    const count = (k: PromotionChange['kind']) => plan.changes.filter((c) => c.kind === k).length;
    return this.insertRun(trx, base, {
      id: runId,
      status: 'succeeded',
      pages: feed.pages,
      added: count('add'),
      modified: count('modify'),
      ended: count('end'),
      rejected: feed.rejected.length,
      superseded: withdrawn.length,
      rejectedRecords: feed.rejected,
      batchId,
    });
  }

  private async record(base: RunBase, r: Partial<RunFields>): Promise<SyncRun> {
    return this.insertRun(this.db, base, r);
  }

  private async insertRun(db: Tx, base: RunBase, r: Partial<RunFields>): Promise<SyncRun> {
    const finished = this.deps.clock();
    const row: SyncRunTable = {
      id: r.id ?? newId(),
      program_id: base.loc.program_id,
      location_id: base.loc.id,
      manufacturer: base.manufacturer,
      trigger: base.trigger,
      as_of: base.asOf,
      started_at: base.started.toISOString(),
      finished_at: finished.toISOString(),
      duration_ms: Math.max(0, finished.getTime() - base.started.getTime()),
      status: r.status ?? 'failed',
      pages: r.pages ?? 0,
      added: r.added ?? 0,
      modified: r.modified ?? 0,
      ended: r.ended ?? 0,
      rejected: r.rejected ?? 0,
      superseded: r.superseded ?? 0,
      error_code: r.errorCode ?? null,
      error: r.error ?? null,
      rejected_records: JSON.stringify((r.rejectedRecords ?? []).slice(0, MAX_REJECTED_KEPT)),
      batch_id: r.batchId ?? null,
    };
    return insertSyncRun(db, row);
  }

  async runs(locationId: string, limit = 50): Promise<SyncRun[]> {
    return runsOfLocation(this.db, locationId, Math.min(limit, 500));
  }

  /**
   * The records the newest successful sync rejected, for the manager: each with its reason and
   * what it meant for the register — a promotion the register has is kept as it is
   * (`kept_on_register`), a new one is not added (`not_added`), and a record without a readable id
   * holds back every end of that day (`unidentified`).
   */
  async rejectedRecords(locationId: string): Promise<RejectedRecordsView> {
    const detail = await latestSucceededRun(this.db, locationId);
    if (!detail) return { syncRunId: null, asOf: null, finishedAt: null, total: 0, records: [] };
    const register = await registerState(this.db, locationId, detail.manufacturer);
    const onRegister = new Set(register.map((p) => p.externalId));
    const records = detail.rejectedRecords.map((r): RejectedRecordView => {
      const kept = r.externalId !== null && onRegister.has(r.externalId);
      const effect: RejectedRecordView['effect'] = r.externalId === null ? 'unidentified' : kept ? 'kept_on_register' : 'not_added';
      const label =
        effect === 'unidentified'
          ? `A record without a readable promotion id was rejected (${r.reason}); no promotion was ended that day`
          : effect === 'kept_on_register'
            ? `${r.externalId} was rejected (${r.reason}); the register keeps its current copy`
            : `${r.externalId} was rejected (${r.reason}); it is not on the register and was not added`;
      return { ...r, onRegister: kept, effect, label };
    });
    return { syncRunId: detail.id, asOf: detail.asOf, finishedAt: detail.finishedAt, total: detail.rejected, records };
  }

  async run(runId: string): Promise<SyncRunDetail> {
    const run = await findSyncRun(this.db, runId);
    if (!run) throw new AppError('NotFound', `No sync run ${runId}`);
    return run;
  }
}

export interface RejectedRecordView extends RejectedRecord {
  /** whether the register has the promotion (it keeps that copy) */
  onRegister: boolean;
  effect: 'kept_on_register' | 'not_added' | 'unidentified';
  /** the record's fate in words */
  label: string;
}

export interface RejectedRecordsView {
  /** the newest successful sync run, null when none */
  syncRunId: string | null;
  asOf: string | null;
  finishedAt: string | null;
  /** records rejected by that run (the list keeps the first 100) */
  total: number;
  records: RejectedRecordView[];
}

interface RunBase {
  loc: LocationRow;
  manufacturer: Manufacturer;
  trigger: SyncTrigger;
  asOf: string;
  started: Date;
}

interface RunFields extends SyncCounts {
  id: string;
  status: SyncRunTable['status'];
  errorCode: string;
  error: string;
  rejectedRecords: RejectedRecord[];
  batchId: string | null;
}

const parse = (text: string | null): Promotion | null => (text === null ? null : (JSON.parse(text) as Promotion));

export function outletOf(
  loc: Pick<LocationRow, 'outlet_ids'>,
  manufacturer: Manufacturer,
  enrollment: { mode: 'single' | 'chain'; outlet_id?: string | null; outletId?: string | null },
): string | null {
  const own = (JSON.parse(loc.outlet_ids) as Location['outletIds'])[manufacturer];
  if (own) return own;
  return enrollment.mode === 'single' ? (enrollment.outlet_id ?? enrollment.outletId ?? null) : null;
}

/**
 * A manager's rejection holds while the register is as it was when they rejected and nothing newer
 * is pending: the same offer is not queued again every morning. The latest rejection per
 * promotion counts; a feed that changes the promotion again queues it again.
 */
async function rememberedRejections(
  trx: Tx,
  locationId: string,
  manufacturer: Manufacturer,
  register: Promotion[],
  pending: ChangeRow[],
): Promise<ChangeRow[]> {
  const rows = await rejectedChanges(trx, locationId, manufacturer);
  if (!rows.length) return [];
  const onRegister = new Map(register.map((p) => [promotionKey(p), p]));
  const pendingIds = new Set(pending.map((r) => r.external_id));
  const latest = new Map<string, ChangeRow>();
  for (const r of rows) latest.set(r.external_id, r);
  return [...latest.values()].filter(
    (r) => !pendingIds.has(r.external_id) && sameOnRegister(parse(r.before), onRegister.get(promotionKey({ manufacturer, externalId: r.external_id })) ?? null),
  );
}
