import { locationsOfProgram, type LocationRow } from '../../adapters/db/repositories/locations.repository.ts';
import { saleLinesOfWeek } from '../../adapters/db/repositories/cstore-sales.repository.ts';
import { writeAudit } from '../../adapters/db/repositories/outbox.repository.ts';
import { findProgram } from '../../adapters/db/repositories/config.repository.ts';
import {
  deleteScanDataAccountWithoutFiles,
  findScanDataAccount,
  findSubmission,
  insertScanDataAccount,
  insertSubmission,
  latestSubmission,
  latestSubmissions,
  locationsLicensedDuring,
  moveSubmission,
  type ScanDataAccountRow,
  type ScanDataSubmissionRow,
  scanDataAccounts,
  transactionsPerLocation,
  updateScanDataAccount,
} from '../../adapters/db/repositories/scan-data-submissions.repository.ts';
import { type Tx, inTransaction, orConflict } from '../../adapters/db/tx.ts';
import type { ScanDataFormat, ScanDataOutlet } from '../../adapters/scandata/writer.ts';
import type { ValidationReport } from '../../adapters/scandata/validation.ts';
import { addDays, isDate } from '../../domain/calendar.ts';
import type { PricedLine } from '../../domain/scandata/pricing.ts';
import { basketKey } from '../../domain/scandata/sale-line.ts';
import { priceSales } from '../../domain/scandata/stream.ts';
import {
  dueAt,
  holdReason,
  SUBMISSION_TRANSITIONS,
  type SubmissionState,
  type SubmissionStatus,
  submissionStanding,
} from '../../domain/scandata/submission.ts';
import { type ScanWeek, weekContaining } from '../../domain/scandata/week.ts';
import { localTimeAt } from '../../domain/time.ts';
import { AppError } from '../../errors.ts';
import { newId, sha256 } from '../../lib/ids.ts';
import { maskSecret } from '../../lib/secret-box.ts';
import { decodeCursor, encodeCursor, type Page, pageLimit } from '../pagination.ts';
import type { Readable } from 'node:stream';
import { type CstoreDeps, auditActor } from './deps.ts';
import type { Actor } from './model.ts';
import { instantsBounding, loadPromotionsAt } from './promotion-history.ts';

/**
 * Scan-data submissions (issue #12 item 5): a program's accounts at each manufacturer, the weekly
 * file of each account generated from the recorded sales priced with the promotions accepted at
 * sale time, validated by the format's own validator, and its life after that — held for review,
 * released, submitted, rejected by the collector, superseded by a new generation.
 */

/** The manufacturers with a scan-data format; the account's format is the manufacturer's. */
export const SCAN_DATA_MANUFACTURERS = ['rjr', 'altria'] as const;
export type ScanDataManufacturer = (typeof SCAN_DATA_MANUFACTURERS)[number];

/** One outlet of an account as an admin lists it; what is left out comes from the location. */
export interface OutletInput {
  locationId: string;
  outletNumber?: string;
  name?: string;
  address1?: string;
  address2?: string | null;
  city?: string;
  state?: string;
  zip?: string;
  phone?: string | null;
  contactName?: string | null;
  contactEmail?: string | null;
}

export interface ScanDataAccountInput {
  manufacturer: ScanDataManufacturer;
  accountNumber: string;
  retailerName: string;
  submitterName: string;
  /** the format's options (RJR: `{ dateSeparator: '-' | ' ' }`) */
  options?: Record<string, unknown>;
  /** the account's outlets; absent or null: the program's locations licensed during the week */
  outlets?: OutletInput[] | null;
}

export type ScanDataAccountPatch = Partial<Omit<ScanDataAccountInput, 'manufacturer'>>;

export interface ScanDataAccountView {
  id: string;
  programId: string;
  manufacturer: string;
  format: string;
  /** masked: `••••1234` */
  accountNumber: string;
  retailerName: string;
  submitterName: string;
  options: Record<string, unknown>;
  outlets: OutletInput[] | null;
  createdAt: string;
  updatedAt: string;
}

