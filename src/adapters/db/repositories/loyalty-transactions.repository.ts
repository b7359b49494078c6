import { type Kysely, type QueryCreator, sql } from 'kysely';
import type { Cursor } from '../../../app/pagination.ts';
import { OPEN_STATUSES, type TransactionStatus } from '../../../domain/transaction-status.ts';
import { capabilitiesOf } from '../capabilities.ts';
import { olderThan } from '../keyset.ts';
import { insertLedgerRows, LEDGER_COLUMNS, type LedgerRow } from './points-ledger.repository.ts';
import { insertEvent } from './outbox.repository.ts';
import { flattenRows, prepare, type PreparedQuery, prepareRows } from '../prepared.ts';
import type { Database, LoyaltyTransactionTable, OutboxEventTable, RedemptionTable } from '../schema.ts';

/**
 * The queries of the POS hot path (identify, validate, update), prepared once per SQL dialect
 * (prepared.ts): each POS call runs one to six of them, so building and compiling them per call
 * was a visible share of the server's CPU.
 */

const OPEN_STATES = OPEN_STATUSES;

/**
 * A POS sale as the loyalty use cases read and write it. Still the stored row's shape (snake_case):
 * the POS hot path maps nothing it does not need to; the loyalty split (issue 10 item 2) gives it
 * a camelCase record.
 */
export type LoyaltyTransactionRow = LoyaltyTransactionTable;

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

export interface GuestAndOpenTransaction extends GuestRow {
  t_id: string | null;
  t_selections: string | null;
  t_receipt_code: string | null;
  /** the id of the transaction inserted, or null when an open one was found */
  inserted_id: string | null;
}

/**
 * Identify by loyalty id in one statement (writable CTEs, e.g. PostgreSQL): the guest; this POS sale's open transaction
 * of that guest, if it identified before; and otherwise the new transaction `p`, inserted. No row
 * when there is no such guest (then nothing is inserted). One round trip instead of two.
 */
const guestAndOpenOrInsert = prepare((db, p: LoyaltyTransactionTable) =>
  db
    .with('g', (c) =>
      c
        .selectFrom('guests')
        .select(['id', 'program_id', 'name', 'email', 'balance', 'created_at'])
        .where('id', '=', p.guest_id)
        .where('program_id', '=', p.program_id),
    )
    .with('open', (c) =>
      c
        .selectFrom('loyalty_transactions as t')
        .innerJoin('g', (j) => j.onRef('t.program_id', '=', 'g.program_id').onRef('t.guest_id', '=', 'g.id'))
        .select(['t.id', 't.selections', 't.receipt_code'])
        .where('t.pos_key', '=', p.pos_key)
        .where('t.status', 'in', OPEN_STATES)
        .limit(1),
    )
    .with('inserted', (c) =>
      c
        .insertInto('loyalty_transactions')
        .columns([...TRANSACTION_COLUMN_NAMES])
        .expression((eb) =>
          eb
            .selectFrom('g')
            .select((e) => TRANSACTION_COLUMN_NAMES.map((col) => e.val(p[col]).as(col)))
            .where((e) => e.not(e.exists(e.selectFrom('open').select('open.id')))),
        )
        .returning('id'),
    )
    .selectFrom('g')
    .leftJoin('open', (j) => j.onTrue())
    .leftJoin('inserted', (j) => j.onTrue())
    .select([
      'g.id',
      'g.program_id',
      'g.name',
      'g.email',
      'g.balance',
      'g.created_at',
      'open.id as t_id',
      'open.selections as t_selections',
      'open.receipt_code as t_receipt_code',
      'inserted.id as inserted_id',
    ]),
);

/**
 * Identify by loyalty id: the guest (`row.guest_id`) and this POS sale's open transaction of that
 * guest, else `row` inserted as the new one. Undefined when there is no such guest.
 */
