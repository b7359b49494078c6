import { sql } from 'kysely';
import { enqueueEvent } from '../../adapters/db/repositories/outbox.repository.ts';
import { InsufficientPoints, postEntries } from '../../adapters/db/repositories/points-ledger.repository.ts';
import type { GuestTable, PointsLedgerTable } from '../../adapters/db/schema.ts';
import type { LedgerKind } from '../../domain/ledger-kind.ts';
import { AppError, invalidField } from '../../errors.ts';
import { newId, UUID } from '../../lib/ids.ts';
import { birthdateProblem } from '../../domain/birthdate.ts';
import { MAX_ADJUSTMENT } from '../../domain/limits.ts';
import type { PointsAdjustedData } from '../events/event-types.ts';
import { claimReceipt, type ReceiptClaimed } from '../guest/receipt-claim.ts';
import { findProgram } from '../../adapters/db/repositories/config.repository.ts';
import type { GuestTier } from '../../domain/tiers.ts';
import { guestTier } from '../tiers.service.ts';
import { type AdminContext, assertProgramInScope, audit, beforeCursor, notFound, orConflict, type Page, type PageRequest, pageLimit, toPage } from './context.ts';

export interface GuestView {
  id: string;
  programId: string;
  name: string;
  email: string | null;
  balance: number;
  /** YYYY-MM-DD (birthday rules); null when not given */
  birthdate: string | null;
  lastActivityAt: string | null;
  createdAt: string;
}

export interface LedgerEntryView {
  id: string;
  kind: LedgerKind;
  points: number;
  balanceAfter: number;
  transactionId: string | null;
  reason: string | null;
  createdAt: string;
}

export function guestView(row: GuestTable): GuestView {
  return {
    id: row.id,
    programId: row.program_id,
    name: row.name,
    email: row.email,
    balance: row.balance,
    birthdate: row.birthdate ?? null,
    lastActivityAt: row.last_activity_at,
    createdAt: row.created_at,
  };
}

export function ledgerEntryView(row: PointsLedgerTable): LedgerEntryView {
  return {
    id: row.id,
    kind: row.kind,
    points: row.points,
    balanceAfter: row.balance_after,
    transactionId: row.transaction_id,
    reason: row.reason,
    createdAt: row.created_at,
  };
}

export interface GuestSearch extends PageRequest {
  email?: string;
  id?: string;
  /** the 16-character code printed on a receipt */
  receiptCode?: string;
  /** part of the name or e-mail */
  q?: string;
}

