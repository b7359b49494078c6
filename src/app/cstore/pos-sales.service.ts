import { findCstoreSale } from '../../adapters/db/repositories/cstore-sales.repository.ts';
import { linkedStoresOf, locationOfStore, locationOfStoreNumber } from '../../adapters/db/repositories/locations.repository.ts';
import { type LoyaltySaleSource, loyaltySaleSource } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import { registerEntries } from '../../adapters/db/repositories/update-batches.repository.ts';
import type { Cart } from '../../domain/cart.ts';
import { cstoreBasket, type LineDiscount, lineDiscounts, tenderOf } from '../../domain/scandata/loyalty-basket.ts';
import { type PosLineKind, type PosSaleInput, posSaleLines } from '../../domain/scandata/pos-sale.ts';
import { PricingInputError, priceTransaction } from '../../domain/scandata/pricing.ts';
import type { LocalTime } from '../../domain/time.ts';
import { AppError, invalidField } from '../../errors.ts';
import { TtlCache } from '../../lib/ttl-cache.ts';
import type { PosPrincipal } from '../model.ts';
import type { CstoreDeps } from './deps.ts';
import type { Location } from './model.ts';
import { pricingOfAccepted } from './promotion-history.ts';
import type { RecordedSale, SalesIntakeService } from './sales.service.ts';

/** What happened to a Loyalty-API sale on the c-store side. */
export type PosSaleOutcome =
  | { status: 'not-linked' }
  | { status: 'no-cstore-lines' }
  | { status: 'recorded'; sale: RecordedSale; replayed: boolean }
  /** the location already recorded another basket under this register + transaction id: the first stands */
  | { status: 'conflict'; message: string };

/** Suffix of the c-store transaction id under which a voided Loyalty-API sale's negative lines are recorded. */
export const VOID_SUFFIX = '-void';

/**
 * The c-store POS on the Loyalty API (issue #12 items 1a and 2). A location linked to a
 * Loyalty-API store (`storeId`) takes that store's POS-key traffic as its register's:
 * - `recordSale` after a CLAIMED update or an unclaimed sale records the basket's c-store lines
 *   through {@link SalesIntakeService} (idempotent per location + register + POS transaction id),
 *   from the loyalty transaction as stored — so it runs idempotently after the loyalty write, and
 *   every retry of the POS call completes it;
 * - `recordVoid` after a void records the sale's lines again, negative, as its own basket;
 * - `discounts` prices a validate call's basket with the promotions accepted at the location now.
 * An unlinked store (every restaurant's) changes nothing and costs no read: the program's linked
 * stores (by id and store number; usually none) are one query per program per `configTtlMs` (5 s),
 * forgotten at once when this process links a store ({@link forgetUnlinked}, called by the
 * locations use case) and within that bound when another process does (docs/architecture.md,
 * "Several processes"). Remembering "not linked" per store instead cost a query per store per 5 s:
 * at a thousand stores, most sales (bench/results/2026-12-06-pos-flow-bisect.md).
 */
export class PosSalesService {
  private readonly linked: TtlCache<string, { ids: Set<string>; numbers: Set<string> }>;

  constructor(
    private readonly deps: CstoreDeps,
    private readonly sales: SalesIntakeService,
  ) {
    this.linked = new TtlCache(deps.configTtlMs ?? 5_000);
  }

  /** A location now links a store (or no longer does): look the program's links up again. */
  forgetUnlinked(): void {
    this.linked.clear();
  }

  private linkedStores(programId: string): Promise<{ ids: Set<string>; numbers: Set<string> }> {
    return this.linked.getOrLoad(programId, () => linkedStoresOf(this.db, programId));
  }

  /** The location linked to the store the POS names by number, or null (read only for a linked store). */
  private async locationOfStoreNumber(programId: string, storeNumber: string): Promise<Location | null> {
    if (!(await this.linkedStores(programId)).numbers.has(storeNumber)) return null;
    return (await locationOfStoreNumber(this.db, programId, storeNumber)) ?? null;
  }

  /** The location linked to a store by its id, or null (read only for a linked store). */
  private async locationOfStore(programId: string, storeId: string): Promise<Location | null> {
    if (!(await this.linkedStores(programId)).ids.has(storeId)) return null;
    return (await locationOfStore(this.db, programId, storeId)) ?? null;
  }

  /**
   * Records the c-store lines of a CLAIMED or unclaimed loyalty transaction. `created` is the
   * body's `created` (the POS's time of the sale); without a usable one, Tillpoint's time of the
   * claim (or of the unclaimed sale) is the time of sale — stored, so a retry reads the same.
   */
  async recordSale(principal: PosPrincipal, loyaltyTransactionId: string, storeNumber: string, created?: string | null): Promise<PosSaleOutcome> {
    // An unlinked store (every restaurant) costs no read: the program's linked stores are cached.
    let location = await this.locationOfStoreNumber(principal.programId, storeNumber);
    if (!location) return { status: 'not-linked' };
    const txn = await loyaltySaleSource(this.db, principal.programId, loyaltyTransactionId.toLowerCase());
    if (!txn || (txn.status !== 'CLAIMED' && txn.status !== 'UNCLAIMED')) return { status: 'no-cstore-lines' };
    // The transaction's own store decides (the body's storeId is the POS's word for it).
    if (location.storeId !== txn.store_id) location = await this.locationOfStore(principal.programId, txn.store_id);
    if (!location) return { status: 'not-linked' };
    const soldAt = instant(created) ?? (txn.status === 'CLAIMED' ? txn.claimed_at : null) ?? txn.created_at;
    return this.record(location, txn, txn.pos_transaction_id, soldAt, 'sale', txn.status === 'CLAIMED' ? txn.guest_id : null);
  }

