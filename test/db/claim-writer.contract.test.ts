import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../src/adapters/db/capabilities.ts';
import { claimWriterFor, SingleStatementClaimWriter, TransactionalClaimWriter } from '../../src/adapters/db/repositories/claim-writers.ts';
import { insertTransaction } from '../../src/adapters/db/repositories/loyalty-transactions.repository.ts';
import { ledgerSum } from '../../src/adapters/db/repositories/points-ledger.repository.ts';
import type { Database, LoyaltyTransactionTable } from '../../src/adapters/db/schema.ts';
import type { ClaimOutcome, ClaimRequest, ClaimWriter } from '../../src/app/ports/claim-writer.ts';
import { createGuest } from '../../src/app/provisioning.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { newId } from '../../src/lib/ids.ts';
import { ENGINES, openTestDb, type TestDb } from '../support/engines.ts';

/**
 * The contract every ClaimWriter keeps, run against each implementation the engine can have (the
 * single-statement one needs `singleStatementClaim`): the same claim gives the same ledger rows,
 * balances, transaction row, redemptions and event; a retry of a claimed transaction writes
 * nothing; a balance that no longer covers the redemption is never overdrawn.
 */
const AT = new Date('2026-11-25T17:00:00Z');
const WHOPPER = 'rwd-whopper';

interface Named {
  name: string;
  writer: ClaimWriter;
  /** claims the single statement handed to its fallback */
  fellBack: () => number;
}

function writersFor(db: Kysely<Database>): Named[] {
  const transactional = new TransactionalClaimWriter(db);
  const writers: Named[] = [{ name: 'transactional', writer: transactional, fellBack: () => 0 }];
  if (capabilitiesOf(db).singleStatementClaim) {
    let calls = 0;
    const counted: ClaimWriter = { claim: (r) => ((calls += 1), transactional.claim(r)) };
    writers.push({ name: 'single-statement', writer: new SingleStatementClaimWriter(db, counted), fellBack: () => calls });
  }
  return writers;
}