/** Finds guests of one program by e-mail (any case), id, receipt code, or a fragment of name or e-mail. */
export async function searchGuests(ctx: AdminContext, programId: string, s: GuestSearch): Promise<Page<GuestView>> {
  assertProgramInScope(ctx.actor, programId);
  const limit = pageLimit(s.limit);
  let q = ctx.db.selectFrom('guests').selectAll().where('program_id', '=', programId);
  if (s.email !== undefined) q = q.where(sql<string>`lower(email)`, '=', s.email.toLowerCase());
  if (s.id !== undefined) {
    if (!UUID.test(s.id)) return { items: [], nextCursor: null };
    q = q.where('id', '=', s.id.toLowerCase());
  }
  if (s.receiptCode !== undefined) {
    const txn = await ctx.db
      .selectFrom('loyalty_transactions')
      .select('guest_id')
      .where('program_id', '=', programId)
      .where('receipt_code', '=', s.receiptCode.trim().toUpperCase())
      .executeTakeFirst();
    if (!txn?.guest_id) return { items: [], nextCursor: null };
    q = q.where('id', '=', txn.guest_id);
  }
  if (s.q !== undefined && s.q.trim() !== '') {
    const like = `%${s.q.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb(sql<string>`lower(name)`, 'like', sql<string>`${like} escape '\\'`), eb(sql<string>`lower(coalesce(email, ''))`, 'like', sql<string>`${like} escape '\\'`)]));
  }
  if (s.cursor) q = q.where(beforeCursor(s.cursor, 'created_at', 'id'));
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  return toPage(rows, limit, (r) => [r.created_at, r.id], guestView);
}

export interface GuestDetail {
  guest: GuestView;
  /** the guest's tier now, as the POS and the app see it; null when the program has no tiers */
  tier: GuestTier | null;
  ledger: Page<LedgerEntryView>;
}

/** A guest and their ledger, newest entries first. */
export async function getGuest(ctx: AdminContext, programId: string, guestId: string, ledger: PageRequest = {}): Promise<GuestDetail> {
  assertProgramInScope(ctx.actor, programId);
  const limit = pageLimit(ledger.limit);
  const row = UUID.test(guestId)
    ? await ctx.db.selectFrom('guests').selectAll().where('program_id', '=', programId).where('id', '=', guestId.toLowerCase()).executeTakeFirst()
    : undefined;
  if (!row) throw notFound('guest', guestId);
  let q = ctx.db.selectFrom('points_ledger').selectAll().where('program_id', '=', programId).where('guest_id', '=', row.id);
  if (ledger.cursor) q = q.where(beforeCursor(ledger.cursor, 'created_at', 'id'));
  const [entries, program] = await Promise.all([q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute(), findProgram(ctx.db, programId)]);
  const tier = program ? await guestTier(ctx.db, program, row.id, ctx.now) : null;
  return { guest: guestView(row), tier, ledger: toPage(entries, limit, (r) => [r.created_at, r.id], ledgerEntryView) };
}

/** Enrols a guest at the counter (the app signs guests up itself). */
export async function enrollGuest(ctx: AdminContext, programId: string, input: { name: string; email?: string | null }): Promise<GuestView> {
  assertProgramInScope(ctx.actor, programId);
  if (input.name.trim() === '' || input.name.length > 200) throw invalidField('name', 'must be 1 to 200 characters');
  const email = input.email ? input.email.trim().toLowerCase() : null;
  if (email !== null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw invalidField('email', 'is not an e-mail address');
  const id = newId();
  const clash = 'A guest with this e-mail already exists in this program';
  return ctx.db.transaction().execute(async (trx) => {
    const program = await trx.selectFrom('programs').select('id').where('id', '=', programId).executeTakeFirst();
    if (!program) throw notFound('program', programId);
    if (email) {
      const taken = await trx.selectFrom('guests').select('id').where('program_id', '=', programId).where(sql<string>`lower(email)`, '=', email).executeTakeFirst();
      if (taken) throw new AppError('Conflict', clash, { field: 'email' });
    }
    const row: GuestTable = { id, program_id: programId, name: input.name.trim(), email, balance: 0, last_activity_at: null, created_at: ctx.now.toISOString() };
    await orConflict(trx.insertInto('guests').values(row).execute(), clash, 'email');
    const view = guestView(row);
    await audit(trx, ctx, { programId, action: 'guest.create', entityType: 'guest', entityId: id, after: view });
    return view;
  });
}

/** What support may change on a guest: the display name and the birthdate (null clears it). */
export interface GuestPatch {
  name?: string;
  birthdate?: string | null;
}

/**
 * Changes a guest's name and/or birthdate, audited as `guest.update` with before/after. A bad
 * value is a ValidationError naming the field, and nothing is written.
 */
export async function updateGuest(ctx: AdminContext, programId: string, guestId: string, patch: GuestPatch): Promise<GuestView> {
  assertProgramInScope(ctx.actor, programId);
  const name = patch.name?.trim();
  if (name !== undefined && (name === '' || name.length > 200)) throw invalidField('name', 'must be 1 to 200 characters');
  if (patch.birthdate !== undefined && patch.birthdate !== null) {
    const problem = birthdateProblem(patch.birthdate, ctx.now.toISOString().slice(0, 10));
    if (problem) throw invalidField('birthdate', problem);
  }
  if (!UUID.test(guestId)) throw notFound('guest', guestId);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('guests').selectAll().where('program_id', '=', programId).where('id', '=', guestId.toLowerCase()).executeTakeFirst();
    if (!before) throw notFound('guest', guestId);
    const set: Partial<GuestTable> = {};
    if (name !== undefined && name !== before.name) set.name = name;
    if (patch.birthdate !== undefined && patch.birthdate !== (before.birthdate ?? null)) set.birthdate = patch.birthdate;
    if (Object.keys(set).length === 0) return guestView(before);
    await trx.updateTable('guests').set(set).where('id', '=', before.id).execute();
    const after = await trx.selectFrom('guests').selectAll().where('id', '=', before.id).executeTakeFirstOrThrow();
    const view = guestView(after);
    await audit(trx, ctx, { programId, action: 'guest.update', entityType: 'guest', entityId: before.id, before: guestView(before), after: view });
    return view;
  });
}

export interface Adjustment {
  /** signed: positive credits, negative debits */
  points: number;
  /** why: mandatory, kept on the ledger entry, the audit entry and the event */
  reason: string;
}

export { MAX_ADJUSTMENT } from '../../domain/limits.ts';

/**
 * A manual points adjustment: one ADJUST ledger entry through postEntries, an audit entry and a
 * `points.adjusted` event, all in one database transaction. A debit beyond the balance is refused.
 */
export async function adjustPoints(ctx: AdminContext, programId: string, guestId: string, adj: Adjustment): Promise<{ guest: GuestView; entry: LedgerEntryView }> {
  assertProgramInScope(ctx.actor, programId);
  if (!Number.isInteger(adj.points) || adj.points === 0 || Math.abs(adj.points) > MAX_ADJUSTMENT) {
    throw invalidField('points', `must be a whole number other than 0, at most ${MAX_ADJUSTMENT} either way`);
  }
  const reason = adj.reason.trim();
  if (reason.length < 3 || reason.length > 500) throw invalidField('reason', 'is required: 3 to 500 characters saying why');
  if (!UUID.test(guestId)) throw notFound('guest', guestId);
  const at = ctx.now.toISOString();
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('guests').selectAll().where('program_id', '=', programId).where('id', '=', guestId.toLowerCase()).executeTakeFirst();
      if (!before) throw notFound('guest', guestId);
      const balance = await postEntries(trx, programId, before.id, [{ kind: 'ADJUST', points: adj.points, transactionId: null, reason }], at);
      const entry = await trx
        .selectFrom('points_ledger')
        .selectAll()
        .where('guest_id', '=', before.id)
        .where('kind', '=', 'ADJUST')
        .where('created_at', '=', at)
        .where('balance_after', '=', balance)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      await audit(trx, ctx, {
        programId,
        action: 'points.adjust',
        entityType: 'guest',
        entityId: before.id,
        before: { balance: before.balance },
        after: { balance, points: adj.points, ledgerEntryId: entry.id },
        reason,
      });
      await enqueueEvent(
        trx,
        programId,
        'points.adjusted',
        { ...({ guestId: before.id, points: adj.points, balance, reason, ledgerEntryId: entry.id, adjustedBy: ctx.actor.type, adjustedAt: at } satisfies PointsAdjustedData) },
        at,
      );
      const after = await trx.selectFrom('guests').selectAll().where('id', '=', before.id).executeTakeFirstOrThrow();
      return { guest: guestView(after), entry: ledgerEntryView(entry) };
    });
  } catch (e) {
    if (e instanceof InsufficientPoints) {
      throw new AppError('TransactionInsufficientPoints', `The guest has ${e.available ?? 0} points; a debit of ${e.required} would overdraw`, {
        field: 'points',
        balance: e.available ?? 0,
      });
    }
    throw e;
  }
}

/**
 * Support claims a missed sale for a guest by its receipt code: the same claim the guest app makes
 * (once, own program, within the claim window; `receipt.claimed` event), with the audit entry
 * `receipt.claim` written in the claim's own database transaction.
 */
export async function claimReceiptFor(
  ctx: AdminContext,
  programId: string,
  guestId: string,
  input: { receiptCode: string; reason?: string },
): Promise<{ guest: GuestView; claim: ReceiptClaimed }> {
  assertProgramInScope(ctx.actor, programId);
  const reason = input.reason?.trim() || null;
  if (reason !== null && reason.length > 500) throw invalidField('reason', 'must be at most 500 characters');
  const program = await findProgram(ctx.db, programId);
  if (!program) throw notFound('program', programId);
  const guest = UUID.test(guestId) ? await ctx.db.selectFrom('guests').selectAll().where('program_id', '=', programId).where('id', '=', guestId.toLowerCase()).executeTakeFirst() : undefined;
  if (!guest) throw notFound('guest', guestId);
  const claim = await claimReceipt(ctx.db, program, guest.id, input.receiptCode, ctx.now, {
    reason: reason ? `receipt claimed by support: ${reason}` : 'receipt claimed by support',
    inTransaction: async (trx, claimed) => {
      await audit(trx, ctx, {
        programId,
        action: 'receipt.claim',
        entityType: 'guest',
        entityId: guest.id,
        before: { balance: guest.balance },
        after: { balance: claimed.balance, transactionId: claimed.transactionId, receiptCode: claimed.receiptCode, pointsEarned: claimed.pointsEarned },
        reason,
      });
    },
  });
  const after = await ctx.db.selectFrom('guests').selectAll().where('id', '=', guest.id).executeTakeFirstOrThrow();
  return { guest: guestView(after), claim };
}