  /**
   * After a void: a sale the location recorded (CLAIMED or unclaimed before the void) is recorded
   * again with negative quantities under `{transactionId}-void`, at the time of the void. An open
   * transaction voided before its claim (a second code scanned) recorded nothing and records nothing.
   * Called after a POS void and after a back-office void alike.
   */
  async recordVoid(programId: string, loyaltyTransactionId: string): Promise<PosSaleOutcome> {
    const txn = await loyaltySaleSource(this.db, programId, loyaltyTransactionId.toLowerCase());
    if (!txn || txn.status !== 'VOIDED' || !txn.voided_at || (!txn.claimed_at && !txn.dedupe_key)) return { status: 'no-cstore-lines' };
    const location = await this.locationOfStore(programId, txn.store_id);
    if (!location) return { status: 'not-linked' };
    if (!(await findCstoreSale(this.db, location.id, txn.terminal, txn.pos_transaction_id))) return { status: 'no-cstore-lines' };
    const loyaltyId = txn.claimed_at ? txn.guest_id : null;
    return this.record(location, txn, `${txn.pos_transaction_id}${VOID_SUFFIX}`, txn.voided_at, 'void', loyaltyId);
  }

  /**
   * Validate for a c-store basket: null when the POS's store is not linked; else what to apply to
   * each c-store line — the promotions accepted at the location now (its register's state, which
   * is the accepted history's latest step: promotion-history.ts), priced
   * by `priceTransaction` for the store-local date of `localTime` (x-user-datetime) or of now.
   */
  async discounts(
    principal: PosPrincipal,
    storeNumber: string,
    cart: Cart,
    loyaltyId: string | null,
    localTime: LocalTime | null,
  ): Promise<LineDiscount[] | null> {
    const location = await this.locationOfStoreNumber(principal.programId, storeNumber);
    if (!location) return null;
    const basket = cstoreBasket(cart);
    if (basket.lines.length === 0) return [];
    const mapped = posSaleLines(
      {
        registerId: 'validate',
        transactionId: 'validate',
        soldAt: this.deps.clock().toISOString(),
        tender: tenderOf(cart),
        loyaltyId,
        ageVerification: 'none',
        lines: basket.lines,
      },
      location,
    );
    if (!mapped.ok) throw new AppError('ValidationError', mapped.message, { field: 'transactionDetails.order' });
    const lines = localTime ? mapped.lines.map((l) => ({ ...l, localDate: localTime.date })) : mapped.lines;
    const promotions = (await registerEntries(this.db, location.id)).map((e) => pricingOfAccepted(e.promotion));
    try {
      return lineDiscounts(priceTransaction(lines, promotions).rows, basket.refs);
    } catch (e) {
      if (e instanceof PricingInputError) throw invalidField('transactionDetails.order', e.message);
      throw e;
    }
  }

  private get db() {
    return this.deps.db.kysely;
  }

  private async record(location: Location, txn: LoyaltySaleSource, transactionId: string, soldAt: string, kind: PosLineKind, loyaltyId: string | null) {
    const cart = txn.cart ? (JSON.parse(txn.cart) as Cart) : null;
    const basket = cart ? cstoreBasket(cart) : { lines: [], refs: [] };
    if (!cart || basket.lines.length === 0) return { status: 'no-cstore-lines' } as const;
    const input: PosSaleInput = {
      registerId: txn.terminal,
      transactionId,
      soldAt,
      tender: tenderOf(cart),
      loyaltyId,
      // The Loyalty API's transaction body says nothing about the buyer's age check.
      ageVerification: 'none',
      lines: basket.lines.map((l) => ({ ...l, kind })),
    };
    try {
      const { sale, replayed } = await this.sales.record(location, input);
      return { status: 'recorded', sale, replayed } as const;
    } catch (e) {
      // The loyalty write stands and the POS has its answer: the first basket under this id stays
      // recorded (the agent endpoint, or another loyalty transaction, reported it first).
      if (e instanceof AppError && e.code === 'Conflict') {
        this.deps.log.warn({ locationId: location.id, registerId: input.registerId, transactionId, loyaltyTransactionId: txn.id }, e.message);
        return { status: 'conflict', message: e.message } as const;
      }
      throw e;
    }
  }
}

/** An ISO 8601 instant with its offset (`Z` or ±hh:mm); anything else is not trusted as the time of sale. */
function instant(text: string | null | undefined): string | null {
  if (!text || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim())) return null;
  const at = new Date(text.trim());
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}