describe.each(ENGINES)('claim writers on %s', (engine) => {
  let db: TestDb;
  let programId: string;
  let storeId: string;

  beforeAll(async () => {
    db = await openTestDb(engine);
    await seedDemo(db.kysely, AT);
    programId = (await db.kysely.selectFrom('programs').select('id').executeTakeFirstOrThrow()).id;
    storeId = (await db.kysely.selectFrom('stores').select('id').where('program_id', '=', programId).executeTakeFirstOrThrow()).id;
  });
  afterAll(() => db.drop());

  it('composition picks the single statement exactly where the database can', () => {
    const writer = claimWriterFor(db.kysely);
    expect(writer instanceof SingleStatementClaimWriter).toBe(capabilitiesOf(db.kysely).singleStatementClaim);
    expect(writer instanceof SingleStatementClaimWriter).toBe(engine === 'postgres');
  });

  /** A guest with `points`, a pre-selected Whopper, and an OPEN sale of theirs. */
  async function openSale(points: number): Promise<{ guestId: string; txnId: string }> {
    const guestId = await createGuest(db.kysely, programId, { name: 'Contract', points }, AT);
    await db.kysely
      .insertInto('guest_selections')
      .values({ guest_id: guestId, program_id: programId, incentive_ids: JSON.stringify([WHOPPER, 'ofr-free-cookie']), updated_at: AT.toISOString() })
      .execute();
    const txnId = newId();
    await insertTransaction.run(db.kysely, openRow(txnId, guestId));
    return { guestId, txnId };
  }

  function openRow(id: string, guestId: string): LoyaltyTransactionTable {
    const at = AT.toISOString();
    return {
      id,
      program_id: programId,
      store_id: storeId,
      guest_id: guestId,
      status: 'OPEN',
      pos_vendor: 'partner',
      pos_type: 'partner',
      pos_key: `9999|1|${id}`,
      dedupe_key: null,
      terminal: '1',
      pos_transaction_id: id,
      operator: null,
      matching_id: null,
      selections: '[]',
      service_mode: null,
      channel: null,
      cart: null,
      subtotal_cents: 0,
      points_earned: 0,
      points_redeemed: 0,
      reserved_points: 0,
      earnable_points: 0,
      receipt_code: id.slice(-12),
      claim_hash: null,
      claim_response: null,
      rule_results: null,
      created_at: at,
      updated_at: at,
      claimed_at: null,
      voided_at: null,
    };
  }

  /** The rule results a claim stores with the transaction (the back office's transaction view). */
  const RULE_RESULTS = JSON.stringify({ stage: 'CLAIMED', incentives: [{ incentiveId: WHOPPER, applied: true, rules: [] }] });

  /** A claim redeeming the Whopper (700) and earning 144, evaluated against `expectedBalance`; answers with the balance it is given. */
  function claimOf(guestId: string, txnId: string, expectedBalance: number): ClaimRequest<{ balance: number }> {
    const at = AT.toISOString();
    return {
      programId,
      guestId,
      expectedBalance,
      entries: [
        { kind: 'REDEEM', points: -700, transactionId: txnId },
        { kind: 'EARN', points: 144, transactionId: txnId },
      ],
      redeemedIncentiveIds: [WHOPPER],
      at,
      compose: (balance, ledger) => ({
        answer: { balance },
        write: {
          ledger,
          redemptions: [
            {
              id: newId(),
              program_id: programId,
              guest_id: guestId,
              transaction_id: txnId,
              incentive_id: WHOPPER,
              kind: 'REWARD',
              quantity: 1,
              points: 700,
              created_at: at,
              voided_at: null,
              line_refs: JSON.stringify(['3']),
            },
          ],
          claim: {
            id: txnId,
            cart: '{"lines":[]}',
            service_mode: null,
            channel: null,
            subtotal_cents: 1447,
            updated_at: at,
            claim_hash: 'h',
            claim_response: JSON.stringify({ balance }),
            rule_results: RULE_RESULTS,
            points_earned: 144,
            points_redeemed: 700,
            claimed_at: at,
          },
          event: {
            id: newId(),
            program_id: programId,
            type: 'transaction.claimed',
            payload: JSON.stringify({ transactionId: txnId, balance }),
            created_at: at,
          },
        },
      }),
    };
  }

  /** What a claim left in the database, without ids, in a form comparable across writers. */
  async function stateOf(guestId: string, txnId: string) {
    const k = db.kysely;
    const guest = await k.selectFrom('guests').select(['balance', 'last_activity_at']).where('id', '=', guestId).executeTakeFirstOrThrow();
    const ledger = await k
      .selectFrom('points_ledger')
      .select(['kind', 'points', 'balance_after', 'transaction_id', 'reason'])
      .where('guest_id', '=', guestId)
      .orderBy('balance_after', 'desc')
      .execute();
    const txn = await k
      .selectFrom('loyalty_transactions')
      .select(['status', 'claim_hash', 'claim_response', 'rule_results', 'points_earned', 'points_redeemed', 'subtotal_cents', 'reserved_points', 'claimed_at'])
      .where('id', '=', txnId)
      .executeTakeFirstOrThrow();
    const redemptions = await k
      .selectFrom('redemptions')
      .select(['incentive_id', 'kind', 'quantity', 'points', 'line_refs'])
      .where('transaction_id', '=', txnId)
      .execute();
    const events = await k.selectFrom('outbox_events').select(['type', 'payload']).where('payload', 'like', `%${txnId}%`).execute();
    const selection = await k.selectFrom('guest_selections').select('incentive_ids').where('guest_id', '=', guestId).executeTakeFirst();
    return {
      balance: Number(guest.balance),
      ledgerSum: await ledgerSum(k, guestId),
      lastActivity: guest.last_activity_at,
      ledger: ledger.map((r) => ({
        ...r,
        points: Number(r.points),
        balance_after: Number(r.balance_after),
        transaction_id: r.transaction_id === txnId ? 'txn' : r.transaction_id,
      })),
      txn: {
        ...txn,
        points_earned: Number(txn.points_earned),
        points_redeemed: Number(txn.points_redeemed),
        subtotal_cents: Number(txn.subtotal_cents),
        reserved_points: Number(txn.reserved_points),
      },
      redemptions: redemptions.map((r) => ({ ...r, quantity: Number(r.quantity), points: Number(r.points) })),
      events: events
        .map((e) => ({ type: e.type, payload: JSON.parse(e.payload) as { balance: number } }))
        .map((e) => ({ type: e.type, balance: e.payload.balance })),
      selection: selection?.incentive_ids ?? null,
    };
  }

  async function eachWriter<T>(run: (w: Named) => Promise<T>): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    for (const w of writersFor(db.kysely)) out.set(w.name, await run(w));
    return out;
  }

  it('a claim moves the balance, appends the ledger, stores the rule results and writes the same rows with every writer', async () => {
    const results = await eachWriter(async ({ writer, fellBack }) => {
      const { guestId, txnId } = await openSale(1000);
      const outcome = await writer.claim(claimOf(guestId, txnId, 1000));
      return { outcome, state: await stateOf(guestId, txnId), fellBack: fellBack() };
    });
    for (const { outcome, state, fellBack } of results.values()) {
      expect(fellBack).toBe(0); // the single statement claimed on its own
      expect(outcome).toEqual({ status: 'claimed', answer: { balance: 444 } });
      expect(state).toMatchObject({
        balance: 444,
        ledgerSum: 444,
        lastActivity: AT.toISOString(),
        ledger: [
          { kind: 'ADJUST', points: 1000, balance_after: 1000 },
          { kind: 'EARN', points: 144, balance_after: 444, transaction_id: 'txn', reason: null },
          { kind: 'REDEEM', points: -700, balance_after: 300, transaction_id: 'txn', reason: null },
        ],
        txn: {
          status: 'CLAIMED',
          claim_hash: 'h',
          claim_response: '{"balance":444}',
          rule_results: RULE_RESULTS,
          points_earned: 144,
          points_redeemed: 700,
          subtotal_cents: 1447,
          reserved_points: 0,
        },
        redemptions: [{ incentive_id: WHOPPER, kind: 'REWARD', quantity: 1, points: 700, line_refs: '["3"]' }],
        events: [{ type: 'transaction.claimed', balance: 444 }],
        selection: '["ofr-free-cookie"]',
      });
    }
    expect([...results.keys()]).toEqual(engine === 'postgres' ? ['transactional', 'single-statement'] : ['transactional']);
    const [first, ...others] = [...results.values()].map((r) => r.state);
    for (const other of others) expect(other).toEqual(first);
  });

  it('a retry of a claimed sale writes nothing and says it lost the race', async () => {
    const results = await eachWriter(async ({ writer }) => {
      const { guestId, txnId } = await openSale(2000);
      await writer.claim(claimOf(guestId, txnId, 2000));
      const before = await stateOf(guestId, txnId);
      // The retry was evaluated before the first claim committed (balance 2000) or after it (1444).
      const stale = await writer.claim(claimOf(guestId, txnId, 2000));
      const fresh = await writer.claim(claimOf(guestId, txnId, 1444));
      return { stale, fresh, before, after: await stateOf(guestId, txnId) };
    });
    for (const r of results.values()) {
      expect(r.before).toMatchObject({ balance: 1444, txn: { status: 'CLAIMED' } });
      expect(r.stale).toEqual({ status: 'lost-race' });
      expect(r.fresh).toEqual({ status: 'lost-race' });
      expect(r.after).toEqual(r.before);
    }
  });

  it('a retry the balance no longer covers writes nothing either (the use case then replays the stored answer)', async () => {
    const results = await eachWriter(async ({ writer }) => {
      const { guestId, txnId } = await openSale(1000);
      await writer.claim(claimOf(guestId, txnId, 1000));
      const before = await stateOf(guestId, txnId);
      const retry = await writer.claim(claimOf(guestId, txnId, 1000));
      return { retry, before, after: await stateOf(guestId, txnId) };
    });
    for (const r of results.values()) {
      expect(r.retry).toEqual({ status: 'insufficient-points', available: 444 });
      expect(r.after).toEqual(r.before);
    }
  });

  it('never overdraws: a balance that no longer covers the reward writes nothing', async () => {
    const results = await eachWriter(async ({ writer }) => {
      const { guestId, txnId } = await openSale(500);
      // Evaluated when the guest still had 1000; another sale spent 500 since.
      const outcome: ClaimOutcome<unknown> = await writer.claim(claimOf(guestId, txnId, 1000));
      return { outcome, state: await stateOf(guestId, txnId) };
    });
    for (const { outcome, state } of results.values()) {
      expect(outcome).toEqual({ status: 'insufficient-points', available: 500 });
      expect(state).toMatchObject({
        balance: 500,
        ledgerSum: 500,
        txn: { status: 'OPEN' },
        redemptions: [],
        events: [],
        selection: `["${WHOPPER}","ofr-free-cookie"]`,
      });
    }
  });

  it('a balance that moved since the sale was evaluated is claimed from the balance as it is', async () => {
    const results = await eachWriter(async ({ writer }) => {
      const { guestId, txnId } = await openSale(900);
      const outcome = await writer.claim(claimOf(guestId, txnId, 1000));
      return { outcome, state: await stateOf(guestId, txnId) };
    });
    for (const { outcome, state } of results.values()) {
      expect(outcome).toEqual({ status: 'claimed', answer: { balance: 344 } });
      expect(state).toMatchObject({ balance: 344, ledgerSum: 344, events: [{ balance: 344 }], txn: { claim_response: '{"balance":344}' } });
    }
  });

  it('two sales racing for one balance: one claims, the other is refused, the balance stays covered', async () => {
    const results = await eachWriter(async ({ writer }) => {
      const { guestId, txnId } = await openSale(1000);
      const second = newId();
      await insertTransaction.run(db.kysely, openRow(second, guestId));
      const outcomes = await Promise.all([writer.claim(claimOf(guestId, txnId, 1000)), writer.claim(claimOf(guestId, second, 1000))]);
      return { outcomes, balance: (await stateOf(guestId, txnId)).balance, sum: await ledgerSum(db.kysely, guestId) };
    });
    for (const r of results.values()) {
      expect(r.outcomes.map((o) => o.status).sort()).toEqual(['claimed', 'insufficient-points']);
      expect(r.balance).toBe(444);
      expect(r.sum).toBe(444);
    }
  });
});
