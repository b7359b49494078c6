import type { Kysely } from 'kysely';
import type { Db } from '../adapters/db/database.ts';
import {
  findProgram,
  findStoreByExternalId,
  listActiveIncentives,
  toStore,
} from '../adapters/db/repositories/config.repository.ts';
import {
  InsufficientPoints,
  type LedgerEntryInput,
  type LedgerRow,
  ledgerRows,
  moveBalance,
  planEntries,
  postEntries,
} from '../adapters/db/repositories/points-ledger.repository.ts';
import { dropRedeemedFromSelection } from '../adapters/db/repositories/guest-selections.repository.ts';
import { enqueueEvent } from '../adapters/db/repositories/outbox.repository.ts';
import {
  guestById,
  type GuestRow,
  activeCode,
  claimInOneStatement,
  type ClaimWrite,
  consumeCodeAndOpen,
  guestAndOpenTransaction,
  markPending,
  type NewRedemption,
  ONE_STATEMENT_LIMITS,
  transactionWithGuest,
  writeClaim,
} from '../adapters/db/repositories/loyalty-transactions.repository.ts';
import { claimedEventData, voidedEventData } from './events/event-types.ts';
import type { Database, LoyaltyTransactionTable } from '../adapters/db/schema.ts';
import type { Cart } from '../domain/cart.ts';
import { evaluate, type Evaluation, POINT_BALANCE } from '../domain/evaluate.ts';
import { allPlus, type Incentive, primaryPlu } from '../domain/incentive.ts';
import { newReceiptCode, type PresentationTemplate, renderPresentation } from '../domain/receipt.ts';
import { localTimeAt } from '../domain/time.ts';
import { AppError, rulesError } from '../errors.ts';
import { newId, UUID } from '../lib/ids.ts';
import { TtlCache } from '../lib/ttl-cache.ts';
import { redeemByGenericDiscount } from './generic-discount-plu.ts';
import { type ItemLineRedemption, redeemItemLines } from './item-line-redemption.ts';
import { CodeLookupGuard } from './throttle.ts';
import { incentivesInCart, loadGuestHistory, needsOf } from './rule-facts.ts';
import { guestTier } from './tiers.service.ts';
import { netOfRefunds, refundSale, type RefundCommand, type RefundResult } from './refund.service.ts';
import type {
  IdentifyCommand,
  IdentifyResult,
  PosContext,
  SaleCommand,
  SaleResult,
  SelectedIncentive,
  UnclaimedResult,
} from './commands.ts';
import type { Guest, PosPrincipal, Program, Store } from './model.ts';

export interface VoidOptions {
  /** who voided, for the `transaction.voided` event */
  voidedBy?: 'pos' | 'admin';
  /** runs inside the void's database transaction, after the change (the admin API writes its audit entry here) */
  inTransaction?: (trx: Kysely<Database>, before: LoyaltyTransactionTable) => Promise<void>;
}

export interface LoyaltyObserver {
  claimed?(programId: string, pointsEarned: number, pointsRedeemed: number): void;
  voided?(programId: string): void;
}

export interface LoyaltyDeps {
  db: Db;
  clock?: () => Date;
  /** integer in [0, n); crypto.randomInt in production, seeded in tests */
  randomIndex: (n: number) => number;
  otpTtlSeconds?: number;
  /** Base of claim URLs printed on receipts when the program sets none. */
  publicUrl: string;
  /** How long program, store and incentive configuration may be cached (ms). */
  configTtlMs?: number;
  observer?: LoyaltyObserver;
  /** Rate limit and lockout of 6-digit code look-ups per store and key (in-process; default limits). */
  codeGuard?: CodeLookupGuard;
}

/**
 * Receipts of a program without templates, in the seeds' words: the program's name as header,
 * "Earned: …", "Balance: …", "Transaction ID: …" and a footer saying when points expire
 * ("… expire 180 days from last purchase" in the NCR seed).
 */
export function defaultTemplates(program: Pick<Program, 'name' | 'expiry'>): { claimed: PresentationTemplate; unclaimed: PresentationTemplate } {
  const footer = expiryFooter(program.expiry);
  return {
    claimed: {
      header: program.name,
      pointsEarned: 'Earned: {pointsEarned}',
      totalPoints: 'Balance: {balance}',
      identifier: 'Transaction ID: {transactionId}',
      ...(footer ? { footer } : {}),
    },
    unclaimed: {
      header: program.name,
      marketing: 'Scan to earn {pointsEarned} points for this order',
      identifier: 'Transaction ID: {transactionId}',
      qrCode: '{claimUrl}',
      ...(footer ? { footer } : {}),
    },
  };
}

function expiryFooter(expiry: Program['expiry']): string | null {
  switch (expiry.kind) {
    case 'inactivity':
      return `Points expire ${expiry.days} days from last purchase.`;
    case 'monthly-buckets':
      return `Points expire ${expiry.months} months after the month they were earned in.`;
    default:
      return null;
  }
}

const OPEN_STATES = ['OPEN', 'PENDING'] as const;