export interface SubmissionView {
  /** null for a week with nothing generated yet (`pending`) */
  id: string | null;
  accountId: string;
  programId: string;
  manufacturer: string;
  accountNumber: string;
  weekStart: string;
  weekEnd: string;
  dueAt: string;
  state: SubmissionState;
  status: SubmissionStatus;
  late: boolean;
  warning: string | null;
  generation: number | null;
  fileName: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  rows: number | null;
  quantity: number | null;
  finalSalesCents: number | null;
  transactions: number | null;
  outlets: number | null;
  validation: { ok: boolean; violationCount: number; byCode: Record<string, number> } | null;
  holdReason: string | null;
  generatedAt: string | null;
  generatedBy: string | null;
  releasedAt: string | null;
  releasedBy: string | null;
  submittedAt: string | null;
  submittedBy: string | null;
  rejectedAt: string | null;
  rejectionCode: string | null;
  rejectionMessage: string | null;
}

export interface GenerateOptions {
  /** write the file here instead of the configured directory (CLI `--out`) */
  outDir?: string;
  /** the job: an account + week that has a submission already is left as it is (a held week stays held) */
  onlyIfMissing?: boolean;
  /** rows written so far, now and then */
  onProgress?: (rows: number) => void;
}

export interface GenerateResult {
  submission: SubmissionView;
  /** the file's absolute path */
  path: string;
  /** false when an existing submission was kept (`onlyIfMissing`) */
  generated: boolean;
  report: ValidationReport | null;
}

export interface SubmissionFilter {
  manufacturer?: string;
  accountId?: string;
  /** any date of the week */
  week?: string;
  /** how many ended weeks back (default 8, at most 52) */
  weeks?: number;
  status?: SubmissionStatus;
}

const PROGRESS_EVERY = 1_000;
const ACCOUNT_NUMBER = /^[A-Za-z0-9-]{1,32}$/;
const ADDRESS = /^(.*?),\s*([^,]+),\s*([A-Za-z]{2})\s+(\d{5}(?:-\d{4})?)\s*$/;
/** "Today" for which weeks have ended and deadlines: the deadlines' own zone. */
const DEADLINE_ZONE = 'America/New_York';

/** A free-text location address "street, city, ST 12345" in the writers' fields (blank when it does not parse). */
export function splitAddress(address: string): Pick<ScanDataOutlet, 'address1' | 'city' | 'state' | 'zip'> {
  const m = ADDRESS.exec(address.trim());
  if (!m) return { address1: address.trim(), city: '', state: '', zip: '' };
  return { address1: m[1]!.trim(), city: m[2]!.trim(), state: m[3]!.toUpperCase(), zip: m[4]! };
}

const bad = (field: string, message: string) => new AppError('ValidationError', message, { field });

export class ScanDataService {
  constructor(private readonly deps: CstoreDeps) {}

  private get db(): Tx {
    return this.deps.db.kysely;
  }
  private now(): string {
    return this.deps.clock().toISOString();
  }

  private format(manufacturer: string): ScanDataFormat {
    const f = this.deps.scanData.formats.get(manufacturer);
    if (!f) throw bad('manufacturer', `no scan-data format for ${manufacturer}`);
    return f;
  }

  // ---- accounts ----

