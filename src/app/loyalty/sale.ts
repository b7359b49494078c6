import { markPending, type NewRedemption, recordRuleResults } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import type { LedgerEntryInput } from '../../adapters/db/repositories/points-ledger.repository.ts';
import type { LoyaltyTransactionRow } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import type { Cart } from '../../domain/cart.ts';
import { OPEN_STATUSES } from '../../domain/transaction-status.ts';
import { evaluate, type Evaluation, POINT_BALANCE } from '../../domain/evaluate.ts';
import { ruleResults, type RuleResults } from '../../domain/rule-results.ts';
import { localTimeAt } from '../../domain/time.ts';
import { AppError, rulesError } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import type { SaleCommand, SaleResult } from '../commands.ts';
import { claimedEventData } from '../events/event-types.ts';
import { redeemByGenericDiscount } from '../generic-discount-plu.ts';
import type { Guest, PosPrincipal, Program } from '../model.ts';
import { incentivesInCart, loadGuestHistory, needsOf } from '../rule-facts.ts';
import type { LoyaltyContext } from './context.ts';
import { resolveIncentiveLines } from './incentive-lines.ts';
import { presentationFor } from './presentation.ts';

/**
 * The sale of an identified guest: validate (a dry run), PENDING (holds the basket's rewards) and
 * CLAIMED (redeems and earns, written by the context's ClaimWriter). Every answer is built from
 * the pure `evaluate`.
 */

/** Dry run of a claim: eligibility and points preview; changes nothing. */
export async function validateSale(ctx: LoyaltyContext, principal: PosPrincipal, transactionId: string, cmd: SaleCommand): Promise<SaleResult> {
  const txn = await ctx.transactions.row(principal, transactionId);
  if (!(OPEN_STATUSES as readonly string[]).includes(txn.status)) {
    throw new AppError('TransactionNotClaimable', `Loyalty transaction is ${txn.status}`);
  }
  const { program, guest, evaluation, incentiveLines, ruleResultsJson } = await evaluateSale(ctx, principal, txn, cmd, 'validate');
  // A dry run changes nothing but the rule results the back office shows for the sale, and those
  // only when worth a write: a refusal, or a verdict that differs from the one recorded. A passing
  // validate of a sale with nothing recorded writes nothing (PENDING and CLAIMED record theirs with
  // their own UPDATE): one write fewer per sale, and on SQLite one commit (and fsync) fewer.
  if (evaluation.failures.length > 0 || (txn.rule_results !== null && verdictOf(txn.rule_results) !== verdictOf(ruleResultsJson()))) {
    await recordRuleResults.run(ctx.db, { id: txn.id, rule_results: ruleResultsJson() });
  }
  if (evaluation.failures.length > 0) throw rulesError(evaluation.failures);
  return saleResult(ctx, program, txn, guest, cmd, evaluation, incentiveLines, guest.balance - evaluation.pointsRedeemed + evaluation.pointsEarned);
}

/**
 * PENDING evaluates and holds the basket's rewards on the transaction; CLAIMED redeems and earns.
 * `render` turns the result into the dialect's answer, which is stored so that a retried CLAIMED
 * with the same body gets the very same answer.
 */
