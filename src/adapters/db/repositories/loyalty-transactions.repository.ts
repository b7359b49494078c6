import type { Kysely, QueryCreator } from 'kysely';
import type { Engine } from '../database.ts';
import { insertLedgerRows, LEDGER_COLUMNS, type LedgerRow } from './points-ledger.repository.ts';
import { insertEvent } from './outbox.repository.ts';
import { flattenRows, prepare, type PreparedQuery, prepareRows } from '../prepared.ts';
import type { Database, LoyaltyTransactionTable, OutboxEventTable, RedemptionTable } from '../schema.ts';

/**
 * The queries of the POS hot path (identify, validate, update), prepared once per SQL dialect
 * (prepared.ts): each POS call runs one to six of them, so building and compiling them per call
 * was a visible share of the server's CPU.
 */

const OPEN_STATES = ['OPEN', 'PENDING'] as const;

export interface GuestRow {
  id: string;
  program_id: string;
  name: string;
  email: string | null;
  balance: number;
  created_at: string;
}

export const guestById = prepare((db, p: { id: string; programId: string }) =>
  db.selectFrom('guests').select(['id', 'program_id', 'name', 'email', 'balance', 'created_at']).where('id', '=', p.id).where('program_id', '=', p.programId),
);

/**
 * The guest and the open loyalty transactions of this POS sale (identify by loyalty id): one query
 * instead of two. The caller picks the guest's own among them (`t_guest_id`): joining on the guest
 * too made SQLite walk every transaction the guest ever had (loyalty_transactions_guest) instead
 * of the few of this POS sale (loyalty_transactions_pos).
 */
export const guestWithOpenTransactions = prepare((db, p: { id: string; programId: string; posKey: string }) =>
  db
    .selectFrom('guests as g')
    .leftJoin('loyalty_transactions as t', (j) => j.onRef('t.program_id', '=', 'g.program_id').on('t.pos_key', '=', p.posKey).on('t.status', 'in', OPEN_STATES))
    .select([
      'g.id',
      'g.program_id',
      'g.name',
      'g.email',
      'g.balance',
      'g.created_at',
      't.id as t_id',
      't.guest_id as t_guest_id',
      't.selections as t_selections',
      't.receipt_code as t_receipt_code',
    ])
    .where('g.id', '=', p.id)
    .where('g.program_id', '=', p.programId),
);

/** The newest active one-time code with these digits, with its guest (identify by code). */
export const activeCode = prepare((db, p: { programId: string; code: string; now: string }) =>
  db
    .selectFrom('otp_codes as o')
    .innerJoin('guests as g', (j) => j.onRef('g.id', '=', 'o.guest_id').onRef('g.program_id', '=', 'o.program_id'))
    .select(['o.id as otp_id', 'o.selections', 'o.used_at', 'o.used_pos_key', 'o.used_transaction_id'])
    .select(['g.id', 'g.program_id', 'g.name', 'g.email', 'g.balance', 'g.created_at'])
    .where('o.program_id', '=', p.programId)
    .where('o.code', '=', p.code)
    .where('o.expires_at', '>', p.now)
    .orderBy('o.created_at', 'desc')
    .limit(1),
);

/** Marks a code used by this POS sale, unless another request used it first. */
export const consumeCode = prepare((db, p: { id: string; at: string; posKey: string; transactionId: string }) =>
  db
    .updateTable('otp_codes')
    .set({ used_at: p.at, used_pos_key: p.posKey, used_transaction_id: p.transactionId })
    .where('id', '=', p.id)
    .where('used_at', 'is', null)
    .returning('id'),
);

