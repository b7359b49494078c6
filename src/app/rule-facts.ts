import { guestBirthdate } from '../adapters/db/repositories/guests.repository.ts';
import { countClaimedTransactions, guestRedemptionHistory, identifiedByCode } from '../adapters/db/repositories/loyalty-transactions.repository.ts';
import type { Tx } from '../adapters/db/tx.ts';
import type { Cart } from '../domain/cart.ts';
import type { Incentive } from '../domain/incentive.ts';
import { needsOf } from '../domain/rules/registry.ts';
import type { GuestHistory, RedemptionRecord, RuleNeed } from '../domain/rules/rule.ts';
import { localTimeAt } from '../domain/time.ts';

/**
 * Loads the guest facts that rules declare they need (`RuleDefinition.needs`), and nothing when
 * no rule needs any: the domain stays pure, the common sale pays no extra query.
 */
export interface HistoryRequest {
  programId: string;
  guestId: string;
  /** The loyalty transaction being evaluated (excluded from the counts; its identification is read). */
  transactionId: string | null;
  /** The store's time zone: redemptions get their store-local date for per-period limits. */
  timeZone: string;
  needs: ReadonlySet<RuleNeed>;
  now: Date;
}

/** The incentives a (resolved) cart redeems. */
export function incentivesInCart(cart: Cart, incentives: ReadonlyMap<string, Incentive>): Incentive[] {
  const out = new Map<string, Incentive>();
  for (const line of cart.lines) {
    if (line.incentiveId === null) continue;
    const incentive = incentives.get(line.incentiveId);
    if (incentive) out.set(incentive.id, incentive);
  }
  return [...out.values()];
}

/**
 * The history snapshot for `evaluate`: null when nothing is needed. Redemptions are the guest's
 * claimed ones not voided, net of quantities given back by partial refunds.
 *
 * @example
 * const history = await loadGuestHistory(db, { programId, guestId, transactionId: txn.id, timeZone: store.timeZone,
 *   needs: needsOf(incentivesInCart(cart, incentives)), now: clock() });
 * evaluate(cart, { ...ctx, history });
 */
export async function loadGuestHistory(db: Tx, req: HistoryRequest): Promise<GuestHistory | null> {
  if (req.needs.size === 0) return null;
  const history: GuestHistory = { asOf: req.now.toISOString() };
  const work: Promise<void>[] = [];
  if (req.needs.has('history')) {
    work.push(
      (async () => {
        const rows = await guestRedemptionHistory(db, req.programId, req.guestId);
        const records: RedemptionRecord[] = [];
        const days = new Map<string, string>();
        for (const r of rows) {
          const quantity = r.quantity - r.returnedQuantity;
          if (quantity <= 0) continue;
          // Many claims share an hour; the time-zone conversion is the costly part.
          const hour = r.createdAt.slice(0, 13);
          let localDate = days.get(hour);
          if (localDate === undefined) {
            localDate = localTimeAt(new Date(r.createdAt), req.timeZone).date;
            days.set(hour, localDate);
          }
          records.push({ incentiveId: r.incentiveId, kind: r.kind, quantity, at: r.createdAt, localDate });
        }
        history.redemptions = records;
      })(),
      (async () => {
        history.claimedTransactions = await countClaimedTransactions(db, req.programId, req.guestId, req.transactionId);
      })(),
    );
  }
  if (req.needs.has('birthday')) {
    work.push(
      (async () => {
        history.birthdate = await guestBirthdate(db, req.programId, req.guestId);
      })(),
    );
  }
  if (req.needs.has('identification')) {
    work.push(
      (async () => {
        if (!req.transactionId) {
          history.identification = null;
          return;
        }
        history.identification = (await identifiedByCode(db, req.programId, req.transactionId)) ? 'code' : 'loyalty-id';
      })(),
    );
  }
  await Promise.all(work);
  return history;
}

export { needsOf };
