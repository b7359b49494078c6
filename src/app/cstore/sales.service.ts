import { type CstoreSaleRecord, findCstoreSale, insertCstoreSaleOnce } from '../../adapters/db/repositories/cstore-sales.repository.ts';
import { canonicalSale, type PosSaleInput, posSaleLines } from '../../domain/scandata/pos-sale.ts';
import { AppError } from '../../errors.ts';
import { newId, sha256 } from '../../lib/ids.ts';
import type { CstoreDeps } from './deps.ts';
import type { Location } from './model.ts';

/** What the POS agent is answered for a recorded transaction: the same for a replay. */
export interface RecordedSale {
  id: string;
  locationId: string;
  registerId: string;
  transactionId: string;
  soldAt: string;
  localDate: string;
  lineCount: number;
  /** signed sum of quantity × unit price (voids and refunds negative), minor units */
  totalCents: number;
  receivedAt: string;
}

/**
 * Sales in (issue #12): records a c-store POS transaction reported by the location's POS agent.
 * Idempotent per location + register + POS transaction id: the same basket again answers the
 * first recording (`replayed`), another basket under that id is 409 Conflict.
 */
export class SalesIntakeService {
  constructor(private readonly deps: CstoreDeps) {}

  async record(location: Location, input: PosSaleInput): Promise<{ sale: RecordedSale; replayed: boolean }> {
    const mapped = posSaleLines(input, location);
    if (!mapped.ok) throw new AppError('ValidationError', mapped.message, { field: mapped.field, in: 'body' });
    const bodyHash = sha256(canonicalSale(mapped.lines));
    const db = this.deps.db.kysely;
    const existing = () => findCstoreSale(db, location.id, input.registerId, input.transactionId);
    const answer = (r: CstoreSaleRecord, replayed: boolean) => {
      if (r.bodyHash !== bodyHash) {
        throw new AppError('Conflict', `POS transaction ${input.transactionId} of register ${input.registerId} was already recorded with other contents`, {
          field: 'transactionId',
        });
      }
      return { sale: view(r), replayed };
    };
    const before = await existing();
    if (before) return answer(before, true);
    const record: CstoreSaleRecord = {
      id: newId(),
      locationId: location.id,
      registerId: input.registerId,
      transactionId: input.transactionId,
      bodyHash,
      soldAt: mapped.soldAt,
      localDate: mapped.lines[0]!.localDate,
      lineCount: mapped.lines.length,
      totalCents: mapped.totalCents,
      receivedAt: this.deps.clock().toISOString(),
    };
    if (!(await insertCstoreSaleOnce(db, record, mapped.lines))) {
      // A concurrent retry won the race: answer as a replay (or a conflict) of what it recorded.
      const raced = await existing();
      if (!raced) throw new Error('cstore sale vanished after a unique violation');
      return answer(raced, true);
    }
    return { sale: view(record), replayed: false };
  }
}

const view = (r: CstoreSaleRecord): RecordedSale => ({
  id: r.id,
  locationId: r.locationId,
  registerId: r.registerId,
  transactionId: r.transactionId,
  soldAt: r.soldAt,
  localDate: r.localDate,
  lineCount: r.lineCount,
  totalCents: r.totalCents,
  receivedAt: r.receivedAt,
});