export async function guestAndOpenTransaction(db: Kysely<Database>, row: LoyaltyTransactionTable): Promise<GuestAndOpenTransaction | undefined> {
  if (capabilitiesOf(db).writableCtes) return guestAndOpenOrInsert.first(db, row);
  // The guest and this POS sale's open transactions, in one query; the guest's own among them.
  const rows = await guestWithOpenTransactions.execute(db, { id: row.guest_id!, programId: row.program_id, posKey: row.pos_key });
  if (rows.length === 0) return undefined;
  const open = rows.find((r) => r.t_guest_id === rows[0]!.id && r.t_id !== null);
  if (open) return { ...open, inserted_id: null };
  await insertTransaction.run(db, row);
  return { ...rows[0]!, t_id: null, t_selections: null, t_receipt_code: null, inserted_id: row.id };
}

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

type CodeUse = { id: string; at: string; posKey: string; transactionId: string };

/** Marks a code used by this POS sale, unless another request used it first. */
export const consumeCode = prepare((db, p: CodeUse) =>
  db
    .updateTable('otp_codes')
    .set({ used_at: p.at, used_pos_key: p.posKey, used_transaction_id: p.transactionId })
    .where('id', '=', p.id)
    .where('used_at', 'is', null)
    .returning('id'),
);

export const insertTransaction = prepare((db, p: LoyaltyTransactionTable) =>
  db.insertInto('loyalty_transactions').values(Object.fromEntries(TRANSACTION_COLUMN_NAMES.map((c) => [c, p[c]])) as unknown as LoyaltyTransactionTable),
);

/** Every column, named: a prepared statement must not change shape when a migration adds one. */
const TRANSACTION_COLUMN_NAMES = [
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
  'rule_results',
  'created_at',
  'updated_at',
  'claimed_at',
  'voided_at',
] as const satisfies readonly (keyof LoyaltyTransactionTable)[];
const TRANSACTION_COLUMNS = TRANSACTION_COLUMN_NAMES.map((c) => `t.${c}` as const);

/**
 * A transaction's own columns out of a row that holds more (a join), as a new object. Object rest
 * (`const { g_name, ...txn } = row`) copies through V8's generic path: ≈ 6 µs for these thirty
 * columns in a micro benchmark against ≈ 1 µs for this loop, and the POS path reads a transaction
 * three times per sale (bench/results/2026-12-06-pos-flow-bisect.md).
 */
export function transactionColumnsOf(row: LoyaltyTransactionTable): LoyaltyTransactionTable {
  const txn: Record<string, unknown> = {};
  for (const c of TRANSACTION_COLUMN_NAMES) txn[c] = row[c];
  return txn as unknown as LoyaltyTransactionTable;
}

/**
 * With writable CTEs (PostgreSQL): marks the code used and inserts the transaction it opens in one statement — atomic
 * on its own, one round trip instead of four (BEGIN, the code, the insert, COMMIT).
 */
const consumeCodeAndInsert = prepare(
  (db, p: LoyaltyTransactionTable & { code_id: string; code_at: string; code_pos_key: string; code_transaction_id: string }) => {
    const qc = db.with('consumed', (c) =>
      c
        .updateTable('otp_codes')
        .set({ used_at: p.code_at, used_pos_key: p.code_pos_key, used_transaction_id: p.code_transaction_id })
        .where('id', '=', p.code_id)
        .where('used_at', 'is', null)
        .returning('id'),
    );
    return qc
      .insertInto('loyalty_transactions')
      .columns([...TRANSACTION_COLUMN_NAMES])
      .expression((eb) => eb.selectFrom('consumed').select((e) => TRANSACTION_COLUMN_NAMES.map((c) => e.val(p[c]).as(c))))
      .returning('id');
  },
);

/**
 * Identify by code: uses the code for this POS sale and inserts the transaction it opens, both or
 * neither. False when another request used the code first (nothing written).
 */
