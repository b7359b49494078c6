import type { Kysely } from 'kysely';
import { postEntries } from '../adapters/db/repositories/points-ledger.repository.ts';
import type { Database, LoyaltyTransactionTable } from '../adapters/db/schema.ts';
import { type Cart, isIncentiveLine } from '../domain/cart.ts';
import { AppError, invalidField } from '../errors.ts';
import { canonicalJson, newId, sha256 } from '../lib/ids.ts';
import type { PosPrincipal } from './model.ts';

/**
 * Partial refunds of a CLAIMED sale: the POS names the refunded lines (by referenceId and
 * quantity). Points earned are reversed in proportion to the goods refunded, rounded down on the
 * running total of the sale's refunds (so refunding every line reverses every point); a reward or
 * offer is given back only when a line that redeemed it is refunded. Idempotent by the POS's
 * `refundId`. The full void stays as it is and reverses only what refunds have not.
 */
export interface RefundCommand {
  /** The POS's refund transaction id: a retry with the same id and lines answers the same. */
  refundId: string;
  lines: { referenceId: string; quantity: number }[];
  reason?: string | null;
}

export interface RefundResult {
  transactionId: string;
  refundId: string;
  /** Earned points taken back by this refund. */
  pointsReversed: number;
  /** Reward points given back by this refund. */
  pointsReturned: number;
  /** The guest's balance after the refund. */
  points: number;
  /** Rewards and offers given back (the guest may redeem them again). */
  returnedIncentives: { incentiveId: string; kind: 'REWARD' | 'OFFER'; quantity: number; points: number }[];
  lines: { referenceId: string; quantity: number }[];
}

interface RefundedLine {
  referenceId: string;
  quantity: number;
}

/** What a void must still reverse once partial refunds have moved some points. */
export async function netOfRefunds(trx: Kysely<Database>, txn: LoyaltyTransactionTable): Promise<{ pointsEarned: number; pointsRedeemed: number }> {
  const rows = await trx.selectFrom('refunds').select(['points_reversed', 'points_returned']).where('transaction_id', '=', txn.id).execute();
  let reversed = 0;
  let returned = 0;
  for (const r of rows) {
    reversed += r.points_reversed;
    returned += r.points_returned;
  }
  return { pointsEarned: Math.max(0, txn.points_earned - reversed), pointsRedeemed: Math.max(0, txn.points_redeemed - returned) };
}

/**
 * Refunds lines of a CLAIMED sale in one database transaction (nothing is half-written).
 *
 * @example
 * await refundSale(db, principal, txn, { refundId: 'R-1001', lines: [{ referenceId: '2', quantity: 1 }] }, new Date());
 * // → { pointsReversed: 29, pointsReturned: 0, points: 1234, returnedIncentives: [], … }
 */