  private view(row: ScanDataAccountRow): ScanDataAccountView {
    return {
      id: row.id,
      programId: row.program_id,
      manufacturer: row.manufacturer,
      format: row.format,
      accountNumber: row.account_number_mask,
      retailerName: row.retailer_name,
      submitterName: row.submitter_name,
      options: JSON.parse(row.options) as Record<string, unknown>,
      outlets: row.outlets === null ? null : (JSON.parse(row.outlets) as OutletInput[]),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async listAccounts(programId: string, manufacturer?: string): Promise<ScanDataAccountView[]> {
    return (await scanDataAccounts(this.db, { programId, ...(manufacturer ? { manufacturer } : {}) })).map((r) => this.view(r));
  }

  /** The account row; 404 `NotFound` when there is none. */
  async accountRow(accountId: string): Promise<ScanDataAccountRow> {
    const row = await findScanDataAccount(this.db, accountId);
    if (!row) throw new AppError('NotFound', `No scan-data account ${accountId}`);
    return row;
  }

  async account(accountId: string): Promise<ScanDataAccountView> {
    return this.view(await this.accountRow(accountId));
  }

  private async checkedOutlets(programId: string, accountNumber: string, outlets: OutletInput[] | null | undefined): Promise<string | null> {
    if (outlets === undefined || outlets === null) return null;
    const locations = new Set((await locationsOfProgram(this.db, programId)).map((l) => l.id));
    const seen = new Set<string>();
    outlets.forEach((o, i) => {
      if (!locations.has(o.locationId)) throw bad(`outlets[${i}].locationId`, `no location ${o.locationId} in this program`);
      if (seen.has(o.locationId)) throw bad(`outlets[${i}].locationId`, `location ${o.locationId} is listed twice`);
      seen.add(o.locationId);
      if (o.outletNumber !== undefined && o.outletNumber === accountNumber)
        throw bad(`outlets[${i}].outletNumber`, 'an outlet number is the store’s own id, never the account number');
      if (o.state !== undefined && !/^[A-Z]{2}$/.test(o.state)) throw bad(`outlets[${i}].state`, 'state is two upper-case letters');
      if (o.zip !== undefined && !/^\d{5}(-\d{4})?$/.test(o.zip)) throw bad(`outlets[${i}].zip`, 'zip is 5 digits or ZIP+4');
    });
    return JSON.stringify(outlets);
  }

  private checkedOptions(format: ScanDataFormat, input: unknown): string {
    try {
      return JSON.stringify(this.deps.scanData.options(format, input ?? {}));
    } catch (e) {
      throw bad('options', e instanceof Error ? e.message : String(e));
    }
  }

  private checkedNumber(accountNumber: string): string {
    const n = accountNumber.trim();
    if (!ACCOUNT_NUMBER.test(n)) throw bad('accountNumber', 'accountNumber is 1–32 letters, digits or dashes');
    return n;
  }

  /** A new account of the program at a manufacturer; its number sealed at rest. Audited. */
  async createAccount(programId: string, input: ScanDataAccountInput, actor: Actor): Promise<ScanDataAccountView> {
    if (!(await findProgram(this.db, programId))) throw new AppError('NotFound', 'No such program');
    const format = this.format(input.manufacturer);
    const number = this.checkedNumber(input.accountNumber);
    const now = this.now();
    const row = {
      id: newId(),
      program_id: programId,
      manufacturer: input.manufacturer,
      format: format.id,
      account_number_enc: this.deps.config.secrets.seal(number),
      account_number_hash: sha256(number),
      account_number_mask: maskSecret(number),
      retailer_name: input.retailerName.trim(),
      submitter_name: input.submitterName.trim(),
      options: this.checkedOptions(format, input.options),
      outlets: await this.checkedOutlets(programId, number, input.outlets),
      created_at: now,
      updated_at: now,
    };
    await orConflict(
      inTransaction(this.db, async (trx) => {
        await insertScanDataAccount(trx, row);
        await this.audit(trx, programId, actor, 'scandata.account.created', `scandata-account:${row.id}`, undefined, this.view(row), now);
      }),
      `the program has ${input.manufacturer} account ${maskSecret(number)} already`,
      'accountNumber',
    );
    return this.view(row);
  }

  async updateAccount(accountId: string, patch: ScanDataAccountPatch, actor: Actor): Promise<ScanDataAccountView> {
    const before = await this.accountRow(accountId);
    const format = this.format(before.manufacturer);
    const number = patch.accountNumber !== undefined ? this.checkedNumber(patch.accountNumber) : this.deps.config.secrets.open(before.account_number_enc);
    const values = {
      ...(patch.accountNumber !== undefined
        ? { account_number_enc: this.deps.config.secrets.seal(number), account_number_hash: sha256(number), account_number_mask: maskSecret(number) }
        : {}),
      ...(patch.retailerName !== undefined ? { retailer_name: patch.retailerName.trim() } : {}),
      ...(patch.submitterName !== undefined ? { submitter_name: patch.submitterName.trim() } : {}),
      ...(patch.options !== undefined ? { options: this.checkedOptions(format, patch.options) } : {}),
      ...(patch.outlets !== undefined ? { outlets: await this.checkedOutlets(before.program_id, number, patch.outlets) } : {}),
      updated_at: this.now(),
    };
    const after = { ...before, ...values };
    await orConflict(
      inTransaction(this.db, async (trx) => {
        await updateScanDataAccount(trx, accountId, values);
        await this.audit(
          trx,
          before.program_id,
          actor,
          'scandata.account.updated',
          `scandata-account:${accountId}`,
          this.view(before),
          this.view(after),
          values.updated_at,
        );
      }),
      `the program has this ${before.manufacturer} account already`,
      'accountNumber',
    );
    return this.view(after);
  }

  /** Removes an account with no file generated (409 otherwise: its submissions are a record). */
  async deleteAccount(accountId: string, actor: Actor): Promise<void> {
    const before = await this.accountRow(accountId);
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      if (!(await deleteScanDataAccountWithoutFiles(trx, accountId)))
        throw new AppError('InvalidTransition', 'the account has generated files; it stays as their record');
      await this.audit(trx, before.program_id, actor, 'scandata.account.deleted', `scandata-account:${accountId}`, this.view(before), undefined, now);
    });
  }

