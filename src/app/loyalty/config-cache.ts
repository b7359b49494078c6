import { findProgram, findStore, findStoreByExternalId, listActiveIncentives } from '../../adapters/db/repositories/config.repository.ts';
import type { LoyaltyTransactionRow } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import type { Tx } from '../../adapters/db/tx.ts';
import type { Incentive } from '../../domain/incentive.ts';
import { AppError } from '../../errors.ts';
import { TtlCache } from '../../lib/ttl-cache.ts';
import type { PosPrincipal, Program, Store } from '../model.ts';

/**
 * Program, store and incentive configuration as the POS use cases read it: cached for `ttlMs`
 * (every POS call needs it; it changes only on admin writes, which call `invalidate`).
 */
export class ConfigCache {
  private readonly programs: TtlCache<string, Program | null>;
  private readonly stores: TtlCache<string, Store | null>;
  private readonly incentives: TtlCache<string, Map<string, Incentive>>;

  constructor(
    private readonly db: Tx,
    ttlMs: number,
  ) {
    this.programs = new TtlCache(ttlMs);
    this.stores = new TtlCache(ttlMs);
    this.incentives = new TtlCache(ttlMs);
  }

  invalidate(): void {
    this.programs.clear();
    this.stores.clear();
    this.incentives.clear();
  }

  async program(id: string): Promise<Program> {
    const program = await this.programs.getOrLoad(id, () => findProgram(this.db, id));
    if (!program) throw new AppError('Forbidden', 'API key belongs to no program');
    return program;
  }

  /** The program's active incentives by id; `fresh` reloads them (a guest picking from them). */
  async incentiveMap(programId: string, fresh = false): Promise<Map<string, Incentive>> {
    if (fresh) this.incentives.delete(programId);
    return this.incentives.getOrLoad(programId, async () => new Map((await listActiveIncentives(this.db, programId)).map((i) => [i.id, i])));
  }

  /** The store a POS names, which must have loyalty enabled. */
  async openStore(principal: PosPrincipal, externalId: string): Promise<Store> {
    const store = await this.stores.getOrLoad(`${principal.programId}|${externalId}`, async () => {
      const found = await findStoreByExternalId(this.db, principal.programId, externalId);
      // The sale's later calls look the store up by id: one load serves both.
      if (found) this.stores.set(`id|${found.id}`, found);
      return found;
    });
    if (!store) throw new AppError('StoreNotFound', `No store "${externalId}" in this program`, { field: 'posVendor.storeId' });
    if (!store.loyaltyEnabled) throw new AppError('RedeemRewardError', `Loyalty is not enabled at store "${externalId}"`);
    return store;
  }

  /** The store of a transaction. */
  async storeOf(txn: LoyaltyTransactionRow, principal: PosPrincipal): Promise<Store> {
    const store = await this.stores.getOrLoad(`id|${txn.store_id}`, () => findStore(this.db, principal.programId, txn.store_id));
    if (!store) throw new AppError('StoreNotFound');
    return store;
  }
}