export async function refundSale(db: Kysely<Database>, principal: PosPrincipal, txn: LoyaltyTransactionTable, cmd: RefundCommand, now: Date): Promise<RefundResult> {
  const requested = normalizeLines(cmd.lines);
  // Order-independent: the same lines in another order are the same refund.
  const requestHash = sha256(canonicalJson([...requested].sort((a, b) => (a.referenceId < b.referenceId ? -1 : a.referenceId > b.referenceId ? 1 : 0))));
  const nowIso = now.toISOString();

  const stored = await findRefund(db, txn, cmd.refundId);
  if (stored) return replay(stored, requestHash, cmd.refundId);
  if (txn.status !== 'CLAIMED' || !txn.guest_id || !txn.cart) {
    throw new AppError('TransactionNotClaimable', `Only a CLAIMED sale can be partly refunded; this loyalty transaction is ${txn.status}`);
  }
  const guestId = txn.guest_id;
  const cart = JSON.parse(txn.cart) as Cart;
  const byRef = new Map(cart.lines.map((l) => [l.ref, l]));
  requested.forEach((r, i) => {
    if (!byRef.has(r.referenceId)) throw invalidField(`lines[${i}].referenceId`, `"${r.referenceId}" is no line of this sale`);
  });

  return db.transaction().execute(async (trx) => {
    // Lock the guest, then the sale, in the order CLAIMED and void take them: concurrent refunds
    // and a void of the same sale run one after the other.
    await trx.updateTable('guests').set((eb) => ({ balance: eb.ref('balance') })).where('id', '=', guestId).execute();
    const locked = await trx
      .updateTable('loyalty_transactions')
      .set({ updated_at: nowIso })
      .where('id', '=', txn.id)
      .where('status', '=', 'CLAIMED')
      .returning('id')
      .executeTakeFirst();
    const again = await findRefund(trx, txn, cmd.refundId);
    if (again) return replay(again, requestHash, cmd.refundId);
    if (!locked) throw new AppError('TransactionNotClaimable', 'The sale was voided meanwhile; it cannot be partly refunded');

    const prior = await trx.selectFrom('refunds').select(['lines', 'goods_cents']).where('transaction_id', '=', txn.id).execute();
    const refundedBefore = new Map<string, number>();
    let goodsBefore = 0;
    for (const p of prior) {
      goodsBefore += p.goods_cents;
      for (const l of JSON.parse(p.lines) as RefundedLine[]) refundedBefore.set(l.referenceId, (refundedBefore.get(l.referenceId) ?? 0) + l.quantity);
    }

    let goods = 0;
    requested.forEach((r, i) => {
      const line = byRef.get(r.referenceId)!;
      const left = line.quantity - (refundedBefore.get(r.referenceId) ?? 0);
      if (r.quantity > left) {
        throw invalidField(`lines[${i}].quantity`, `refunds ${r.quantity} of line "${r.referenceId}", of which only ${left} of ${line.quantity} remain unrefunded`);
      }
      if (!isIncentiveLine(line)) goods += line.unitPriceCents * r.quantity;
    });

    // Earned points follow the goods: the share of the sale's goods refunded so far, rounded down.
    const base = goodsSubtotalOf(cart);
    const share = (cents: number) => (base <= 0 ? 0 : Math.floor((txn.points_earned * cents) / base));
    const due = share(goodsBefore + goods) - share(goodsBefore);

    // Rewards and offers come back only with a line that redeemed them.
    const redemptions = await trx
      .selectFrom('redemptions')
      .select(['id', 'incentive_id', 'kind', 'quantity', 'returned_quantity', 'points', 'line_refs'])
      .where('transaction_id', '=', txn.id)
      .where('voided_at', 'is', null)
      .execute();
    const returned: RefundResult['returnedIncentives'] = [];
    let pointsReturned = 0;
    for (const red of redemptions) {
      const refs = red.line_refs ? (JSON.parse(red.line_refs) as string[]) : [];
      let give = 0;
      for (const r of requested) if (refs.includes(r.referenceId)) give += r.quantity;
      give = Math.min(give, red.quantity - red.returned_quantity);
      if (give <= 0) continue;
      const points = red.quantity > 0 ? (red.points / red.quantity) * give : 0;
      pointsReturned += points;
      returned.push({ incentiveId: red.incentive_id, kind: red.kind, quantity: give, points });
      await trx
        .updateTable('redemptions')
        .set((eb) => ({ returned_quantity: eb('returned_quantity', '+', give) }))
        .where('id', '=', red.id)
        .execute();
    }

    const reason = `partial refund ${cmd.refundId}${cmd.reason ? `: ${cmd.reason}` : ''}`.slice(0, 500);
    const afterCredit = await postEntries(trx, txn.program_id, guestId, [{ kind: 'VOID_REDEEM', points: pointsReturned, transactionId: txn.id, reason }], nowIso);
    // As for a void: take back only what the balance covers (the guest may have spent the points).
    const takeBack = Math.min(due, afterCredit);
    const balance = await postEntries(
      trx,
      txn.program_id,
      guestId,
      [{ kind: 'VOID_EARN', points: -takeBack, transactionId: txn.id, reason: takeBack < due ? `${reason} (balance covered ${takeBack} of ${due})` : reason }],
      nowIso,
    );

    const result: RefundResult = {
      transactionId: txn.id,
      refundId: cmd.refundId,
      pointsReversed: takeBack,
      pointsReturned,
      points: balance,
      returnedIncentives: returned,
      lines: requested,
    };
    await trx
      .insertInto('refunds')
      .values({
        id: newId(),
        program_id: principal.programId,
        transaction_id: txn.id,
        guest_id: guestId,
        refund_key: cmd.refundId,
        request_hash: requestHash,
        lines: JSON.stringify(requested),
        goods_cents: goods,
        points_reversed: takeBack,
        points_returned: pointsReturned,
        response: JSON.stringify(result),
        created_at: nowIso,
      })
      .execute();
    return result;
  });
}

function normalizeLines(lines: RefundCommand['lines']): RefundedLine[] {
  if (lines.length === 0) throw invalidField('lines', 'must name at least one refunded line');
  const seen = new Set<string>();
  return lines.map((l, i) => {
    const referenceId = String(l.referenceId);
    if (seen.has(referenceId)) throw invalidField(`lines[${i}].referenceId`, `names line "${referenceId}" twice; give its total quantity once`);
    seen.add(referenceId);
    if (!Number.isInteger(l.quantity) || l.quantity < 1) throw invalidField(`lines[${i}].quantity`, 'must be a whole number, 1 or more');
    return { referenceId, quantity: l.quantity };
  });
}

function goodsSubtotalOf(cart: Cart): number {
  let sum = 0;
  for (const l of cart.lines) if (!isIncentiveLine(l)) sum += l.unitPriceCents * l.quantity;
  return sum;
}

async function findRefund(db: Kysely<Database>, txn: LoyaltyTransactionTable, refundId: string) {
  return db
    .selectFrom('refunds')
    .select(['request_hash', 'response'])
    .where('program_id', '=', txn.program_id)
    .where('transaction_id', '=', txn.id)
    .where('refund_key', '=', refundId)
    .executeTakeFirst();
}

function replay(stored: { request_hash: string; response: string }, requestHash: string, refundId: string): RefundResult {
  if (stored.request_hash !== requestHash) {
    throw new AppError('Conflict', `refundId "${refundId}" was already used for other lines of this sale`, { field: 'refundId' });
  }
  return JSON.parse(stored.response) as RefundResult;
}