  private async audit(
    trx: Tx,
    programId: string,
    actor: Actor,
    action: string,
    entity: string,
    before: unknown,
    after: unknown,
    at: string,
    reason: string | null = null,
  ) {
    const [entityType, entityId] = entity.split(/:(.*)/s) as [string, string];
    await writeAudit(trx, { program_id: programId, ...auditActor(actor), action, entity_type: entityType, entity_id: entityId, before, after, reason }, at);
  }

  // ---- the week's outlets ----

  /**
   * The outlets of an account for a week: the listed ones, or the program's locations licensed
   * during the week; each location's number at this manufacturer (`outlet_ids`, else its register
   * store number) and address (parsed from the location's "street, city, ST zip") unless listed.
   */
  async outletsOf(account: ScanDataAccountRow, week: ScanWeek): Promise<{ outlets: ScanDataOutlet[]; timeZones: Map<string, string> }> {
    const locations = new Map<string, LocationRow>((await locationsOfProgram(this.db, account.program_id)).map((l) => [l.id, l]));
    const listed: OutletInput[] =
      account.outlets !== null
        ? (JSON.parse(account.outlets) as OutletInput[])
        : (await locationsLicensedDuring(this.db, account.program_id, week.start, week.end)).map((locationId) => ({ locationId }));
    const outlets: ScanDataOutlet[] = [];
    const timeZones = new Map<string, string>();
    for (const o of listed) {
      const l = locations.get(o.locationId);
      if (!l) continue;
      const ids = JSON.parse(l.outlet_ids) as Record<string, string | undefined>;
      const address = splitAddress(l.address);
      timeZones.set(l.id, l.time_zone);
      outlets.push({
        locationId: l.id,
        outletNumber: o.outletNumber ?? ids[account.manufacturer] ?? l.register_store_id ?? l.id,
        name: o.name ?? l.name,
        address1: o.address1 ?? address.address1,
        address2: o.address2 ?? null,
        city: o.city ?? address.city,
        state: o.state ?? address.state,
        zip: o.zip ?? address.zip,
        phone: o.phone ?? null,
        contactName: o.contactName ?? null,
        contactEmail: o.contactEmail ?? null,
      });
    }
    outlets.sort((a, b) => a.outletNumber.localeCompare(b.outletNumber));
    return { outlets, timeZones };
  }