export async function consumeCodeAndOpen(db: Kysely<Database>, code: CodeUse, row: LoyaltyTransactionTable): Promise<boolean> {
  if (capabilitiesOf(db).writableCtes) {
    const params = { ...row, code_id: code.id, code_at: code.at, code_pos_key: code.posKey, code_transaction_id: code.transactionId };
    return (await consumeCodeAndInsert.first(db, params)) !== undefined;
  }
  return db.transaction().execute(async (trx) => {
    if (!(await consumeCode.first(trx, code))) return false;
    await insertTransaction.run(trx, row);
    return true;
  });
}

/**
 * The transaction with its guest's fields, by primary key only. The program is checked on the row
 * (transactionWithGuest), not in the WHERE clause: with `program_id = $2` beside `id = $1`,
 * PostgreSQL's generic plan for this named statement — made after five executions and kept for the
 * connection's life — may pick loyalty_transactions_pos (program_id, pos_key) with `id` as a mere
 * filter when the table was small or never analyzed at the time, and then read every transaction of
 * the program on each call (measured: half of the database's CPU on the POS path). With `id` alone
 * the primary key is the only index that applies, whatever the statistics.
 */
const transactionWithGuestById = prepare((db, p: { id: string }) =>
  db
    .selectFrom('loyalty_transactions as t')
    .leftJoin('guests as g', 'g.id', 't.guest_id')
    .select(TRANSACTION_COLUMNS)
    .select(['g.name as g_name', 'g.email as g_email', 'g.balance as g_balance', 'g.created_at as g_created_at'])
    .where('t.id', '=', p.id),
);

/** The transaction with its guest's fields, in one query (a sale needs both); none in another program. */
export const transactionWithGuest = {
  async first(db: Kysely<Database>, p: { id: string; programId: string }) {
    const row = await transactionWithGuestById.first(db, { id: p.id });
    return row?.program_id === p.programId ? row : undefined;
  },
};

export interface SaleFields {
  cart: string;
  service_mode: string | null;
  channel: string | null;
  subtotal_cents: number;
  updated_at: string;
  /** JSON RuleResults of the evaluation this update wrote */
  rule_results: string;
}

/**
 * The rule results of an evaluation that wrote nothing else (validate, or an update the rules
 * refused): one UPDATE by primary key, only while the transaction is still open — a settled
 * sale keeps the results it was settled with.
 */
export const recordRuleResults = prepare((db, p: { id: string; rule_results: string }) =>
  db.updateTable('loyalty_transactions').set({ rule_results: p.rule_results }).where('id', '=', p.id).where('status', 'in', OPEN_STATES),
);

/** PENDING: holds the basket's rewards; only while the transaction is still open. */
export const markPending = prepare((db, p: SaleFields & { id: string; reserved: number }) =>
  db
    .updateTable('loyalty_transactions')
    .set({
      cart: p.cart,
      service_mode: p.service_mode,
      channel: p.channel,
      subtotal_cents: p.subtotal_cents,
      updated_at: p.updated_at,
      status: 'PENDING',
      reserved_points: p.reserved,
      rule_results: p.rule_results,
    })
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

/** The columns CLAIMED writes, in both claim paths. */
function claimSet(p: ClaimFields) {
  return {
    cart: p.cart,
    service_mode: p.service_mode,
    channel: p.channel,
    subtotal_cents: p.subtotal_cents,
    updated_at: p.updated_at,
    status: 'CLAIMED' as const,
    claim_hash: p.claim_hash,
    claim_response: p.claim_response,
    rule_results: p.rule_results,
    points_earned: p.points_earned,
    points_redeemed: p.points_redeemed,
    reserved_points: 0,
    claimed_at: p.claimed_at,
  };
}

function claimUpdate(db: QueryCreator<Database>, p: ClaimFields) {
  return db.updateTable('loyalty_transactions').set(claimSet(p)).where('id', '=', p.id).where('status', 'in', OPEN_STATES).returning('id');
}

export type NewRedemption = Omit<RedemptionTable, 'returned_quantity'>;

const REDEMPTION_COLUMNS = [
  'id',
  'program_id',
  'guest_id',
  'transaction_id',
  'incentive_id',
  'kind',
  'quantity',
  'points',
  'created_at',
  'voided_at',
  'line_refs',
] as const;

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

/** The outbox event's columns as `e_`-prefixed statement parameters. */
function eventParams(e: ClaimWrite['event']) {
  return { e_id: e.id, e_program_id: e.program_id, e_type: e.type, e_payload: e.payload, e_created_at: e.created_at };
}

/**
 * Writes a claim in the caller's database transaction: the ledger rows, the redemptions, the
 * transaction's CLAIMED state (only if still open) and its outbox event. Returns false — and the
 * caller rolls back — when another request claimed or voided the transaction first. (On
 * PostgreSQL a claim first tries `claimInOneStatement`; this is its fallback and SQLite's path.)
 */
export async function writeClaim(trx: Kysely<Database>, w: ClaimWrite): Promise<boolean> {
  await insertLedgerRows(trx, w.ledger);
  await insertRedemptions(trx, w.redemptions);
  if (!(await markClaimed.first(trx, w.claim))) return false;
  await insertEvent.run(trx, { id: w.event.id, programId: w.event.program_id, type: w.event.type, payload: w.event.payload, at: w.event.created_at });
  return true;
}

function prefixed(prefix: string, o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [`${prefix}${k}`, v]));
}