/** Thrown inside a database transaction to roll it back when another request got there first. */
const LOST_RACE = Symbol('lost race');

/**
 * The Loyalty API v1 use cases: identify, validate, update (PENDING / CLAIMED), unclaimed sales
 * and void. Every write happens in one database transaction; every answer is built from the pure
 * `evaluate`.
 */
export class LoyaltyService {
  private readonly db: Kysely<Database>;
  private readonly clock: () => Date;
  private readonly programs: TtlCache<string, Program | null>;
  private readonly stores: TtlCache<string, Store | null>;
  private readonly incentives: TtlCache<string, Map<string, Incentive>>;
  /** Guests read together with their transaction row, so a sale reads both in one query. */
  private readonly joinedGuests = new WeakMap<LoyaltyTransactionTable, Guest>();
  private readonly codeGuard: CodeLookupGuard;

  constructor(private readonly deps: LoyaltyDeps) {
    this.db = deps.db.kysely;
    this.clock = deps.clock ?? (() => new Date());
    const ttl = deps.configTtlMs ?? 5_000;
    this.programs = new TtlCache(ttl);
    this.stores = new TtlCache(ttl);
    this.incentives = new TtlCache(ttl);
    this.codeGuard = deps.codeGuard ?? new CodeLookupGuard(() => this.clock().getTime());
  }

  /** Forget cached configuration (after an admin write, or in tests). */
  invalidate(): void {
    this.programs.clear();
    this.stores.clear();
    this.incentives.clear();
  }

  async identify(principal: PosPrincipal, cmd: IdentifyCommand): Promise<IdentifyResult> {
    const store = await this.openStore(principal, cmd.pos.storeId);
    const posKey = posKeyOf(cmd.pos);
    const identifier = cmd.identifier.trim();
    if (/^\d{6}$/.test(identifier)) return this.identifyByCode(principal, store, identifier, cmd.pos, posKey);
    if (UUID.test(identifier)) return this.identifyByLoyaltyId(principal, store, identifier.toLowerCase(), cmd.pos, posKey);
    throw new AppError('InvalidIdentifier', 'identifier must be a 6-digit code or a loyalty id (UUID)', { field: 'identifier' });
  }

  private async identifyByCode(principal: PosPrincipal, store: Store, code: string, pos: PosContext, posKey: string): Promise<IdentifyResult> {
    this.codeGuard.beforeLookup(principal.keyId, store.id);
    const nowIso = this.clock().toISOString();
    const otp = await activeCode.first(this.db, { programId: principal.programId, code, now: nowIso });
    if (!otp) {
      this.codeGuard.miss(principal.keyId, store.id);
      throw new AppError('IdentifierNotFound', 'No active code matches this identifier (codes live 300 seconds)');
    }
    const guest = toGuest(otp);

    const reuse = async (usedKey: string | null, txnId: string | null): Promise<IdentifyResult> => {
      if (usedKey !== posKey || !txnId) {
        throw new AppError('OrderSelectionStatusUnclaimable', 'This code was already used for another POS transaction');
      }
      const txn = await this.transactionRow(principal, txnId);
      return (await this.identifyAnswer(principal, txn.selections, guest.id, pos))(txn, guest);
    };
    if (otp.used_at) return reuse(otp.used_pos_key, otp.used_transaction_id);

    // Everything that can refuse this call (a pre-selected incentive without a config for this
    // vendor, …) runs before the code is consumed: a failed identify must not burn the guest's code.
    const answer = await this.identifyAnswer(principal, otp.selections, guest.id, pos);
    const txnId = newId();
    const row = this.openTransactionRow(principal, store, guest.id, pos, posKey, txnId, otp.selections, nowIso);
    const created = await consumeCodeAndOpen(this.db, this.deps.db.engine, { id: otp.otp_id, at: nowIso, posKey, transactionId: txnId }, row);
    if (!created) {
      // Another request used the code between our read and our write: answer as a repeat would.
      const again = await this.db.selectFrom('otp_codes').select(['used_pos_key', 'used_transaction_id']).where('id', '=', otp.otp_id).executeTakeFirstOrThrow();
      return reuse(again.used_pos_key, again.used_transaction_id);
    }
    return answer(row, guest);
  }

  private async identifyByLoyaltyId(principal: PosPrincipal, store: Store, loyaltyId: string, pos: PosContext, posKey: string): Promise<IdentifyResult> {
    // Everything that can refuse this call runs before anything is written, as for a code.
    const answer = await this.identifyAnswer(principal, '[]', loyaltyId, pos);
    const row = this.openTransactionRow(principal, store, loyaltyId, pos, posKey, newId(), '[]', this.clock().toISOString());
    // The guest, and this POS sale's open transaction if it identified before, else `row` inserted.
    const found = await guestAndOpenTransaction(this.db, this.deps.db.engine, row);
    if (!found) throw new AppError('IdentifierNotFound', 'No guest has this loyalty id');
    const guest = toGuest(found);
    if (found.inserted_id === null && found.t_id !== null && found.t_selections !== null && found.t_receipt_code !== null) {
      return (await this.identifyAnswer(principal, found.t_selections, guest.id, pos))({ id: found.t_id, receipt_code: found.t_receipt_code }, guest);
    }
    return answer(row, guest);
  }