  // ---- generate ----

  /** The week of an account's format that contains `date`. */
  weekOf(account: Pick<ScanDataAccountRow, 'format'>, date: string): ScanWeek {
    if (!isDate(date)) throw bad('week', `week "${date}" is not a date YYYY-MM-DD`);
    return weekContaining(date, this.format(account.format).weekStart);
  }

  /** The latest week of this kind that has ended at `now` (the week before the current one). */
  lastEndedWeek(account: Pick<ScanDataAccountRow, 'format'>, now: Date): ScanWeek {
    const today = localTimeAt(now, DEADLINE_ZONE).date;
    return this.weekOf(account, addDays(this.weekOf(account, today).start, -1));
  }

  /**
   * Generates the account's file for the week containing `date`: sale lines → priced with the
   * promotions accepted at each sale's moment → the format's writer → the file, then the same
   * format's validator over the file. Records the submission (a new generation supersedes the
   * last one); a thin week is held for review. 409 when the week's file was submitted already.
   */
  async generate(accountId: string, date: string, actor: Actor, opts: GenerateOptions = {}): Promise<GenerateResult> {
    const account = await this.accountRow(accountId);
    const format = this.format(account.format);
    const week = this.weekOf(account, date);
    const previous = await latestSubmission(this.db, account.id, week.start);
    if (previous && opts.onlyIfMissing)
      return { submission: this.submissionView(account, week, previous), path: previous.file_path, generated: false, report: null };
    if (previous?.state === 'submitted')
      throw new AppError('InvalidTransition', `the ${week.start} file was submitted; record the collector's rejection before generating it again`);
    const number = this.deps.config.secrets.open(account.account_number_enc);
    const scanAccount = { accountNumber: number, retailerName: account.retailer_name, submitterName: account.submitter_name };
    const { outlets, timeZones } = await this.outletsOf(account, week);
    const byLocation = new Map(outlets.map((o) => [o.locationId, o]));
    const locationIds = outlets.map((o) => o.locationId);
    const options = JSON.parse(account.options) as Record<string, unknown>;
    const generatedAt = this.deps.clock();
    const zone = timeZones.get(locationIds[0] ?? '') ?? DEADLINE_ZONE;
    const local = localTimeAt(generatedAt, zone);
    const fileName = format.fileName(scanAccount, { date: local.date, time: local.time });
    const generation = (previous?.generation ?? 0) + 1;
    const path = this.deps.scanData.files.pathFor({ accountId: account.id, weekStart: week.start, generation, fileName }, opts.outDir);

    // Sales of the week: every store-local date of it; the promotions of the instants around it.
    const bounds = instantsBounding(week.start, week.end);
    const promotionsAt = await loadPromotionsAt(this.db, locationIds, bounds.from, bounds.to);
    const counted = { rows: 0, baskets: 0, outlets: new Set<string>() };
    const rows = (): AsyncIterable<PricedLine> => {
      counted.rows = 0;
      counted.baskets = 0;
      counted.outlets.clear();
      let lastBasket = '';
      const priced = priceSales(saleLinesOfWeek(this.db, { locationIds, from: week.start, to: week.end }), promotionsAt);
      return (async function* () {
        for await (const row of priced) {
          const key = basketKey(row.line);
          if (key !== lastBasket) {
            lastBasket = key;
            counted.baskets++;
            counted.outlets.add(row.line.locationId);
          }
          if (++counted.rows % PROGRESS_EVERY === 0) opts.onProgress?.(counted.rows);
          yield row;
        }
      })();
    };
    const file = this.deps.scanData.files.create(path);
    let written: Awaited<ReturnType<ScanDataFormat['write']>>;
    let stored: { size: number; sha256: string };
    try {
      written = await format.write({ account: scanAccount, week, outlet: (id) => byLocation.get(id), rows, options }, file.out);
      stored = await file.finish();
      await file.commit();
    } catch (e) {
      await file.discard();
      throw e;
    }
    opts.onProgress?.(written.rows);
    const report = await format.validate(this.deps.scanData.files.lines(path), {
      week: week.start,
      accountNumber: number,
      ...(typeof options.dateSeparator === 'string' ? { dateSeparator: options.dateSeparator as '-' | ' ' } : {}),
    });

    // Held for review: an expected outlet without sales, or far fewer transactions than usual.
    const released = previous?.released_at ? previous : null;
    let hold: string | null = null;
    if (report.ok && !released) {
      const weeks = [0, 1, 2, 3, 4].map((k) => ({ from: addDays(week.start, -7 * k), to: addDays(week.end, -7 * k) }));
      const counts = await Promise.all(weeks.map((w) => transactionsPerLocation(this.db, locationIds, w.from, w.to)));
      const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
      hold = holdReason(
        {
          expectedOutlets: locationIds.length,
          outletsWithSales: locationIds.filter((id) => (counts[0]!.get(id) ?? 0) > 0).length,
          transactions: sum(counts[0]!),
          trailing: counts.slice(1).map(sum).reverse(),
        },
        this.deps.config.scanDataHoldPercent,
      );
    }
    const state: SubmissionState = !report.ok ? 'invalid' : hold ? 'held' : 'generated';
    const row = {
      id: newId(),
      account_id: account.id,
      program_id: account.program_id,
      manufacturer: account.manufacturer,
      week_start: week.start,
      week_end: week.end,
      generation,
      state,
      file_name: fileName,
      file_path: path,
      size_bytes: stored.size,
      sha256: stored.sha256,
      row_count: written.rows,
      quantity: written.quantity,
      final_sales_cents: written.finalSalesCents,
      transactions: counted.baskets,
      outlets: counted.outlets.size,
      validation: JSON.stringify({ ok: report.ok, violationCount: report.violationCount, byCode: report.byCode }),
      hold_reason: hold,
      generated_at: generatedAt.toISOString(),
      generated_by: actor.name,
      released_at: released?.released_at ?? null,
      released_by: released?.released_by ?? null,
      submitted_at: null,
      submitted_by: null,
      rejected_at: null,
      rejection_code: null,
      rejection_message: null,
    };
    await orConflict(
      inTransaction(this.db, async (trx) => {
        await insertSubmission(trx, row);
        await this.audit(
          trx,
          account.program_id,
          actor,
          'scandata.generated',
          `scandata-submission:${row.id}`,
          previous ? { id: previous.id, generation: previous.generation, state: previous.state } : undefined,
          { accountId: account.id, week: week.start, generation, state, fileName, rows: written.rows, sha256: stored.sha256, holdReason: hold },
          row.generated_at,
        );
      }),
      `the ${week.start} file of this account was generated meanwhile`,
      'week',
    );
    return { submission: this.submissionView(account, week, row), path, generated: true, report };
  }

