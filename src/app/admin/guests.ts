import {
  findGuestRecord,
  type GuestRecord,
  guestIdByEmail,
  insertGuest,
  searchGuests as searchGuestRecords,
  updateGuestProfile,
} from '../../adapters/db/repositories/guests.repository.ts';
import { guestIdByReceiptCode } from '../../adapters/db/repositories/loyalty-transactions.repository.ts';
import { enqueueEvent } from '../../adapters/db/repositories/outbox.repository.ts';
import {
  guestLedgerPage,
  InsufficientPoints,
  type LedgerEntryRecord,
  postedEntry,
  postEntries,
} from '../../adapters/db/repositories/points-ledger.repository.ts';
import { programExists } from '../../adapters/db/repositories/programs.repository.ts';
import { inTransaction } from '../../adapters/db/tx.ts';
import { AppError, invalidField } from '../../errors.ts';
import { newId, UUID } from '../../lib/ids.ts';
import { birthdateProblem } from '../../domain/birthdate.ts';
import { MAX_ADJUSTMENT } from '../../domain/limits.ts';
import type { PointsAdjustedData } from '../events/event-types.ts';
import { claimReceipt, type ReceiptClaimed } from '../guest/receipt-claim.ts';
import { findProgram } from '../../adapters/db/repositories/config.repository.ts';
import type { GuestTier } from '../../domain/tiers.ts';
import { guestTier } from '../tiers.service.ts';
import {
  type AdminContext,
  assertProgramInScope,
  audit,
  decodeCursor,
  notFound,
  orConflict,
  type Page,
  type PageRequest,
  pageLimit,
  toPage,
} from './context.ts';

export type GuestView = GuestRecord;

export type LedgerEntryView = LedgerEntryRecord;

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
  let id: string | undefined;
  if (s.id !== undefined) {
    if (!UUID.test(s.id)) return { items: [], nextCursor: null };
    id = s.id.toLowerCase();
  }
  if (s.receiptCode !== undefined) {
    const guestId = await guestIdByReceiptCode(ctx.db, programId, s.receiptCode.trim().toUpperCase());
    if (!guestId) return { items: [], nextCursor: null };
    // Both given: the guest must be the one of the receipt as well.
    if (id !== undefined && id !== guestId) return { items: [], nextCursor: null };
    id = guestId;
  }
  const text = s.q !== undefined && s.q.trim() !== '' ? s.q.trim() : undefined;
  const rows = await searchGuestRecords(ctx.db, programId, { email: s.email, id, text }, decodeCursor(s.cursor), limit + 1);
  return toPage(
    rows,
    limit,
    (r) => [r.createdAt, r.id],
    (r) => r,
  );
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
  const guest = UUID.test(guestId) ? await findGuestRecord(ctx.db, programId, guestId.toLowerCase()) : null;
  if (!guest) throw notFound('guest', guestId);
  const [entries, program] = await Promise.all([
    guestLedgerPage(ctx.db, programId, guest.id, decodeCursor(ledger.cursor), limit + 1),
    findProgram(ctx.db, programId),
  ]);
  const tier = program ? await guestTier(ctx.db, program, guest.id, ctx.now) : null;
  return {
    guest,
    tier,
    ledger: toPage(
      entries,
      limit,
      (r) => [r.createdAt, r.id],
      (r) => r,
    ),
  };
}

/** Enrols a guest at the counter (the app signs guests up itself). */
export async function enrollGuest(ctx: AdminContext, programId: string, input: { name: string; email?: string | null }): Promise<GuestView> {
  assertProgramInScope(ctx.actor, programId);
  if (input.name.trim() === '' || input.name.length > 200) throw invalidField('name', 'must be 1 to 200 characters');
  const email = input.email ? input.email.trim().toLowerCase() : null;
  if (email !== null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw invalidField('email', 'is not an e-mail address');
  const id = newId();
  const clash = 'A guest with this e-mail already exists in this program';
  return inTransaction(ctx.db, async (trx) => {
    if (!(await programExists(trx, programId))) throw notFound('program', programId);
    if (email && (await guestIdByEmail(trx, programId, email))) throw new AppError('Conflict', clash, { field: 'email' });
    const view: GuestView = {
      id,
      programId,
      name: input.name.trim(),
      email,
      balance: 0,
      birthdate: null,
      lastActivityAt: null,
      createdAt: ctx.now.toISOString(),
    };
    await orConflict(insertGuest(trx, view), clash, 'email');
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
  return inTransaction(ctx.db, async (trx) => {
    const before = await findGuestRecord(trx, programId, guestId.toLowerCase());
    if (!before) throw notFound('guest', guestId);
    const changed = await updateGuestProfile(trx, before.id, {
      name: name !== undefined && name !== before.name ? name : undefined,
      birthdate: patch.birthdate !== undefined && patch.birthdate !== before.birthdate ? patch.birthdate : undefined,
    });
    if (!changed) return before;
    const view = (await findGuestRecord(trx, programId, before.id))!;
    await audit(trx, ctx, { programId, action: 'guest.update', entityType: 'guest', entityId: before.id, before, after: view });
    return view;
  });
}

export interface Adjustment {
  /** signed: positive credits, negative debits */
  points: number;
  /** why: mandatory, kept on the ledger entry, the audit entry and the event */
  reason: string;
}

/**
 * A manual points adjustment: one ADJUST ledger entry through postEntries, an audit entry and a
 * `points.adjusted` event, all in one database transaction. A debit beyond the balance is refused.
 */
export async function adjustPoints(
  ctx: AdminContext,
  programId: string,
  guestId: string,
  adj: Adjustment,
): Promise<{ guest: GuestView; entry: LedgerEntryView }> {
  assertProgramInScope(ctx.actor, programId);
  if (!Number.isInteger(adj.points) || adj.points === 0 || Math.abs(adj.points) > MAX_ADJUSTMENT) {
    throw invalidField('points', `must be a whole number other than 0, at most ${MAX_ADJUSTMENT} either way`);
  }
  const reason = adj.reason.trim();
  if (reason.length < 3 || reason.length > 500) throw invalidField('reason', 'is required: 3 to 500 characters saying why');
  if (!UUID.test(guestId)) throw notFound('guest', guestId);
  const at = ctx.now.toISOString();
  try {
    return await inTransaction(ctx.db, async (trx) => {
      const before = await findGuestRecord(trx, programId, guestId.toLowerCase());
      if (!before) throw notFound('guest', guestId);
      const balance = await postEntries(trx, programId, before.id, [{ kind: 'ADJUST', points: adj.points, transactionId: null, reason }], at);
      const entry = await postedEntry(trx, before.id, 'ADJUST', at, balance);
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
        {
          ...({
            guestId: before.id,
            points: adj.points,
            balance,
            reason,
            ledgerEntryId: entry.id,
            adjustedBy: ctx.actor.type,
            adjustedAt: at,
          } satisfies PointsAdjustedData),
        },
        at,
      );
      const after = (await findGuestRecord(trx, programId, before.id))!;
      return { guest: after, entry };
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
  const guest = UUID.test(guestId) ? await findGuestRecord(ctx.db, programId, guestId.toLowerCase()) : null;
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
  const after = (await findGuestRecord(ctx.db, programId, guest.id))!;
  return { guest: after, claim };
}
