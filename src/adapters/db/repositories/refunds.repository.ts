import type { Kysely } from 'kysely';
import type { Database, RefundTable } from '../schema.ts';

/** Partial refunds of CLAIMED sales (the `refunds` table): one row per POS refund, idempotent by its key. */

/** A refund stored under the POS's refund id, with the request it answered. */
export async function findRefund(db: Kysely<Database>, p: { programId: string; transactionId: string; refundKey: string }) {
  return db
    .selectFrom('refunds')
    .select(['request_hash', 'response'])
    .where('program_id', '=', p.programId)
    .where('transaction_id', '=', p.transactionId)
    .where('refund_key', '=', p.refundKey)
    .executeTakeFirst();
}

/** Every refund of a sale so far: the lines it refunded and the points it moved. */
export async function refundsOfSale(db: Kysely<Database>, transactionId: string) {
  return db.selectFrom('refunds').select(['lines', 'goods_cents', 'points_reversed', 'points_returned']).where('transaction_id', '=', transactionId).execute();
}

export async function insertRefund(trx: Kysely<Database>, row: RefundTable): Promise<void> {
  await trx.insertInto('refunds').values(row).execute();
}