export async function updateSale(
  ctx: LoyaltyContext,
  principal: PosPrincipal,
  transactionId: string,
  cmd: SaleCommand,
  render: (r: SaleResult) => unknown,
): Promise<unknown> {
  const txn = await ctx.transactions.row(principal, transactionId);
  if (txn.status === 'CLAIMED' || txn.status === 'VOIDED' || txn.status === 'UNCLAIMED') {
    return replayOrRefuse(txn, cmd);
  }
  const { program, guest, evaluation, incentiveLines, ruleResultsJson } = await evaluateSale(ctx, principal, txn, cmd, cmd.status);
  const results = ruleResultsJson();
  if (evaluation.failures.length > 0) {
    await recordRuleResults.run(ctx.db, { id: txn.id, rule_results: results });
    throw rulesError(evaluation.failures);
  }
  const nowIso = ctx.clock().toISOString();
  const common = {
    cart: JSON.stringify(cmd.cart),
    service_mode: cmd.serviceMode,
    channel: cmd.channel,
    subtotal_cents: evaluation.subtotalCents,
    updated_at: nowIso,
    // Written with the update itself (PENDING's UPDATE, CLAIMED's claim row): no extra statement.
    rule_results: results,
  };

  if (cmd.status === 'PENDING') {
    const updated = await markPending.first(ctx.db, { ...common, id: txn.id, reserved: evaluation.pointsRedeemed });
    if (!updated) return replayOrRefuse(await ctx.transactions.row(principal, txn.id), cmd);
    // The answer previews the claim, as the NCR seed's PENDING example does (pointsEarned: what
    // the sale would earn); only CLAIMED moves points.
    return render(
      saleResult(ctx, program, txn, guest, cmd, evaluation, incentiveLines, Math.max(0, guest.balance - evaluation.pointsRedeemed + evaluation.pointsEarned)),
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

  const outcome = await ctx.claimWriter.claim({
    programId: program.id,
    guestId: guest.id,
    expectedBalance: guest.balance,
    entries,
    redeemedIncentiveIds: evaluation.applied.map((a) => a.incentiveId),
    at: nowIso,
    compose: (balance, ledger) => {
      const answer = render(saleResult(ctx, program, txn, guest, cmd, evaluation, incentiveLines, balance));
      return {
        answer,
        write: {
          ledger,
          redemptions: redemptions(),
          claim: {
            ...common,
            id: txn.id,
            claim_hash: cmd.bodyHash,
            claim_response: JSON.stringify(answer),
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
        },
      };
    },
  });

  switch (outcome.status) {
    case 'claimed':
      ctx.observer?.claimed?.(program.id, evaluation.pointsEarned, evaluation.pointsRedeemed);
      return outcome.answer;
    case 'lost-race':
      return replayOrRefuse(await ctx.transactions.row(principal, txn.id), cmd);
    case 'insufficient-points': {
      // A retry of this same claim may have committed first and spent the points: answer as a retry.
      const fresh = await ctx.transactions.row(principal, txn.id);
      if (fresh.status !== txn.status) return replayOrRefuse(fresh, cmd);
      // Otherwise another sale spent the points between our evaluation and our debit.
      throw rulesError(
        evaluation.applied
          .filter((a) => a.kind === 'REWARD')
          .map((a) => ({
            code: 'insufficient-point-balance',
            ruleId: POINT_BALANCE,
            incentiveId: a.incentiveId,
            currentValue: outcome.available ?? 0,
            targetValue: evaluation.pointsRedeemed,
            message: 'User does not have sufficient funds to redeem reward',
          })),
      );
    }
  }
}

/** Stored rule results without the moment they were taken, to tell whether a new verdict differs. */
function verdictOf(ruleResultsJson: string): string {
  const verdict: Partial<RuleResults> = JSON.parse(ruleResultsJson) as RuleResults;
  delete verdict.at;
  return JSON.stringify(verdict);
}

/** A settled transaction: a retried CLAIMED with the same body gets its stored answer; anything else is refused. */
function replayOrRefuse(txn: LoyaltyTransactionRow, cmd: SaleCommand): unknown {
  if (txn.status === 'CLAIMED' && cmd.status === 'CLAIMED' && txn.claim_hash === cmd.bodyHash && txn.claim_response) {
    return JSON.parse(txn.claim_response);
  }
  const why = txn.status === 'CLAIMED' ? 'Loyalty transaction is already CLAIMED with a different body' : `Loyalty transaction is ${txn.status}`;
  throw new AppError('TransactionNotClaimable', why);
}

async function evaluateSale(ctx: LoyaltyContext, principal: PosPrincipal, txn: LoyaltyTransactionRow, cmd: SaleCommand, stage: RuleResults['stage']) {
  if (!txn.guest_id) throw new AppError('TransactionNotClaimable', 'Transaction has no guest');
  if (cmd.loyaltyId && cmd.loyaltyId.toLowerCase() !== txn.guest_id) {
    throw new AppError('ValidationError', 'loyaltyId is not the guest identified on this transaction', { field: 'loyaltyId' });
  }
  const [program, guest, incentives] = await Promise.all([
    ctx.config.program(principal.programId),
    ctx.transactions.guestOf(txn, principal.programId, txn.guest_id),
    ctx.config.incentiveMap(principal.programId),
  ]);
  if (!guest) throw new AppError('UserNotFoundError');
  const store = await ctx.config.storeOf(txn, principal);
  const selections = JSON.parse(txn.selections) as string[];
  const rung = redeemByGenericDiscount(cmd.cart, program.posSettings?.[cmd.pos.pluVendor]?.genericDiscountPlus ?? []);
  const resolve = (refused: ReadonlySet<string>) =>
    resolveIncentiveLines(
      rung,
      incentives,
      cmd.pos.pluVendor,
      selections,
      cmd.appliedIncentiveIds,
      cmd.itemLineRedemption ? { ...cmd.itemLineRedemption, refused } : null,
    );
  let { cart, incentiveLines, offered } = resolve(new Set());
  // Guest history only when an incentive in the cart has a rule that needs it (rule-facts.ts).
  const history = await loadGuestHistory(ctx.db, {
    programId: principal.programId,
    guestId: guest.id,
    transactionId: txn.id,
    timeZone: store.timeZone,
    needs: needsOf(incentivesInCart(cart, incentives)),
    now: ctx.clock(),
  });
  const evaluateCart = (c: Cart) =>
    evaluate(c, {
      now: cmd.localTime ?? localTimeAt(ctx.clock(), store.timeZone),
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
  // Built when asked for: a passing validate usually records nothing.
  let results: string | undefined;
  const ruleResultsJson = () => (results ??= JSON.stringify(ruleResults(evaluation, incentives, stage, ctx.clock().toISOString())));
  return { program, guest, evaluation, incentiveLines, ruleResultsJson };
}

/** The answer of validate, PENDING and CLAIMED, with the receipt of a claimed sale; `points` is the balance shown. */
function saleResult(
  ctx: LoyaltyContext,
  program: Program,
  txn: LoyaltyTransactionRow,
  guest: Guest,
  cmd: SaleCommand,
  evaluation: Evaluation,
  incentiveLines: SaleResult['incentiveLines'],
  points: number,
): SaleResult {
  const presentation = presentationFor(program, ctx.publicUrl, cmd.pos.dialect, 'claimed', {
    transactionId: txn.id,
    receiptCode: txn.receipt_code,
    pointsEarned: evaluation.pointsEarned,
    pointsRedeemed: evaluation.pointsRedeemed,
    balance: points,
  });
  return {
    transactionId: txn.id,
    loyaltyId: guest.id,
    points,
    pointsEarned: evaluation.pointsEarned,
    pointsRedeemed: evaluation.pointsRedeemed,
    receiptCode: txn.receipt_code,
    presentation,
    evaluation,
    incentiveLines,
  };
}