  /** A new OPEN transaction of this POS sale (not yet written). */
  private openTransactionRow(
    principal: PosPrincipal,
    store: Store,
    guestId: string,
    pos: PosContext,
    posKey: string,
    id: string,
    selections: string,
    nowIso: string,
  ): LoyaltyTransactionTable {
    return {
      id,
      program_id: principal.programId,
      store_id: store.id,
      guest_id: guestId,
      status: 'OPEN',
      pos_vendor: pos.pluVendor,
      pos_type: pos.posType,
      pos_key: posKey,
      dedupe_key: null,
      terminal: pos.terminal,
      pos_transaction_id: pos.posTransactionId,
      operator: pos.operator,
      matching_id: pos.matchingId,
      selections,
      service_mode: null,
      channel: null,
      cart: null,
      subtotal_cents: 0,
      points_earned: 0,
      points_redeemed: 0,
      reserved_points: 0,
      earnable_points: 0,
      receipt_code: newReceiptCode(this.deps.randomIndex),
      claim_hash: null,
      claim_response: null,
      created_at: nowIso,
      updated_at: nowIso,
      claimed_at: null,
      voided_at: null,
    };
  }

  /**
   * The identify answer for a transaction with these selections. Everything that can fail (a
   * selection without a PLU config for the asking vendor) fails here, before anything is written;
   * the returned function only fills in the transaction and the guest (read with it, or after it).
   */
  private async identifyAnswer(
    principal: PosPrincipal,
    selectionsJson: string,
    guestId: string,
    pos: PosContext,
  ): Promise<(txn: Pick<LoyaltyTransactionTable, 'id' | 'receipt_code'>, guest: Guest) => IdentifyResult> {
    const [incentives, program] = await Promise.all([this.incentiveMap(principal.programId), this.program(principal.programId)]);
    const selections: SelectedIncentive[] = [];
    let reserved = 0;
    for (const id of JSON.parse(selectionsJson) as string[]) {
      const incentive = incentives.get(id);
      if (!incentive) continue; // withdrawn since the guest picked it
      selections.push({ incentive, plu: pluFor(incentive, pos.pluVendor), referenceId: String(selections.length).padStart(2, '0') });
      if (incentive.kind === 'REWARD') reserved += incentive.pointCost;
    }
    const tier = await guestTier(this.db, program, guestId, this.clock());
    return (txn, guest) => ({
      transactionId: txn.id,
      guest: { id: guest.id, name: guest.name, createdAt: guest.createdAt },
      balance: Math.max(0, guest.balance - reserved),
      selections,
      receiptCode: txn.receipt_code,
      tier,
    });
  }

  /** Dry run of a claim: eligibility and points preview; changes nothing. */
  async validate(principal: PosPrincipal, transactionId: string, cmd: SaleCommand): Promise<SaleResult> {
    const txn = await this.transactionRow(principal, transactionId);
    if (!(OPEN_STATES as readonly string[]).includes(txn.status)) {
      throw new AppError('TransactionNotClaimable', `Loyalty transaction is ${txn.status}`);
    }
    const { program, guest, evaluation, incentiveLines } = await this.evaluateSale(principal, txn, cmd);
    if (evaluation.failures.length > 0) throw rulesError(evaluation.failures);
    return this.saleResult(program, txn, guest, cmd, evaluation, incentiveLines, {
      points: guest.balance - evaluation.pointsRedeemed + evaluation.pointsEarned,
      pointsEarned: evaluation.pointsEarned,
      kind: 'claimed',
    });
  }