  /**
   * Every account of a manufacturer (optionally one account number, one program): the CLI and the
   * Monday job. Each account's outcome, in order; one account failing does not stop the others.
   */
  async accountsFor(q: { manufacturer?: string; accountNumber?: string; programId?: string | null }): Promise<ScanDataAccountRow[]> {
    return scanDataAccounts(this.db, {
      ...(q.manufacturer ? { manufacturer: q.manufacturer } : {}),
      ...(q.accountNumber ? { numberHash: sha256(q.accountNumber.trim()) } : {}),
      programId: q.programId ?? null,
    });
  }

  // ---- submissions ----

  submissionView(account: ScanDataAccountRow, week: ScanWeek, row: ScanDataSubmissionRow | undefined, now: Date = this.deps.clock()): SubmissionView {
    const due = dueAt(account.manufacturer, week);
    const state = (row?.state ?? 'pending') as SubmissionState;
    const standing = submissionStanding(state, due, now, row?.submitted_at ?? null);
    return {
      id: row?.id ?? null,
      accountId: account.id,
      programId: account.program_id,
      manufacturer: account.manufacturer,
      accountNumber: account.account_number_mask,
      weekStart: week.start,
      weekEnd: week.end,
      dueAt: due,
      state,
      ...standing,
      generation: row?.generation ?? null,
      fileName: row?.file_name ?? null,
      sizeBytes: row ? Number(row.size_bytes) : null,
      sha256: row?.sha256 ?? null,
      rows: row?.row_count ?? null,
      quantity: row?.quantity ?? null,
      finalSalesCents: row ? Number(row.final_sales_cents) : null,
      transactions: row?.transactions ?? null,
      outlets: row?.outlets ?? null,
      validation: row ? (JSON.parse(row.validation) as SubmissionView['validation']) : null,
      holdReason: row?.hold_reason ?? null,
      generatedAt: row?.generated_at ?? null,
      generatedBy: row?.generated_by ?? null,
      releasedAt: row?.released_at ?? null,
      releasedBy: row?.released_by ?? null,
      submittedAt: row?.submitted_at ?? null,
      submittedBy: row?.submitted_by ?? null,
      rejectedAt: row?.rejected_at ?? null,
      rejectionCode: row?.rejection_code ?? null,
      rejectionMessage: row?.rejection_message ?? null,
    };
  }