/** A claim written in one statement (`claimInOneStatement`). */
export interface OneStatementClaim {
  guestId: string;
  programId: string;
  /** The balance the sale was evaluated and answered with: the claim applies only while it is still the guest's. */
  expectedBalance: number;
  /** What the claim adds to the balance: the sum of the ledger rows' points. */
  net: number;
  at: string;
  /** at most two (the redemption and the earn) */
  ledger: LedgerRow[];
  /** at most eight */
  redemptions: NewRedemption[];
  /** The redeemed incentives, which leave the guest's pre-selection (dropRedeemedFromSelection). */
  redeemedIncentiveIds: string[];
  claim: ClaimFields;
  event: ClaimWrite['event'];
}

/** Most ledger rows and redemptions a one-statement claim writes; a bigger claim goes the transactional way. */
export const ONE_STATEMENT_LIMITS = { ledger: 2, redemptions: 8 } as const;

type OneStatementParams = ClaimFields & { guestId: string; programId: string; expectedBalance: number; net: number; at: string; redeemed: string[] } & Record<
    string,
    unknown
  >;

const oneStatementClaims = new Map<string, PreparedQuery<OneStatementParams, { id: string }>>();

/**
 * PostgreSQL only: a claim as one autocommit statement instead of a database transaction of four
 * to six round trips (BEGIN, the guest's balance, the writes, the guest's pre-selection, COMMIT),
 * during which the connection sat idle in transaction while Node rendered the answer.
 *
 * The answer is rendered beforehand with `expectedBalance + net`, so the statement applies only if
 * the guest's balance is still `expectedBalance`. In order: the guest row is locked (re-checking the
 * balance on its newest version), then the transaction row is set CLAIMED if still open — the same
 * lock order as void and the transactional path — and only if both held does the balance move, are
 * the ledger rows, redemptions and outbox event inserted (each row its own INSERT … SELECT, so the
 * parameters take the columns' types) and do the redeemed incentives leave the guest's
 * pre-selection (as dropRedeemedFromSelection does: the row goes when nothing is left). The
 * statement is atomic either way. Returns false when it wrote nothing (the balance moved meanwhile,
 * or another request claimed or voided first): the caller then claims the usual way, which answers
 * those cases.
 */