  /**
   * PENDING evaluates and holds the basket's rewards on the transaction; CLAIMED redeems and earns.
   * `render` turns the result into the dialect's answer, which is stored so that a retried CLAIMED
   * with the same body gets the very same answer.
   */
  async update(principal: PosPrincipal, transactionId: string, cmd: SaleCommand, render: (r: SaleResult) => unknown): Promise<unknown> {
    const txn = await this.transactionRow(principal, transactionId);
    if (txn.status === 'CLAIMED' || txn.status === 'VOIDED' || txn.status === 'UNCLAIMED') {
      return this.replayOrRefuse(txn, cmd);
    }
    const { program, guest, evaluation, incentiveLines } = await this.evaluateSale(principal, txn, cmd);
    if (evaluation.failures.length > 0) throw rulesError(evaluation.failures);
    const nowIso = this.clock().toISOString();
    const common = {
      cart: JSON.stringify(cmd.cart),
      service_mode: cmd.serviceMode,
      channel: cmd.channel,
      subtotal_cents: evaluation.subtotalCents,
      updated_at: nowIso,
    };

    if (cmd.status === 'PENDING') {
      const updated = await markPending.first(this.db, { ...common, id: txn.id, reserved: evaluation.pointsRedeemed });
      if (!updated) return this.replayOrRefuse(await this.transactionRow(principal, txn.id), cmd);
      // The answer previews the claim, as the NCR seed's PENDING example does (pointsEarned: what
      // the sale would earn); only CLAIMED moves points.
      return render(
        this.saleResult(program, txn, guest, cmd, evaluation, incentiveLines, {
          points: Math.max(0, guest.balance - evaluation.pointsRedeemed + evaluation.pointsEarned),
          pointsEarned: evaluation.pointsEarned,
          kind: 'claimed',
        }),
      );
    }

    const entries: LedgerEntryInput[] = [
      { kind: 'REDEEM', points: -evaluation.pointsRedeemed, transactionId: txn.id },
      { kind: 'EARN', points: evaluation.pointsEarned, transactionId: txn.id },
    ];
    const redemptions = (): NewRedemption[] =>
      evaluation.applied.map((a) => ({
        id: newId(),
        program_id: program.id,
        guest_id: guest.id,
        transaction_id: txn.id,
        incentive_id: a.incentiveId,
        kind: a.kind,
        quantity: a.quantity,
        points: a.points,
        created_at: nowIso,
        voided_at: null,
        // Which lines redeemed it: a partial refund of those lines gives the reward back.
        line_refs: JSON.stringify(a.lineRefs),
      }));
    const claimWrite = (balance: number, ledger: LedgerRow[]): ClaimWrite & { rendered: unknown } => {
      const rendered = render(this.saleResult(program, txn, guest, cmd, evaluation, incentiveLines, { points: balance, pointsEarned: evaluation.pointsEarned, kind: 'claimed' }));
      return {
        rendered,
        ledger,
        redemptions: redemptions(),
        claim: {
          ...common,
          id: txn.id,
          claim_hash: cmd.bodyHash,
          claim_response: JSON.stringify(rendered),
          points_earned: evaluation.pointsEarned,
          points_redeemed: evaluation.pointsRedeemed,
          claimed_at: nowIso,
        },
        event: {
          id: newId(),
          program_id: program.id,
          type: 'transaction.claimed',
          payload: JSON.stringify({ ...claimedEventData(txn, guest.id, evaluation, balance, nowIso) }),
          created_at: nowIso,
        },
      };
    };

    const plan = planEntries(entries);
    if (
      this.deps.db.engine === 'postgres' &&
      guest.balance >= plan.required &&
      plan.moving.length <= ONE_STATEMENT_LIMITS.ledger &&
      evaluation.applied.length <= ONE_STATEMENT_LIMITS.redemptions
    ) {
      // On PostgreSQL one statement claims (see claimInOneStatement), answered with the balance the
      // sale was evaluated with, plus what it moves.
      const w = claimWrite(guest.balance + plan.net, ledgerRows(program.id, guest.id, plan.moving, nowIso, guest.balance));
      const done = await claimInOneStatement(this.db, {
        ...w,
        guestId: guest.id,
        programId: program.id,
        expectedBalance: guest.balance,
        net: plan.net,
        at: nowIso,
        redeemedIncentiveIds: evaluation.applied.map((a) => a.incentiveId),
      });
      if (done) {
        this.deps.observer?.claimed?.(program.id, evaluation.pointsEarned, evaluation.pointsRedeemed);
        return w.rendered;
      }
      // It wrote nothing: the guest's balance moved since it was read, or another request claimed
      // or voided first. The transactional claim below sorts out either case.
    }

    try {
      // Guest row first, transaction row second — the same lock order as void, so the two never
      // deadlock on PostgreSQL. Losing the race for the transaction row rolls everything back.
      const body = await this.db
        .transaction()
        .execute(async (trx) => {
          const { balance, rows: ledger } = await moveBalance(trx, program.id, guest.id, entries, nowIso, { touchActivity: true });
          const { rendered, ...w } = claimWrite(balance, ledger);
          const won = await writeClaim(trx, w);
          if (!won) throw LOST_RACE;
          await dropRedeemedFromSelection(trx, guest.id, evaluation.applied.map((a) => a.incentiveId), nowIso);
          return rendered;
        })
        .catch((e: unknown) => {
          if (e === LOST_RACE) return null;
          throw e;
        });
      if (body === null) return this.replayOrRefuse(await this.transactionRow(principal, txn.id), cmd);
      this.deps.observer?.claimed?.(program.id, evaluation.pointsEarned, evaluation.pointsRedeemed);
      return body;
    } catch (e) {
      if (e instanceof InsufficientPoints) {
        // A retry of this same claim may have committed first and spent the points: answer as a retry.
        const fresh = await this.transactionRow(principal, txn.id);
        if (fresh.status !== txn.status) return this.replayOrRefuse(fresh, cmd);
        // Otherwise another sale spent the points between our evaluation and our debit.
        throw rulesError(
          evaluation.applied
            .filter((a) => a.kind === 'REWARD')
            .map((a) => ({
              code: 'insufficient-point-balance',
              ruleId: POINT_BALANCE,
              incentiveId: a.incentiveId,
              currentValue: e.available ?? 0,
              targetValue: evaluation.pointsRedeemed,
              message: 'User does not have sufficient funds to redeem reward',
            })),
        );
      }
      throw e;
    }
  }