  /**
   * The program's submissions, one per account and week, newest week first: the last ended weeks
   * (8 by default), or the one week asked for; a week with nothing generated is `pending` (listed from the
   * week before the account was created on). Cursor pages like every admin list.
   */
  async listSubmissions(programId: string, filter: SubmissionFilter, page: { limit?: number; cursor?: string } = {}): Promise<Page<SubmissionView>> {
    const limit = pageLimit(page.limit);
    const after = decodeCursor(page.cursor);
    const weeksBack = filter.weeks ?? 8;
    if (!Number.isInteger(weeksBack) || weeksBack < 1 || weeksBack > 52) throw bad('weeks', 'weeks is a whole number from 1 to 52');
    let accounts = await scanDataAccounts(this.db, { programId, ...(filter.manufacturer ? { manufacturer: filter.manufacturer } : {}) });
    if (filter.accountId) accounts = accounts.filter((a) => a.id === filter.accountId);
    const now = this.deps.clock();
    const items: SubmissionView[] = [];
    for (const account of accounts) {
      let weeks: ScanWeek[];
      if (filter.week) weeks = [this.weekOf(account, filter.week)];
      else {
        const last = this.lastEndedWeek(account, now);
        const createdWeek = this.weekOf(account, addDays(account.created_at.slice(0, 10), -7)).start;
        weeks = [];
        for (let k = 0; k < weeksBack; k++) {
          const w = this.weekOf(account, addDays(last.start, -7 * k));
          if (w.start >= createdWeek) weeks.push(w);
        }
      }
      const rows = new Map(
        (
          await latestSubmissions(
            this.db,
            [account.id],
            weeks.map((w) => w.start),
          )
        ).map((r) => [r.week_start, r]),
      );
      for (const w of weeks) items.push(this.submissionView(account, w, rows.get(w.start), now));
    }
    const filtered = filter.status ? items.filter((i) => i.status === filter.status) : items;
    filtered.sort((a, b) => (a.weekStart === b.weekStart ? a.accountId.localeCompare(b.accountId) : b.weekStart.localeCompare(a.weekStart)));
    const start = after ? filtered.filter((i) => i.weekStart < after.at || (i.weekStart === after.at && i.accountId > after.id)) : filtered;
    const more = start.length > limit;
    const shown = start.slice(0, limit);
    const last = shown[shown.length - 1];
    return { items: shown, nextCursor: more && last ? encodeCursor(last.weekStart, last.accountId) : null };
  }

