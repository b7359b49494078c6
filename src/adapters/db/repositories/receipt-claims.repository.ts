import type { LoyaltyTransactionTable } from '../schema.ts';
import type { Tx } from '../tx.ts';

/** Unclaimed sales (a printed receipt code) and the guests who claim them later. */

/** What the public receipt page may show of a sale, with its program and store. */
export interface ReceiptSale {
  status: LoyaltyTransactionTable['status'];
  guestId: string | null;
  createdAt: string;
  earnablePoints: number;
  program: { slug: string; name: string; claimWindowDays: number };
  store: { name: string; timeZone: string };
}

/** The sale with this receipt code, across programs (receipt codes are unique). */
export async function saleByReceiptCode(db: Tx, receiptCode: string): Promise<ReceiptSale | undefined> {
  const row = await db
    .selectFrom('loyalty_transactions as t')
    .innerJoin('programs as p', 'p.id', 't.program_id')
    .innerJoin('stores as s', 's.id', 't.store_id')
    .select([
      't.status',
      't.guest_id',
      't.created_at',
      't.earnable_points',
      'p.slug',
      'p.name as program_name',
      'p.claim_window_days',
      's.name as store_name',
      's.time_zone',
    ])
    .where('t.receipt_code', '=', receiptCode)
    .executeTakeFirst();
  return (
    row && {
      status: row.status,
      guestId: row.guest_id,
      createdAt: row.created_at,
      earnablePoints: row.earnable_points,
      program: { slug: row.slug, name: row.program_name, claimWindowDays: row.claim_window_days },
      store: { name: row.store_name, timeZone: row.time_zone },
    }
  );
}

export interface ClaimableSale {
  id: string;
  status: LoyaltyTransactionTable['status'];
  guestId: string | null;
  storeId: string;
  createdAt: string;
  earnablePoints: number;
}

/** The program's sale with this receipt code. */
export async function saleOfProgramByReceiptCode(db: Tx, programId: string, receiptCode: string): Promise<ClaimableSale | undefined> {
  const row = await db
    .selectFrom('loyalty_transactions')
    .select(['id', 'status', 'guest_id', 'store_id', 'created_at', 'earnable_points'])
    .where('program_id', '=', programId)
    .where('receipt_code', '=', receiptCode)
    .executeTakeFirst();
  return (
    row && { id: row.id, status: row.status, guestId: row.guest_id, storeId: row.store_id, createdAt: row.created_at, earnablePoints: row.earnable_points }
  );
}

/**
 * Links the unclaimed sale to the guest and makes it CLAIMED with its earnable points, only while
 * it is still unclaimed (a conditional update: of two concurrent claims exactly one wins).
 */
export async function claimSale(db: Tx, c: { id: string; programId: string; guestId: string; points: number; at: string }): Promise<boolean> {
  const won = await db
    .updateTable('loyalty_transactions')
    .set({ guest_id: c.guestId, status: 'CLAIMED', points_earned: c.points, claimed_at: c.at, updated_at: c.at })
    .where('id', '=', c.id)
    .where('program_id', '=', c.programId)
    .where('status', '=', 'UNCLAIMED')
    .where('guest_id', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return !!won;
}
