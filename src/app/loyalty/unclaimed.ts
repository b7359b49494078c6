import { insertUnlessDuplicate, transactionByDedupe } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import type { LoyaltyTransactionRow } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import type { Cart } from '../../domain/cart.ts';
import { evaluate } from '../../domain/evaluate.ts';
import { newReceiptCode } from '../../domain/receipt.ts';
import { localTimeAt } from '../../domain/time.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../lib/ids.ts';
import type { SaleCommand, UnclaimedResult } from '../commands.ts';
import { redeemByGenericDiscount } from '../generic-discount-plu.ts';
import type { PosPrincipal, Program } from '../model.ts';
import { type LoyaltyContext, posKeyOf } from './context.ts';
import { presentationFor } from './presentation.ts';

/** A sale without an identified guest; a repeat for the same POS sale returns the same transaction. */
export async function unclaimedSale(ctx: LoyaltyContext, principal: PosPrincipal, cmd: SaleCommand): Promise<UnclaimedResult> {
  const store = await ctx.config.openStore(principal, cmd.pos.storeId);
  const program = await ctx.config.program(principal.programId);
  const posKey = posKeyOf(cmd.pos);
  const dedupeKey = `U|${posKey}`;
  const existing = await transactionByDedupe(ctx.db, principal.programId, dedupeKey);
  if (existing) return unclaimedResult(ctx, program, existing, cmd.pos.dialect);

  // Without a guest nothing is redeemed: loyalty lines (generic discount PLUs included) only
  // count as discounts on the goods.
  const rung = redeemByGenericDiscount(cmd.cart, program.posSettings?.[cmd.pos.pluVendor]?.genericDiscountPlus ?? []);
  const cart: Cart = { ...rung, lines: rung.lines.map((l) => ({ ...l, incentiveId: null })) };
  const evaluation = evaluate(cart, {
    now: cmd.localTime ?? localTimeAt(ctx.clock(), store.timeZone),
    store: { id: store.id, externalId: store.externalId },
    serviceMode: cmd.serviceMode,
    guest: null,
    earn: program.earn,
    incentives: new Map(),
  });
  const nowIso = ctx.clock().toISOString();
  const row: LoyaltyTransactionRow = {
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
    receipt_code: newReceiptCode(ctx.randomIndex),
    claim_hash: cmd.bodyHash,
    claim_response: null,
    rule_results: null,
    created_at: nowIso,
    updated_at: nowIso,
    claimed_at: null,
    voided_at: null,
  };
  const stored = (await insertUnlessDuplicate(ctx.db, row)) ? row : await transactionByDedupe(ctx.db, principal.programId, dedupeKey);
  if (!stored) throw new AppError('Conflict', 'Unclaimed transaction could not be stored; retry');
  return unclaimedResult(ctx, program, stored, cmd.pos.dialect);
}

function unclaimedResult(ctx: LoyaltyContext, program: Program, txn: LoyaltyTransactionRow, dialect: string): UnclaimedResult {
  const presentation = presentationFor(program, ctx.publicUrl, dialect, 'unclaimed', {
    transactionId: txn.id,
    receiptCode: txn.receipt_code,
    pointsEarned: txn.earnable_points,
    pointsRedeemed: 0,
    balance: null,
  });
  return { transactionId: txn.id, receiptCode: txn.receipt_code, presentation, earnablePoints: txn.earnable_points };
}