  /** The submission and its account; 404 `NotFound` when there is none. */
  async submissionRow(submissionId: string): Promise<{ row: ScanDataSubmissionRow; account: ScanDataAccountRow }> {
    const row = await findSubmission(this.db, submissionId);
    if (!row) throw new AppError('NotFound', `No scan-data submission ${submissionId}`);
    return { row, account: await this.accountRow(row.account_id) };
  }

  async submission(submissionId: string): Promise<SubmissionView> {
    const { row, account } = await this.submissionRow(submissionId);
    return this.submissionView(account, { start: row.week_start, end: row.week_end }, row);
  }

  /** The file, streaming. A held week is not offered (409); a superseded generation stays downloadable. */
  async download(submissionId: string): Promise<{ fileName: string; size: number; sha256: string; stream: Readable }> {
    const { row } = await this.submissionRow(submissionId);
    if (row.state === 'held') throw new AppError('InvalidTransition', 'the week is held for review: release it first');
    const file = await this.deps.scanData.files.open(row.file_path);
    if (!file) throw new AppError('NotFound', `the file ${row.file_name} is no longer in the scan-data directory`);
    return { fileName: row.file_name, size: file.size, sha256: row.sha256, stream: file.stream };
  }

  private async move(
    submissionId: string,
    action: keyof typeof SUBMISSION_TRANSITIONS,
    set: Parameters<typeof moveSubmission>[3],
    actor: Actor,
    reason: string | null = null,
  ): Promise<SubmissionView> {
    const { row } = await this.submissionRow(submissionId);
    const latest = await latestSubmission(this.db, row.account_id, row.week_start);
    if (latest && latest.id !== row.id)
      throw new AppError('InvalidTransition', `generation ${row.generation} was superseded by generation ${latest.generation}`);
    const from = SUBMISSION_TRANSITIONS[action];
    const now = this.now();
    await inTransaction(this.db, async (trx) => {
      if (!(await moveSubmission(trx, row.id, from, set)))
        throw new AppError('InvalidTransition', `cannot ${action} a submission that is ${row.state} (only ${from.join(' or ')})`);
      await this.audit(trx, row.program_id, actor, `scandata.${action}`, `scandata-submission:${row.id}`, { state: row.state }, set, now, reason);
    });
    return this.submission(row.id);
  }

  /** The week's file went to the collector: by whom, when. Only a `generated` file (valid, not held). */
  async markSubmitted(submissionId: string, actor: Actor): Promise<SubmissionView> {
    return this.move(submissionId, 'submit', { state: 'submitted', submitted_at: this.now(), submitted_by: actor.name }, actor);
  }

  /** The collector rejected a submitted file (e.g. Altria `ID-4-4-1`); generating again supersedes it. */
  async recordRejection(submissionId: string, rejection: { code: string; message?: string | null }, actor: Actor): Promise<SubmissionView> {
    const code = rejection.code.trim();
    if (!code) throw bad('code', 'code is the collector’s rejection code');
    return this.move(
      submissionId,
      'reject',
      { state: 'rejected', rejected_at: this.now(), rejection_code: code, rejection_message: rejection.message?.trim() || null },
      actor,
      code,
    );
  }

  /** An admin looked at a held week and lets it go: it becomes `generated` (offered). Audited with the reason. */
  async release(submissionId: string, actor: Actor, reason: string | null = null): Promise<SubmissionView> {
    return this.move(submissionId, 'release', { state: 'generated', released_at: this.now(), released_by: actor.name }, actor, reason);
  }
}
