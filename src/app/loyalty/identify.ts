import { activeCode, codeUse, consumeCodeAndOpen, guestAndOpenTransaction } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import type { LoyaltyTransactionRow } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import { newReceiptCode } from '../../domain/receipt.ts';
import { AppError } from '../../errors.ts';
import { newId, UUID } from '../../lib/ids.ts';
import type { IdentifyCommand, IdentifyResult, PosContext, SelectedIncentive } from '../commands.ts';
import type { Guest, PosPrincipal, Store } from '../model.ts';
import { guestTier } from '../tiers.service.ts';
import { type LoyaltyContext, posKeyOf, toGuest } from './context.ts';
import { pluFor } from './incentive-lines.ts';

/**
 * Identify: a 6-digit code or a loyalty id names the guest of a POS sale and opens its loyalty
 * transaction (OPEN). A repeat for the same POS sale answers with the same transaction.
 */
export async function identify(ctx: LoyaltyContext, principal: PosPrincipal, cmd: IdentifyCommand): Promise<IdentifyResult> {
  const store = await ctx.config.openStore(principal, cmd.pos.storeId);
  const posKey = posKeyOf(cmd.pos);
  const identifier = cmd.identifier.trim();
  if (/^\d{6}$/.test(identifier)) return identifyByCode(ctx, principal, store, identifier, cmd.pos, posKey);
  if (UUID.test(identifier)) return identifyByLoyaltyId(ctx, principal, store, identifier.toLowerCase(), cmd.pos, posKey);
  throw new AppError('InvalidIdentifier', 'identifier must be a 6-digit code or a loyalty id (UUID)', { field: 'identifier' });
}

async function identifyByCode(
  ctx: LoyaltyContext,
  principal: PosPrincipal,
  store: Store,
  code: string,
  pos: PosContext,
  posKey: string,
): Promise<IdentifyResult> {
  await ctx.codeGuard.beforeLookup(principal.keyId, store.id);
  const nowIso = ctx.clock().toISOString();
  const otp = await activeCode.first(ctx.db, { programId: principal.programId, code, now: nowIso });
  if (!otp) {
    await ctx.codeGuard.miss(principal.keyId, store.id);
    throw new AppError('IdentifierNotFound', 'No active code matches this identifier (codes live 300 seconds)');
  }
  const guest = toGuest(otp);

  const reuse = async (usedKey: string | null, txnId: string | null): Promise<IdentifyResult> => {
    if (usedKey !== posKey || !txnId) {
      throw new AppError('OrderSelectionStatusUnclaimable', 'This code was already used for another POS transaction');
    }
    const txn = await ctx.transactions.row(principal, txnId);
    return (await identifyAnswer(ctx, principal, txn.selections, guest.id, pos))(txn, guest);
  };
  if (otp.used_at) return reuse(otp.used_pos_key, otp.used_transaction_id);

  // Everything that can refuse this call (a pre-selected incentive without a config for this
  // vendor, …) runs before the code is consumed: a failed identify must not burn the guest's code.
  const answer = await identifyAnswer(ctx, principal, otp.selections, guest.id, pos);
  const txnId = newId();
  const row = openTransactionRow(ctx, principal, store, guest.id, pos, posKey, txnId, otp.selections, nowIso);
  const created = await consumeCodeAndOpen(ctx.db, { id: otp.otp_id, at: nowIso, posKey, transactionId: txnId }, row);
  if (!created) {
    // Another request used the code between our read and our write: answer as a repeat would.
    const again = await codeUse(ctx.db, otp.otp_id);
    return reuse(again.used_pos_key, again.used_transaction_id);
  }
  return answer(row, guest);
}

async function identifyByLoyaltyId(
  ctx: LoyaltyContext,
  principal: PosPrincipal,
  store: Store,
  loyaltyId: string,
  pos: PosContext,
  posKey: string,
): Promise<IdentifyResult> {
  // Everything that can refuse this call runs before anything is written, as for a code.
  const answer = await identifyAnswer(ctx, principal, '[]', loyaltyId, pos);
  const row = openTransactionRow(ctx, principal, store, loyaltyId, pos, posKey, newId(), '[]', ctx.clock().toISOString());
  // The guest, and this POS sale's open transaction if it identified before, else `row` inserted.
  const found = await guestAndOpenTransaction(ctx.db, row);
  if (!found) throw new AppError('IdentifierNotFound', 'No guest has this loyalty id');
  const guest = toGuest(found);
  if (found.inserted_id === null && found.t_id !== null && found.t_selections !== null && found.t_receipt_code !== null) {
    return (await identifyAnswer(ctx, principal, found.t_selections, guest.id, pos))({ id: found.t_id, receipt_code: found.t_receipt_code }, guest);
  }
  return answer(row, guest);
}

/** A new OPEN transaction of this POS sale (not yet written). */
function openTransactionRow(
  ctx: LoyaltyContext,
  principal: PosPrincipal,
  store: Store,
  guestId: string,
  pos: PosContext,
  posKey: string,
  id: string,
  selections: string,
  nowIso: string,
): LoyaltyTransactionRow {
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
    receipt_code: newReceiptCode(ctx.randomIndex),
    claim_hash: null,
    claim_response: null,
    rule_results: null,
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
async function identifyAnswer(
  ctx: LoyaltyContext,
  principal: PosPrincipal,
  selectionsJson: string,
  guestId: string,
  pos: PosContext,
): Promise<(txn: Pick<LoyaltyTransactionRow, 'id' | 'receipt_code'>, guest: Guest) => IdentifyResult> {
  const [incentives, program] = await Promise.all([ctx.config.incentiveMap(principal.programId), ctx.config.program(principal.programId)]);
  const selections: SelectedIncentive[] = [];
  let reserved = 0;
  for (const id of JSON.parse(selectionsJson) as string[]) {
    const incentive = incentives.get(id);
    if (!incentive) continue; // withdrawn since the guest picked it
    selections.push({ incentive, plu: pluFor(incentive, pos.pluVendor), referenceId: String(selections.length).padStart(2, '0') });
    if (incentive.kind === 'REWARD') reserved += incentive.pointCost;
  }
  const tier = await guestTier(ctx.db, program, guestId, ctx.clock());
  return (txn, guest) => ({
    transactionId: txn.id,
    guest: { id: guest.id, name: guest.name, createdAt: guest.createdAt },
    balance: Math.max(0, guest.balance - reserved),
    selections,
    receiptCode: txn.receipt_code,
    tier,
  });
}
