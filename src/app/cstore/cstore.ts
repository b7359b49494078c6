import { DeliveryService } from './delivery.service.ts';
import type { CstoreDeps } from './deps.ts';
import { EnrollmentService } from './enrollment.service.ts';
import { JournalImportService } from './journal-import.service.ts';
import { LocationsService } from './locations.service.ts';
import type { Actor, SyncRun } from './model.ts';
import { PosSalesService } from './pos-sales.service.ts';
import { SalesIntakeService } from './sales.service.ts';
import { ScanDataService } from './scandata.service.ts';
import { type AcceptRequest, type AcceptResult, ReviewService } from './review.service.ts';
import { type SyncOptions, SyncService } from './sync.service.ts';

/**
 * The c-store use cases over one database: locations and licenses, enrollment, sync, review and
 * delivery. Built once per process by the composition root (`server.ts`), shared by the admin API, the agent API, the
 * scheduler and the CLI.
 */
export class Cstore {
  readonly locations: LocationsService;
  readonly enrollments: EnrollmentService;
  readonly sync: SyncService;
  readonly review: ReviewService;
  readonly delivery: DeliveryService;
  readonly sales: SalesIntakeService;
  /** the c-store POS on the Loyalty API: sales in by POS key, validate for a c-store basket */
  readonly posSales: PosSalesService;
  readonly journal: JournalImportService;
  readonly scanData: ScanDataService;

  constructor(readonly deps: CstoreDeps) {
    this.locations = new LocationsService(deps, () => this.posSales.forgetUnlinked());
    this.enrollments = new EnrollmentService(deps);
    this.sync = new SyncService(deps, this.enrollments);
    this.review = new ReviewService(deps);
    this.delivery = new DeliveryService(deps);
    this.sales = new SalesIntakeService(deps);
    this.posSales = new PosSalesService(deps, this.sales);
    this.journal = new JournalImportService(deps);
    this.scanData = new ScanDataService(deps);
  }

  /** Sync one location, then put an auto-accepted batch into its outbox folder. */
  async syncLocation(locationId: string, opts: SyncOptions): Promise<SyncRun> {
    const run = await this.sync.syncLocation(locationId, opts);
    if (run.batchId) await this.delivery.writeOutbox(locationId);
    return run;
  }

  /** Accept Changes, then put the batch into the location's outbox folder (if it has one). */
  async accept(locationId: string, req: AcceptRequest, actor: Actor): Promise<AcceptResult> {
    const result = await this.review.accept(locationId, req, actor);
    if (!result.replayed) await this.delivery.writeOutbox(locationId);
    return result;
  }
}