export async function claimInOneStatement(db: Kysely<Database>, w: OneStatementClaim): Promise<boolean> {
  if (w.ledger.length > ONE_STATEMENT_LIMITS.ledger || w.redemptions.length > ONE_STATEMENT_LIMITS.redemptions) {
    throw new Error('claimInOneStatement: too many rows; use the transactional claim');
  }
  const dropSelection = w.redeemedIncentiveIds.length > 0;
  const key = `${w.ledger.length}|${w.redemptions.length}|${dropSelection}`;
  let q = oneStatementClaims.get(key);
  if (!q) {
    q = oneStatementClaim(w.ledger.length, w.redemptions.length, dropSelection);
    oneStatementClaims.set(key, q);
  }
  const params = {
    ...w.claim,
    guestId: w.guestId,
    programId: w.programId,
    expectedBalance: w.expectedBalance,
    net: w.net,
    at: w.at,
    redeemed: w.redeemedIncentiveIds,
    ...prefixed('l_', flattenRows(LEDGER_COLUMNS, w.ledger)),
    ...prefixed('r_', flattenRows(REDEMPTION_COLUMNS, w.redemptions)),
    ...eventParams(w.event),
  };
  return (await q.first(db, params)) !== undefined;
}

function oneStatementClaim(ledgerRows: number, redemptionRows: number, dropSelection: boolean): PreparedQuery<OneStatementParams, { id: string }> {
  return prepare((db, p: OneStatementParams) => {
    let qc = db
      .with(
        (wb) => wb('locked_guest').materialized(),
        (c) =>
          c
            .selectFrom('guests')
            .select('guests.id')
            .where('guests.id', '=', p.guestId)
            .where('guests.program_id', '=', p.programId)
            .where('guests.balance', '=', p.expectedBalance)
            .forNoKeyUpdate(),
      )
      .with('claimed', (c) =>
        c
          .updateTable('loyalty_transactions')
          .from('locked_guest')
          .set(claimSet(p))
          .where('loyalty_transactions.id', '=', p.id)
          .where('loyalty_transactions.status', 'in', OPEN_STATES)
          .returning('loyalty_transactions.id'),
      )
      .with('moved', (c) =>
        c
          .updateTable('guests')
          .from('claimed')
          .set({ balance: sql<number>`balance + ${p.net}`, last_activity_at: p.at })
          .where('guests.id', '=', p.guestId)
          .returning('guests.balance'),
      ) as unknown as QueryCreator<Database & { claimed: { id: string } }>;
    // One INSERT … SELECT … FROM claimed per row: nothing is inserted unless the claim applied.
    const insertRow = (
      name: string,
      table: 'points_ledger' | 'redemptions' | 'outbox_events',
      columns: readonly string[],
      prefix: string,
      i: number | null,
    ) => {
      qc = qc.with(name, (c) =>
        c
          .insertInto(table)
          .columns(columns as never)
          .expression(c.selectFrom('claimed').select((eb) => columns.map((col) => eb.val(p[i === null ? `${prefix}${col}` : `${prefix}${col}_${i}`]).as(col)))),
      ) as unknown as typeof qc;
    };
    for (let i = 0; i < ledgerRows; i++) insertRow(`ledger_${i}`, 'points_ledger', LEDGER_COLUMNS, 'l_', i);
    for (let i = 0; i < redemptionRows; i++) insertRow(`redeemed_${i}`, 'redemptions', REDEMPTION_COLUMNS, 'r_', i);
    insertRow('event', 'outbox_events', ['id', 'program_id', 'type', 'payload', 'created_at'], 'e_', null);
    if (dropSelection) {
      // The pre-selection's ids (a JSON array of strings) without the redeemed ones, serialized as
      // JSON.stringify does; the row is deleted when none are left, untouched when none were redeemed.
      const ids = sql`json_array_elements_text(guest_selections.incentive_ids::json)`;
      const redeemed = sql`${p.redeemed}::text[]`;
      qc = qc
        .with('selection_left', (c) =>
          c
            .updateTable('guest_selections')
            .from('claimed')
            .set({
              incentive_ids: sql<string>`(select '[' || string_agg(to_json(x.id)::text, ',' order by x.n) || ']' from ${ids} with ordinality as x(id, n) where x.id <> all(${redeemed}))`,
              updated_at: p.at,
            })
            .where('guest_selections.guest_id', '=', p.guestId)
            .where(sql<boolean>`exists (select 1 from ${ids} as x(id) where x.id = any(${redeemed}))`)
            .where(sql<boolean>`exists (select 1 from ${ids} as x(id) where x.id <> all(${redeemed}))`),
        )
        .with('selection_gone', (c) =>
          c
            .deleteFrom('guest_selections')
            .using('claimed')
            .where('guest_selections.guest_id', '=', p.guestId)
            .where(sql<boolean>`exists (select 1 from ${ids} as x(id) where x.id = any(${redeemed}))`)
            .where(sql<boolean>`not exists (select 1 from ${ids} as x(id) where x.id <> all(${redeemed}))`),
        ) as unknown as typeof qc;
    }
    return qc.selectFrom('claimed').select('claimed.id');
  });
}

