import { type CstoreSaleRecord, insertCstoreSalesBatch } from '../../adapters/db/repositories/cstore-sales.repository.ts';
import { locationsByIds } from '../../adapters/db/repositories/locations.repository.ts';
import { instantOfLocal } from '../../domain/local-days.ts';
import { canonicalSale, posSaleLines, type RecordedLine } from '../../domain/scandata/pos-sale.ts';
import { newId, sha256 } from '../../lib/ids.ts';
import type { JournalBasket, JournalItem } from '../ports/journal-reader.ts';
import type { CstoreDeps } from './deps.ts';

/** A basket or row that was not imported: where it is in the file and why. */
export interface ImportReject {
  row: number;
  transactionId: string | null;
  reason: string;
}

export interface JournalImportSummary {
  /** POS transactions: stored now, recorded before with the same contents (nothing changed), refused */
  baskets: { imported: number; replayed: number; rejected: number };
  /** their line items (a cancelled NAXML line counts as its sale and its void) */
  lines: { imported: number; replayed: number; rejected: number };
  /** parts of the file that are no sale, skipped on purpose (training mode, a VoidEvent …) */
  skipped: number;
  rejectCount: number;
  /** the first `keepRejects` rejects, as found (a conflict with an earlier recording when its batch is stored) */
  rejects: ImportReject[];
}

export interface JournalImportOptions {
  /** the location of a basket whose file names none (`--location`, the upload's location) */
  locationId?: string;
  /** refuse baskets that name another location than `locationId` (an upload is for one location) */
  onlyLocation?: boolean;
  /** the file's names for the sale's fields, for the reasons of rejects (`productId` → `upc`) */
  fieldNames?: Readonly<Record<string, string>>;
  /** baskets per database transaction (default 500) */
  batchSize?: number;
  /** how many rejects the summary keeps (default 100); all are counted and passed to `onReject` */
  keepRejects?: number;
  onReject?: (reject: ImportReject) => void;
}

interface Prepared {
  row: number;
  sale: CstoreSaleRecord;
  lines: RecordedLine[];
}

const OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Sales in by file (issue #12 item 1b): imports the baskets a POS journal reader yields. Each basket
 * is checked like a POS agent's transaction (`posSaleLines`: any bad line rejects the whole basket,
 * with the row of that line) and stored idempotently per location + register + POS transaction id —
 * the same basket again is `replayed` and changes nothing, another basket under that id is rejected.
 * Baskets are stored `batchSize` per database transaction; memory holds one batch.
 */
export class JournalImportService {
  constructor(private readonly deps: CstoreDeps) {}

  async import(items: AsyncIterable<JournalItem>, opts: JournalImportOptions = {}): Promise<JournalImportSummary> {
    const db = this.deps.db.kysely;
    const batchSize = opts.batchSize ?? 500;
    const keep = opts.keepRejects ?? 100;
    const summary: JournalImportSummary = {
      baskets: { imported: 0, replayed: 0, rejected: 0 },
      lines: { imported: 0, replayed: 0, rejected: 0 },
      skipped: 0,
      rejectCount: 0,
      rejects: [],
    };
    const reject = (r: ImportReject, lines: number, baskets = 1) => {
      summary.baskets.rejected += baskets;
      summary.lines.rejected += lines;
      summary.rejectCount++;
      if (summary.rejects.length < keep) summary.rejects.push(r);
      opts.onReject?.(r);
    };
    const zones = new Map<string, string | null>();
    const zoneOf = async (locationId: string): Promise<string | null> => {
      let zone = zones.get(locationId);
      if (zone === undefined) {
        zone = (await locationsByIds(db, [locationId]))[0]?.timeZone ?? null;
        zones.set(locationId, zone);
      }
      return zone;
    };
    const name = (field: string) => field.replace(/^lines\[\d+\]\./, '').replace(/^\w+$/, (f) => opts.fieldNames?.[f] ?? f);

    let batch: Prepared[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const outcomes = await insertCstoreSalesBatch(db, batch);
      outcomes.forEach((o, i) => {
        const p = batch[i]!;
        if (o === 'inserted') {
          summary.baskets.imported++;
          summary.lines.imported += p.lines.length;
        } else if (o === 'replayed') {
          summary.baskets.replayed++;
          summary.lines.replayed += p.lines.length;
        } else {
          reject(
            {
              row: p.row,
              transactionId: p.sale.transactionId,
              reason: `transaction ${p.sale.transactionId} of register ${p.sale.registerId} was already recorded with other contents`,
            },
            p.lines.length,
          );
        }
      });
      batch = [];
    };

    const prepare = async (b: JournalBasket): Promise<Prepared | ImportReject> => {
      const transactionId = b.sale.transactionId;
      const fail = (reason: string, row = b.row): ImportReject => ({ row, transactionId, reason });
      const locationId = b.location ?? opts.locationId;
      if (!locationId) return fail('the basket names no location (no location column) and none was given for the import');
      if (opts.onlyLocation && opts.locationId && locationId !== opts.locationId)
        return fail(`location ${locationId} is not the location of this import (${opts.locationId})`);
      const timeZone = await zoneOf(locationId);
      if (!timeZone) return fail(`no location ${locationId}`);
      let soldAt = b.sale.soldAt;
      if (!OFFSET.test(soldAt)) {
        const at = instantOfLocal(soldAt, timeZone);
        if (!at) return fail(`${name('soldAt')} "${soldAt}" is not a date-time YYYY-MM-DDTHH:MM:SS (store-local) or with an offset`);
        soldAt = at.toISOString();
      }
      const mapped = posSaleLines({ ...b.sale, soldAt }, { id: locationId, timeZone });
      if (!mapped.ok) {
        const line = /^lines\[(\d+)\]/.exec(mapped.field);
        const row = line ? (b.lineRows[Number(line[1])] ?? b.row) : b.row;
        const whole = b.sale.lines.length > 1 ? `; basket ${transactionId} rejected whole (${b.sale.lines.length} lines)` : '';
        return fail(`${name(mapped.field)} ${mapped.message.slice(mapped.field.length + 1)}${whole}`, row);
      }
      return {
        row: b.row,
        lines: mapped.lines,
        sale: {
          id: newId(),
          locationId,
          registerId: b.sale.registerId,
          transactionId,
          bodyHash: sha256(canonicalSale(mapped.lines)),
          soldAt: mapped.soldAt,
          localDate: mapped.lines[0]!.localDate,
          lineCount: mapped.lines.length,
          totalCents: mapped.totalCents,
          receivedAt: this.deps.clock().toISOString(),
        },
      };
    };

    for await (const item of items) {
      if (item.kind === 'skip') summary.skipped++;
      else if (item.kind === 'reject') reject({ row: item.row, transactionId: item.transactionId, reason: item.reason }, item.lines, item.lines > 0 ? 1 : 0);
      else {
        const p = await prepare(item);
        if ('sale' in p) {
          batch.push(p);
          if (batch.length >= batchSize) await flush();
        } else reject(p, item.sale.lines.length);
      }
    }
    await flush();
    return summary;
  }
}