  private replayOrRefuse(txn: LoyaltyTransactionTable, cmd: SaleCommand): unknown {
    if (txn.status === 'CLAIMED' && cmd.status === 'CLAIMED' && txn.claim_hash === cmd.bodyHash && txn.claim_response) {
      return JSON.parse(txn.claim_response);
    }
    const why =
      txn.status === 'CLAIMED'
        ? 'Loyalty transaction is already CLAIMED with a different body'
        : `Loyalty transaction is ${txn.status}`;
    throw new AppError('TransactionNotClaimable', why);
  }

  /** A sale without an identified guest; a repeat for the same POS sale returns the same transaction. */
  async unclaimed(principal: PosPrincipal, cmd: SaleCommand): Promise<UnclaimedResult> {
    const store = await this.openStore(principal, cmd.pos.storeId);
    const program = await this.program(principal.programId);
    const posKey = posKeyOf(cmd.pos);
    const dedupeKey = `U|${posKey}`;
    const existing = await this.findByDedupe(principal.programId, dedupeKey);
    if (existing) return this.unclaimedResult(program, existing, cmd.pos.dialect);

    // Without a guest nothing is redeemed: loyalty lines (generic discount PLUs included) only
    // count as discounts on the goods.
    const rung = redeemByGenericDiscount(cmd.cart, program.posSettings?.[cmd.pos.pluVendor]?.genericDiscountPlus ?? []);
    const cart: Cart = { ...rung, lines: rung.lines.map((l) => ({ ...l, incentiveId: null })) };
    const evaluation = evaluate(cart, {
      now: cmd.localTime ?? localTimeAt(this.clock(), store.timeZone),
      store: { id: store.id, externalId: store.externalId },
      serviceMode: cmd.serviceMode,
      guest: null,
      earn: program.earn,
      incentives: new Map(),
    });
    const nowIso = this.clock().toISOString();
    const row: LoyaltyTransactionTable = {
      id: newId(),
      program_id: program.id,
      store_id: store.id,
      guest_id: null,
      status: 'UNCLAIMED',
      pos_vendor: cmd.pos.pluVendor,
      pos_type: cmd.pos.posType,
      pos_key: posKey,
      dedupe_key: dedupeKey,
      terminal: cmd.pos.terminal,
      pos_transaction_id: cmd.pos.posTransactionId,
      operator: cmd.pos.operator,
      matching_id: cmd.pos.matchingId,
      selections: '[]',
      service_mode: cmd.serviceMode,
      channel: cmd.channel,
      cart: JSON.stringify(cmd.cart),
      subtotal_cents: evaluation.subtotalCents,
      points_earned: 0,
      points_redeemed: 0,
      reserved_points: 0,
      earnable_points: evaluation.pointsEarned,
      receipt_code: newReceiptCode(this.deps.randomIndex),
      claim_hash: cmd.bodyHash,
      claim_response: null,
      created_at: nowIso,
      updated_at: nowIso,
      claimed_at: null,
      voided_at: null,
    };
    const inserted = await this.db
      .insertInto('loyalty_transactions')
      .values(row)
      .onConflict((oc) => oc.columns(['program_id', 'dedupe_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    const stored = inserted ? row : await this.findByDedupe(principal.programId, dedupeKey);
    if (!stored) throw new AppError('Conflict', 'Unclaimed transaction could not be stored; retry');
    return this.unclaimedResult(program, stored, cmd.pos.dialect);
  }

  private async findByDedupe(programId: string, dedupeKey: string): Promise<LoyaltyTransactionTable | undefined> {
    return this.db
      .selectFrom('loyalty_transactions')
      .selectAll()
      .where('program_id', '=', programId)
      .where('dedupe_key', '=', dedupeKey)
      .executeTakeFirst();
  }

  private unclaimedResult(program: Program, txn: LoyaltyTransactionTable, dialect: string): UnclaimedResult {
    const presentation = renderPresentation(templateFor(program, dialect, 'unclaimed'), {
      transactionId: txn.id,
      receiptCode: txn.receipt_code,
      pointsEarned: txn.earnable_points,
      pointsRedeemed: 0,
      balance: null,
      claimUrl: this.claimUrl(program, txn.receipt_code),
    });
    return { transactionId: txn.id, receiptCode: txn.receipt_code, presentation, earnablePoints: txn.earnable_points };
  }

  /**
   * Void / refund: reverses what the transaction redeemed and earned. The earned points are taken
   * back only as far as the balance allows (the guest may have spent them since); the ledger
   * records exactly what moved. A repeated void answers the same.
   */
  async void(principal: PosPrincipal, transactionId: string, options: VoidOptions = {}): Promise<{ transactionId: string }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const txn = await this.transactionRow(principal, transactionId);
      if (txn.status === 'VOIDED') return { transactionId: txn.id };
      const nowIso = this.clock().toISOString();
      const moved = { pointsReturned: 0, pointsTakenBack: 0 };
      const done = await this.db.transaction().execute(async (trx) => {
        if (txn.status === 'CLAIMED' && txn.guest_id) {
          // Lock the guest before the transaction row, in the order CLAIMED takes them.
          await trx.updateTable('guests').set((eb) => ({ balance: eb.ref('balance') })).where('id', '=', txn.guest_id).execute();
        }
        const won = await trx
          .updateTable('loyalty_transactions')
          .set({ status: 'VOIDED', voided_at: nowIso, updated_at: nowIso, reserved_points: 0 })
          .where('id', '=', txn.id)
          .where('status', '=', txn.status)
          .returning('id')
          .executeTakeFirst();
        if (!won) return false;
        if (txn.status === 'CLAIMED' && txn.guest_id) {
          // Partial refunds (refund.service.ts) already moved some points: reverse only the rest.
          const net = await netOfRefunds(trx, txn);
          const afterCredit = await postEntries(
            trx,
            txn.program_id,
            txn.guest_id,
            [{ kind: 'VOID_REDEEM', points: net.pointsRedeemed, transactionId: txn.id }],
            nowIso,
          );
          const takeBack = Math.min(net.pointsEarned, afterCredit);
          Object.assign(moved, { pointsReturned: net.pointsRedeemed, pointsTakenBack: takeBack });
          await postEntries(
            trx,
            txn.program_id,
            txn.guest_id,
            [
              {
                kind: 'VOID_EARN',
                points: -takeBack,
                transactionId: txn.id,
                reason: takeBack < net.pointsEarned ? `balance covered ${takeBack} of ${net.pointsEarned} earned points` : null,
              },
            ],
            nowIso,
          );
          await trx.updateTable('redemptions').set({ voided_at: nowIso }).where('transaction_id', '=', txn.id).execute();
        }
        await enqueueEvent(trx, txn.program_id, 'transaction.voided', { ...voidedEventData(txn, moved, options.voidedBy ?? 'pos', nowIso) }, nowIso);
        await options.inTransaction?.(trx, txn);
        return true;
      });
      if (done) {
        this.deps.observer?.voided?.(txn.program_id);
        return { transactionId: txn.id };
      }
    }
    throw new AppError('Conflict', 'Transaction changed while voiding; retry');
  }

  /**
   * Partial refund of a CLAIMED sale: the refunded lines' share of the earned points is taken back
   * and rewards on refunded lines are given back (refund.service.ts). Idempotent by `refundId`.
   */
  async refund(principal: PosPrincipal, transactionId: string, cmd: RefundCommand): Promise<RefundResult> {
    return refundSale(this.db, principal, await this.transactionRow(principal, transactionId), cmd, this.clock());
  }

  /** A fresh one-time 6-digit code for a guest, with incentives pre-selected. */
  async createCode(programId: string, guestId: string, selectionIds: string[], ttlSeconds = this.deps.otpTtlSeconds ?? 300): Promise<{ code: string; expiresAt: string }> {
    const guest = await this.guest(programId, guestId);
    if (!guest) throw new AppError('UserNotFoundError', `No guest ${guestId} in this program`);
    const incentives = await this.incentiveMap(programId, true);
    for (const id of selectionIds) {
      if (!incentives.has(id)) throw new AppError('RewardNotFoundError', `No active reward or offer ${id} in this program`, { incentiveId: id });
    }
    const offers = selectionIds.filter((id) => incentives.get(id)?.kind === 'OFFER');
    if (offers.length > 1) throw new AppError('ValidationError', 'At most one offer can be pre-selected', { field: 'select' });
    const now = this.clock();
    const nowIso = now.toISOString();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
    for (let attempt = 0; attempt < 20; attempt++) {
      const code = String(this.deps.randomIndex(1_000_000)).padStart(6, '0');
      const clash = await this.db
        .selectFrom('otp_codes')
        .select('id')
        .where('program_id', '=', programId)
        .where('code', '=', code)
        .where('expires_at', '>', nowIso)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (clash) continue;
      await this.db
        .insertInto('otp_codes')
        .values({
          id: newId(),
          program_id: programId,
          guest_id: guestId,
          code,
          selections: JSON.stringify(selectionIds),
          created_at: nowIso,
          expires_at: expiresAt,
          used_at: null,
          used_pos_key: null,
          used_transaction_id: null,
        })
        .execute();
      return { code, expiresAt };
    }
    throw new AppError('ServiceUnavailable', 'Could not find a free code; try again');
  }

  // ---- shared steps -------------------------------------------------------------------------

  private async evaluateSale(principal: PosPrincipal, txn: LoyaltyTransactionTable, cmd: SaleCommand) {
    if (!txn.guest_id) throw new AppError('TransactionNotClaimable', 'Transaction has no guest');
    if (cmd.loyaltyId && cmd.loyaltyId.toLowerCase() !== txn.guest_id) {
      throw new AppError('ValidationError', 'loyaltyId is not the guest identified on this transaction', { field: 'loyaltyId' });
    }
    const [program, guest, incentives] = await Promise.all([
      this.program(principal.programId),
      this.joinedGuests.get(txn) ?? this.guest(principal.programId, txn.guest_id),
      this.incentiveMap(principal.programId),
    ]);
    if (!guest) throw new AppError('UserNotFoundError');
    const store = await this.storeById(txn, principal);
    const selections = JSON.parse(txn.selections) as string[];
    const rung = redeemByGenericDiscount(cmd.cart, program.posSettings?.[cmd.pos.pluVendor]?.genericDiscountPlus ?? []);
    const resolve = (refused: ReadonlySet<string>) =>
      resolveIncentiveLines(rung, incentives, cmd.pos.pluVendor, selections, cmd.appliedIncentiveIds, cmd.itemLineRedemption ? { ...cmd.itemLineRedemption, refused } : null);
    let { cart, incentiveLines, offered } = resolve(new Set());
    // Guest history only when an incentive in the cart has a rule that needs it (rule-facts.ts).
    const history = await loadGuestHistory(this.db, {
      programId: principal.programId,
      guestId: guest.id,
      transactionId: txn.id,
      timeZone: store.timeZone,
      needs: needsOf(incentivesInCart(cart, incentives)),
      now: this.clock(),
    });
    const evaluateCart = (c: Cart) =>
      evaluate(c, {
        now: cmd.localTime ?? localTimeAt(this.clock(), store.timeZone),
        store: { id: store.id, externalId: store.externalId, groups: store.groups ?? [] },
        serviceMode: cmd.serviceMode,
        guest: { id: guest.id, balance: guest.balance, enrolledAt: guest.createdAt },
        earn: program.earn,
        incentives,
        channel: cmd.channel,
        history,
      });
    let evaluation = evaluateCart(cart);
    // Incentives offered on upsize lines nobody asked for are a suggestion: one the guest cannot
    // have (points, rules) is left out rather than failing the sale.
    const refused = new Set(evaluation.failures.flatMap((f) => (f.incentiveId && offered.includes(f.incentiveId) ? [f.incentiveId] : [])));
    if (refused.size > 0) {
      ({ cart, incentiveLines, offered } = resolve(refused));
      evaluation = evaluateCart(cart);
    }
    return { program, guest, evaluation, incentiveLines };
  }

  private saleResult(
    program: Program,
    txn: LoyaltyTransactionTable,
    guest: Guest,
    cmd: SaleCommand,
    evaluation: Evaluation,
    incentiveLines: SaleResult['incentiveLines'],
    figures: { points: number; pointsEarned: number; kind: 'claimed' },
  ): SaleResult {
    const presentation = renderPresentation(templateFor(program, cmd.pos.dialect, figures.kind), {
      transactionId: txn.id,
      receiptCode: txn.receipt_code,
      pointsEarned: figures.pointsEarned,
      pointsRedeemed: evaluation.pointsRedeemed,
      balance: figures.points,
      claimUrl: this.claimUrl(program, txn.receipt_code),
    });
    return {
      transactionId: txn.id,
      loyaltyId: guest.id,
      points: figures.points,
      pointsEarned: figures.pointsEarned,
      pointsRedeemed: evaluation.pointsRedeemed,
      receiptCode: txn.receipt_code,
      presentation,
      evaluation,
      incentiveLines,
    };
  }

  private claimUrl(program: Program, receiptCode: string): string {
    return `${(program.publicUrl ?? this.deps.publicUrl).replace(/\/$/, '')}/r/${receiptCode}`;
  }

  /** The transaction, with its guest read in the same query (kept aside for `evaluateSale`). */
  private async transactionRow(principal: PosPrincipal, id: string): Promise<LoyaltyTransactionTable> {
    const row = UUID.test(id) ? await transactionWithGuest.first(this.db, { id: id.toLowerCase(), programId: principal.programId }) : undefined;
    if (!row) throw new AppError('TransactionNotFoundError', `No loyalty transaction ${id}`);
    const { g_name, g_email, g_balance, g_created_at, ...txn } = row;
    if (txn.guest_id && g_name !== null && g_balance !== null && g_created_at !== null) {
      this.joinedGuests.set(txn, { id: txn.guest_id, programId: txn.program_id, name: g_name, email: g_email, balance: g_balance, createdAt: g_created_at });
    }
    return txn;
  }

  private async openStore(principal: PosPrincipal, externalId: string): Promise<Store> {
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

  private async storeById(txn: LoyaltyTransactionTable, principal: PosPrincipal): Promise<Store> {
    const store = await this.stores.getOrLoad(`id|${txn.store_id}`, async () => {
      const row = await this.db.selectFrom('stores').selectAll().where('id', '=', txn.store_id).where('program_id', '=', principal.programId).executeTakeFirst();
      return row ? toStore(row) : null;
    });
    if (!store) throw new AppError('StoreNotFound');
    return store;
  }

  private async program(id: string): Promise<Program> {
    const program = await this.programs.getOrLoad(id, () => findProgram(this.db, id));
    if (!program) throw new AppError('Forbidden', 'API key belongs to no program');
    return program;
  }

  private async incentiveMap(programId: string, fresh = false): Promise<Map<string, Incentive>> {
    if (fresh) this.incentives.delete(programId);
    return this.incentives.getOrLoad(programId, async () => new Map((await listActiveIncentives(this.db, programId)).map((i) => [i.id, i])));
  }

  private async guest(programId: string, id: string): Promise<Guest | null> {
    const row = await guestById.first(this.db, { id, programId });
    return row ? toGuest(row) : null;
  }
}

function toGuest(row: GuestRow): Guest {
  return { id: row.id, programId: row.program_id, name: row.name, email: row.email, balance: row.balance, createdAt: row.created_at };
}

export function posKeyOf(pos: PosContext): string {
  return `${pos.storeId}|${pos.terminal}|${pos.posTransactionId}`;
}

/** The receipt template a dialect prints for a sale: the program's per-vendor one, its default, or the built-in. */
export function templateFor(program: Program, dialect: string, kind: 'claimed' | 'unclaimed'): PresentationTemplate {
  return program.receiptTemplates[dialect]?.[kind] ?? program.receiptTemplates.default?.[kind] ?? defaultTemplates(program)[kind];
}

/** The PLU a vendor rings for an incentive; an incentive without a config for the vendor is an error. */
export function pluFor(incentive: Incentive, vendor: string): string | null {
  const config = incentive.vendorConfigs[vendor];
  if (!config) {
    throw new AppError('VendorConfigMissing', `Incentive "${incentive.name}" (${incentive.id}) has no PLU configuration for vendor "${vendor}"`, {
      incentiveId: incentive.id,
      vendor,
    });
  }
  return primaryPlu(config);
}

/**
 * Names the incentive behind each loyalty line: by the line's incentiveId, else by this vendor's
 * PLU (pre-selected incentives first), else by a PLU the incentive has for any other vendor of the
 * program when exactly one incentive has it (a POS ringing the PLU another integration of the same
 * store answered). A loyalty line that names nothing we know, or names it ambiguously, is a 404.
 * The incentive decides what the line is: a reward's PLU on a line sent as an offer redeems the
 * reward. With `itemLines` (dialects that pin discounts to item lines), item lines may redeem too.
 */
export function resolveIncentiveLines(
  cart: Cart,
  incentives: ReadonlyMap<string, Incentive>,
  vendor: string,
  selections: string[],
  applied: string[] | null,
  itemLines: ItemLineRedemption | null = null,
): { cart: Cart; incentiveLines: SaleResult['incentiveLines']; offered: string[] } {
  const incentiveLines: SaleResult['incentiveLines'] = [];
  const named = new Set<string>();
  const ordered = [...selections.map((id) => incentives.get(id)).filter((i): i is Incentive => !!i), ...incentives.values()];
  const lines = cart.lines.map((line, i) => {
    let incentive: Incentive | undefined;
    if (line.incentiveId) {
      incentive = incentives.get(line.incentiveId);
      if (!incentive) {
        throw new AppError(line.kind === 'offer' ? 'OfferNotFoundError' : 'RewardNotFoundError', `No active incentive ${line.incentiveId}`, {
          field: `transactionDetails.order[${i}].incentiveId`,
        });
      }
    } else if (line.kind === 'reward' || line.kind === 'offer') {
      incentive = ordered.find((c) => {
        const config = c.vendorConfigs[vendor];
        return config !== undefined && allPlus(config).includes(line.productId);
      });
      if (!incentive) {
        const anyVendor = [...incentives.values()].filter((c) => Object.values(c.vendorConfigs).some((config) => allPlus(config).includes(line.productId)));
        if (anyVendor.length === 1) incentive = anyVendor[0];
        else {
          const why = anyVendor.length > 1 ? `; ${anyVendor.length} incentives have it for other vendors (${anyVendor.map((c) => c.id).join(', ')})` : '';
          throw new AppError(line.kind === 'offer' ? 'OfferNotFoundError' : 'RewardNotFoundError', `No ${line.kind} with PLU "${line.productId}" for vendor ${vendor}${why}`, {
            field: `transactionDetails.order[${i}].productId`,
          });
        }
      }
    }
    if (!incentive) return line;
    named.add(incentive.id);
    const kind = incentive.kind === 'REWARD' ? ('reward' as const) : ('offer' as const);
    if (applied && !applied.includes(incentive.id)) return { ...line, incentiveId: null };
    incentiveLines.push({ incentive, lineRef: line.ref, plu: line.productId });
    return { ...line, kind: line.kind === 'reward' || line.kind === 'offer' ? kind : line.kind, incentiveId: incentive.id };
  });
  const resolved = { cart: { ...cart, lines }, incentiveLines };
  if (!itemLines) return { ...resolved, offered: [] };
  return redeemItemLines({ ...resolved, incentives, vendor, selections, applied, named, redemption: itemLines });
}