// ---- one-time codes, unclaimed sales and voids (off the hot path: built per call) --------------

/** Which POS sale used a code (identify by code, after losing the race to use it). */
export async function codeUse(db: Kysely<Database>, codeId: string): Promise<{ used_pos_key: string | null; used_transaction_id: string | null }> {
  return db.selectFrom('otp_codes').select(['used_pos_key', 'used_transaction_id']).where('id', '=', codeId).executeTakeFirstOrThrow();
}

/** Whether these digits are taken by another active, unused code of the program. */
export async function codeInUse(db: Kysely<Database>, p: { programId: string; code: string; now: string }): Promise<boolean> {
  const clash = await db
    .selectFrom('otp_codes')
    .select('id')
    .where('program_id', '=', p.programId)
    .where('code', '=', p.code)
    .where('expires_at', '>', p.now)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return clash !== undefined;
}

export async function insertCode(
  db: Kysely<Database>,
  p: { id: string; programId: string; guestId: string; code: string; selections: string[]; at: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('otp_codes')
    .values({
      id: p.id,
      program_id: p.programId,
      guest_id: p.guestId,
      code: p.code,
      selections: JSON.stringify(p.selections),
      created_at: p.at,
      expires_at: p.expiresAt,
      used_at: null,
      used_pos_key: null,
      used_transaction_id: null,
    })
    .execute();
}

/** The transaction stored under a dedupe key (an unclaimed sale's POS key). */
export async function transactionByDedupe(db: Kysely<Database>, programId: string, dedupeKey: string): Promise<LoyaltyTransactionTable | undefined> {
  return db.selectFrom('loyalty_transactions').selectAll().where('program_id', '=', programId).where('dedupe_key', '=', dedupeKey).executeTakeFirst();
}

/** Inserts a transaction unless one with its dedupe key exists; false when it did. */
export async function insertUnlessDuplicate(db: Kysely<Database>, row: LoyaltyTransactionTable): Promise<boolean> {
  const inserted = await db
    .insertInto('loyalty_transactions')
    .values(row)
    .onConflict((oc) => oc.columns(['program_id', 'dedupe_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Sets a transaction VOIDED if it is still in `from` (which also locks its row); false when it moved meanwhile. */
export async function markVoided(trx: Kysely<Database>, p: { id: string; from: LoyaltyTransactionTable['status']; at: string }): Promise<boolean> {
  const won = await trx
    .updateTable('loyalty_transactions')
    .set({ status: 'VOIDED', voided_at: p.at, updated_at: p.at, reserved_points: 0 })
    .where('id', '=', p.id)
    .where('status', '=', p.from)
    .returning('id')
    .executeTakeFirst();
  return won !== undefined;
}

/** Marks every redemption of a transaction voided. */
export async function voidRedemptions(trx: Kysely<Database>, transactionId: string, at: string): Promise<void> {
  await trx.updateTable('redemptions').set({ voided_at: at }).where('transaction_id', '=', transactionId).execute();
}

/** Locks a CLAIMED sale's row (touching `updated_at`); false when it is no longer CLAIMED. */
export async function lockClaimedSale(trx: Kysely<Database>, id: string, at: string): Promise<boolean> {
  const locked = await trx
    .updateTable('loyalty_transactions')
    .set({ updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'CLAIMED')
    .returning('id')
    .executeTakeFirst();
  return locked !== undefined;
}

/** The redemptions of a sale not voided, with how much of each partial refunds gave back. */
export async function liveRedemptions(trx: Kysely<Database>, transactionId: string) {
  return trx
    .selectFrom('redemptions')
    .select(['id', 'incentive_id', 'kind', 'quantity', 'returned_quantity', 'points', 'line_refs'])
    .where('transaction_id', '=', transactionId)
    .where('voided_at', 'is', null)
    .execute();
}

/** Gives `quantity` more of a redemption back (a partial refund). */
export async function returnRedemption(trx: Kysely<Database>, id: string, quantity: number): Promise<void> {
  await trx
    .updateTable('redemptions')
    .set((eb) => ({ returned_quantity: eb('returned_quantity', '+', quantity) }))
    .where('id', '=', id)
    .execute();
}

// ---- the back office and rule facts ------------------------------------------------------------

/** A sale as the back office lists and shows it, with its store's POS number. */
export interface TransactionRecord {
  id: string;
  storeId: string;
  storeExternalId: string;
  guestId: string | null;
  status: TransactionStatus;
  posVendor: string;
  terminal: string;
  posTransactionId: string;
  receiptCode: string;
  subtotalCents: number;
  pointsEarned: number;
  pointsRedeemed: number;
  createdAt: string;
  updatedAt: string;
  claimedAt: string | null;
  voidedAt: string | null;
  operator: string | null;
  serviceMode: string | null;
  channel: string | null;
  /** the last canonical cart the POS sent (JSON), null before */
  cart: unknown;
  selections: string[];
  /** the answer to the CLAIMED update (JSON), null before */
  claimResponse: unknown;
  /** what the last validate, PENDING or CLAIMED evaluation decided (RuleResults JSON), null before */
  ruleResults: unknown;
}

export interface TransactionFilter {
  storeId?: string;
  storeExternalId?: string;
  status?: TransactionStatus;
  guestId?: string;
  receiptCode?: string;
  from?: string;
  to?: string;
  id?: string;
}

function toTransactionRecord(row: LoyaltyTransactionTable & { store_external_id: string }): TransactionRecord {
  return {
    id: row.id,
    storeId: row.store_id,
    storeExternalId: row.store_external_id,
    guestId: row.guest_id,
    status: row.status,
    posVendor: row.pos_vendor,
    terminal: row.terminal,
    posTransactionId: row.pos_transaction_id,
    receiptCode: row.receipt_code,
    subtotalCents: row.subtotal_cents,
    pointsEarned: row.points_earned,
    pointsRedeemed: row.points_redeemed,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    claimedAt: row.claimed_at,
    voidedAt: row.voided_at,
    operator: row.operator,
    serviceMode: row.service_mode,
    channel: row.channel,
    cart: row.cart ? (JSON.parse(row.cart) as unknown) : null,
    selections: JSON.parse(row.selections) as string[],
    claimResponse: row.claim_response ? (JSON.parse(row.claim_response) as unknown) : null,
    ruleResults: row.rule_results ? (JSON.parse(row.rule_results) as unknown) : null,
  };
}

/** A program's sales, newest first, up to `limit` after `cursor`. */
export async function searchTransactions(
  db: Kysely<Database>,
  programId: string,
  f: TransactionFilter,
  cursor: Cursor | null,
  limit: number,
): Promise<TransactionRecord[]> {
  let q = db
    .selectFrom('loyalty_transactions as t')
    .innerJoin('stores as s', (j) => j.onRef('s.id', '=', 't.store_id').onRef('s.program_id', '=', 't.program_id'))
    .selectAll('t')
    .select('s.external_id as store_external_id')
    .where('t.program_id', '=', programId);
  if (f.id !== undefined) q = q.where('t.id', '=', f.id);
  if (f.storeId !== undefined) q = q.where('t.store_id', '=', f.storeId);
  if (f.storeExternalId !== undefined) q = q.where('s.external_id', '=', f.storeExternalId);
  if (f.status !== undefined) q = q.where('t.status', '=', f.status);
  if (f.guestId !== undefined) q = q.where('t.guest_id', '=', f.guestId);
  if (f.receiptCode !== undefined) q = q.where('t.receipt_code', '=', f.receiptCode);
  if (f.from !== undefined) q = q.where('t.created_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('t.created_at', '<=', f.to);
  if (cursor) q = q.where(olderThan(cursor, 't.created_at', 't.id'));
  const rows = await q.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc').limit(limit).execute();
  return rows.map(toTransactionRecord);
}

export async function findTransactionRecord(db: Kysely<Database>, programId: string, id: string): Promise<TransactionRecord | null> {
  return (await searchTransactions(db, programId, { id }, null, 1))[0] ?? null;
}

/** What a sale redeemed, oldest first. */
export async function transactionRedemptions(db: Kysely<Database>, programId: string, transactionId: string) {
  const rows = await db
    .selectFrom('redemptions')
    .selectAll()
    .where('program_id', '=', programId)
    .where('transaction_id', '=', transactionId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ incentiveId: r.incentive_id, kind: r.kind, quantity: r.quantity, points: r.points, voidedAt: r.voided_at }));
}

/** The guest of the sale with this receipt code, if the sale had one. */
export async function guestIdByReceiptCode(db: Kysely<Database>, programId: string, receiptCode: string): Promise<string | null> {
  const row = await db
    .selectFrom('loyalty_transactions')
    .select('guest_id')
    .where('program_id', '=', programId)
    .where('receipt_code', '=', receiptCode)
    .executeTakeFirst();
  return row?.guest_id ?? null;
}

/** A guest's redemptions not voided, with what partial refunds gave back (rule history). */
export async function guestRedemptionHistory(db: Kysely<Database>, programId: string, guestId: string) {
  const rows = await db
    .selectFrom('redemptions')
    .select(['incentive_id', 'kind', 'quantity', 'returned_quantity', 'created_at'])
    .where('program_id', '=', programId)
    .where('guest_id', '=', guestId)
    .where('voided_at', 'is', null)
    .execute();
  return rows.map((r) => ({ incentiveId: r.incentive_id, kind: r.kind, quantity: r.quantity, returnedQuantity: r.returned_quantity, createdAt: r.created_at }));
}

/** How many CLAIMED sales the guest has, not counting `exceptId`. */
export async function countClaimedTransactions(db: Kysely<Database>, programId: string, guestId: string, exceptId: string | null): Promise<number> {
  let q = db
    .selectFrom('loyalty_transactions')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('program_id', '=', programId)
    .where('guest_id', '=', guestId)
    .where('status', '=', 'CLAIMED');
  if (exceptId) q = q.where('id', '!=', exceptId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Whether a one-time code identified this sale (else the guest's loyalty id did). */
export async function identifiedByCode(db: Kysely<Database>, programId: string, transactionId: string): Promise<boolean> {
  const otp = await db
    .selectFrom('otp_codes')
    .select('id')
    .where('program_id', '=', programId)
    .where('used_transaction_id', '=', transactionId)
    .executeTakeFirst();
  return otp !== undefined;
}

/** What a c-store location records of a loyalty transaction (cstore/pos-sales.service.ts): its store, POS ids, state and cart. */
export type LoyaltySaleSource = Pick<
  LoyaltyTransactionTable,
  'id' | 'store_id' | 'status' | 'guest_id' | 'terminal' | 'pos_transaction_id' | 'cart' | 'dedupe_key' | 'created_at' | 'claimed_at' | 'voided_at'
>;

export async function loyaltySaleSource(db: Kysely<Database>, programId: string, id: string): Promise<LoyaltySaleSource | undefined> {
  return db
    .selectFrom('loyalty_transactions')
    .select(['id', 'store_id', 'status', 'guest_id', 'terminal', 'pos_transaction_id', 'cart', 'dedupe_key', 'created_at', 'claimed_at', 'voided_at'])
    .where('program_id', '=', programId)
    .where('id', '=', id)
    .executeTakeFirst();
}