export const insertTransaction = prepare((db, p: LoyaltyTransactionTable) =>
  db.insertInto('loyalty_transactions').values({
    id: p.id,
    program_id: p.program_id,
    store_id: p.store_id,
    guest_id: p.guest_id,
    status: p.status,
    pos_vendor: p.pos_vendor,
    pos_type: p.pos_type,
    pos_key: p.pos_key,
    dedupe_key: p.dedupe_key,
    terminal: p.terminal,
    pos_transaction_id: p.pos_transaction_id,
    operator: p.operator,
    matching_id: p.matching_id,
    selections: p.selections,
    service_mode: p.service_mode,
    channel: p.channel,
    cart: p.cart,
    subtotal_cents: p.subtotal_cents,
    points_earned: p.points_earned,
    points_redeemed: p.points_redeemed,
    reserved_points: p.reserved_points,
    earnable_points: p.earnable_points,
    receipt_code: p.receipt_code,
    claim_hash: p.claim_hash,
    claim_response: p.claim_response,
    created_at: p.created_at,
    updated_at: p.updated_at,
    claimed_at: p.claimed_at,
    voided_at: p.voided_at,
  }),
);

/** Every column, named: a prepared statement must not change shape when a migration adds one. */
const TRANSACTION_COLUMNS = (
  [
    'id',
    'program_id',
    'store_id',
    'guest_id',
    'status',
    'pos_vendor',
    'pos_type',
    'pos_key',
    'dedupe_key',
    'terminal',
    'pos_transaction_id',
    'operator',
    'matching_id',
    'selections',
    'service_mode',
    'channel',
    'cart',
    'subtotal_cents',
    'points_earned',
    'points_redeemed',
    'reserved_points',
    'earnable_points',
    'receipt_code',
    'claim_hash',
    'claim_response',
    'created_at',
    'updated_at',
    'claimed_at',
    'voided_at',
  ] as const satisfies readonly (keyof LoyaltyTransactionTable)[]
).map((c) => `t.${c}` as const);

/** The transaction with its guest's fields, in one query (a sale needs both). */
export const transactionWithGuest = prepare((db, p: { id: string; programId: string }) =>
  db
    .selectFrom('loyalty_transactions as t')
    .leftJoin('guests as g', 'g.id', 't.guest_id')
    .select(TRANSACTION_COLUMNS)
    .select(['g.name as g_name', 'g.email as g_email', 'g.balance as g_balance', 'g.created_at as g_created_at'])
    .where('t.id', '=', p.id)
    .where('t.program_id', '=', p.programId),
);

export interface SaleFields {
  cart: string;
  service_mode: string | null;
  channel: string | null;
  subtotal_cents: number;
  updated_at: string;
}

/** PENDING: holds the basket's rewards; only while the transaction is still open. */
export const markPending = prepare((db, p: SaleFields & { id: string; reserved: number }) =>
  db
    .updateTable('loyalty_transactions')
    .set({ cart: p.cart, service_mode: p.service_mode, channel: p.channel, subtotal_cents: p.subtotal_cents, updated_at: p.updated_at, status: 'PENDING', reserved_points: p.reserved })
    .where('id', '=', p.id)
    .where('status', 'in', OPEN_STATES)
    .returning('id'),
);

export interface ClaimFields extends SaleFields {
  id: string;
  claim_hash: string;
  claim_response: string;
  points_earned: number;
  points_redeemed: number;
  claimed_at: string;
}

/** CLAIMED: stores the answer for retries; only while the transaction is still open. */
export const markClaimed = prepare((db, p: ClaimFields) => claimUpdate(db, p));

function claimUpdate(db: QueryCreator<Database>, p: ClaimFields) {
  return db
    .updateTable('loyalty_transactions')
    .set({
      cart: p.cart,
      service_mode: p.service_mode,
      channel: p.channel,
      subtotal_cents: p.subtotal_cents,
      updated_at: p.updated_at,
      status: 'CLAIMED',
      claim_hash: p.claim_hash,
      claim_response: p.claim_response,
      points_earned: p.points_earned,
      points_redeemed: p.points_redeemed,
      reserved_points: 0,
      claimed_at: p.claimed_at,
    })
    .where('id', '=', p.id)
    .where('status', 'in', OPEN_STATES)
    .returning('id');
}

export type NewRedemption = Omit<RedemptionTable, 'returned_quantity'>;

const REDEMPTION_COLUMNS = ['id', 'program_id', 'guest_id', 'transaction_id', 'incentive_id', 'kind', 'quantity', 'points', 'created_at', 'voided_at', 'line_refs'] as const;

const redemptionInserts = new Map<number, PreparedQuery<Record<string, unknown>, unknown>>();

