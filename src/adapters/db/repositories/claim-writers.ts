import type { Kysely } from 'kysely';
import type { ClaimOutcome, ClaimRequest, ClaimWriter } from '../../../app/ports/claim-writer.ts';
import { capabilitiesOf } from '../capabilities.ts';
import { dropRedeemedFromSelection } from './guest-selections.repository.ts';
import { claimInOneStatement, ONE_STATEMENT_LIMITS, writeClaim } from './loyalty-transactions.repository.ts';
import { InsufficientPoints, ledgerRows, moveBalance, planEntries } from './points-ledger.repository.ts';
import type { Database } from '../schema.ts';

/** Thrown inside a database transaction to roll it back when another request got there first. */
const LOST_RACE = Symbol('lost race');

/**
 * The claim in one database transaction, on every engine. Guest row first (the guarded balance
 * UPDATE), transaction row second — the same lock order as void and refund, so they never
 * deadlock on PostgreSQL. Losing the race for the transaction row rolls everything back.
 */
export class TransactionalClaimWriter implements ClaimWriter {
  constructor(private readonly db: Kysely<Database>) {}

  async claim<T>(r: ClaimRequest<T>): Promise<ClaimOutcome<T>> {
    try {
      const answer = await this.db.transaction().execute(async (trx) => {
        const { balance, rows } = await moveBalance(trx, r.programId, r.guestId, r.entries, r.at, { touchActivity: true });
        const { write, answer } = r.compose(balance, rows);
        if (!(await writeClaim(trx, write))) throw LOST_RACE;
        await dropRedeemedFromSelection(trx, r.guestId, r.redeemedIncentiveIds, r.at);
        return answer;
      });
      return { status: 'claimed', answer };
    } catch (e) {
      if (e === LOST_RACE) return { status: 'lost-race' };
      if (e instanceof InsufficientPoints) return { status: 'insufficient-points', available: e.available };
      throw e;
    }
  }
}

/**
 * The claim as one autocommit statement (`claimInOneStatement`, PostgreSQL): one round trip instead
 * of four to six, answered with the balance the sale was evaluated with plus what it moves. When it
 * writes nothing — the balance moved since it was read, another request claimed or voided first —
 * or the claim is too big or cannot be covered, `fallback` (the transactional writer) sorts it out.
 */
export class SingleStatementClaimWriter implements ClaimWriter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly fallback: ClaimWriter,
  ) {}

  async claim<T>(r: ClaimRequest<T>): Promise<ClaimOutcome<T>> {
    const plan = planEntries(r.entries);
    if (r.expectedBalance >= plan.required && plan.moving.length <= ONE_STATEMENT_LIMITS.ledger) {
      const { write, answer } = r.compose(r.expectedBalance + plan.net, ledgerRows(r.programId, r.guestId, plan.moving, r.at, r.expectedBalance));
      if (write.redemptions.length <= ONE_STATEMENT_LIMITS.redemptions) {
        const done = await claimInOneStatement(this.db, {
          ...write,
          guestId: r.guestId,
          programId: r.programId,
          expectedBalance: r.expectedBalance,
          net: plan.net,
          at: r.at,
          redeemedIncentiveIds: r.redeemedIncentiveIds,
        });
        if (done) return { status: 'claimed', answer };
      }
    }
    return this.fallback.claim(r);
  }
}

/** The claim writer for this database: by capability, never by engine name. */
export function claimWriterFor(db: Kysely<Database>): ClaimWriter {
  const transactional = new TransactionalClaimWriter(db);
  return capabilitiesOf(db).singleStatementClaim ? new SingleStatementClaimWriter(db, transactional) : transactional;
}