/** Inserts redemption rows: one prepared statement per row count (a sale redeems one or two). */
export async function insertRedemptions(db: Kysely<Database>, rows: NewRedemption[]): Promise<void> {
  if (rows.length === 0) return;
  if (rows.length > 8) {
    await db.insertInto('redemptions').values(rows).execute();
    return;
  }
  let q = redemptionInserts.get(rows.length);
  if (!q) {
    q = prepareRows('redemptions', REDEMPTION_COLUMNS, rows.length);
    redemptionInserts.set(rows.length, q);
  }
  await q.run(db, flattenRows(REDEMPTION_COLUMNS, rows));
}

/** Everything a CLAIMED update writes after the guest's balance moved (moveBalance). */
export interface ClaimWrite {
  ledger: LedgerRow[];
  redemptions: NewRedemption[];
  claim: ClaimFields;
  event: Pick<OutboxEventTable, 'id' | 'program_id' | 'type' | 'payload' | 'created_at'>;
}

/**
 * Writes a claim in the caller's database transaction: the ledger rows, the redemptions, the
 * transaction's CLAIMED state (only if still open) and its outbox event. Returns false — and the
 * caller rolls back — when another request claimed or voided the transaction first.
 *
 * On PostgreSQL the four writes are one statement (data-modifying CTEs), one round trip instead of
 * four; the inserts' foreign-key checks and the UPDATE lock rows in the same order as before.
 */
export async function writeClaim(trx: Kysely<Database>, engine: Engine, w: ClaimWrite): Promise<boolean> {
  if (engine === 'postgres' && w.ledger.length <= 4 && w.redemptions.length <= 8) {
    const params = {
      ...w.claim,
      ...flattenRows(LEDGER_COLUMNS, w.ledger),
      ...prefixed('r_', flattenRows(REDEMPTION_COLUMNS, w.redemptions)),
      e_id: w.event.id,
      e_program_id: w.event.program_id,
      e_type: w.event.type,
      e_payload: w.event.payload,
      e_created_at: w.event.created_at,
    };
    return (await claimStatement(w.ledger.length, w.redemptions.length).first(trx, params)) !== undefined;
  }
  await insertLedgerRows(trx, w.ledger);
  await insertRedemptions(trx, w.redemptions);
  if (!(await markClaimed.first(trx, w.claim))) return false;
  await insertEvent.run(trx, { id: w.event.id, programId: w.event.program_id, type: w.event.type, payload: w.event.payload, at: w.event.created_at });
  return true;
}

function prefixed(prefix: string, o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [`${prefix}${k}`, v]));
}

const claimStatements = new Map<string, PreparedQuery<Record<string, unknown>, { id: string }>>();

function claimStatement(ledgerRows: number, redemptionRows: number): PreparedQuery<Record<string, unknown>, { id: string }> {
  const key = `${ledgerRows}|${redemptionRows}`;
  let q = claimStatements.get(key);
  if (!q) {
    q = prepare((db, p: Record<string, unknown>) => {
      const row = (cols: readonly string[], prefix: string, i: number) => Object.fromEntries(cols.map((c) => [c, p[`${prefix}${c}_${i}`]])) as never;
      let qc = db as QueryCreator<Database>;
      if (ledgerRows > 0) {
        qc = qc.with('ledger', (c) => c.insertInto('points_ledger').values(Array.from({ length: ledgerRows }, (_, i) => row(LEDGER_COLUMNS, '', i)))) as unknown as QueryCreator<Database>;
      }
      if (redemptionRows > 0) {
        qc = qc.with('redeemed', (c) => c.insertInto('redemptions').values(Array.from({ length: redemptionRows }, (_, i) => row(REDEMPTION_COLUMNS, 'r_', i)))) as unknown as QueryCreator<Database>;
      }
      qc = qc.with('event', (c) =>
        c.insertInto('outbox_events').values({ id: p.e_id, program_id: p.e_program_id, type: p.e_type, payload: p.e_payload, created_at: p.e_created_at } as never),
      ) as unknown as QueryCreator<Database>;
      return claimUpdate(qc, p as unknown as ClaimFields);
    });
    claimStatements.set(key, q);
  }
  return q;
}
