import { findStoreByExternalId, firstStore, listActiveIncentives } from '../../adapters/db/repositories/config.repository.ts';
import {
  type GuestLedgerEntry,
  type GuestTransaction,
  findGuestOfProgram,
  ledgerOfGuest,
  ledgerOfTransactions,
  newestCodeOfGuest,
  transactionsOfGuest,
  updateOwnProfile,
} from '../../adapters/db/repositories/guest-activity.repository.ts';
import { clearSelection, findSelection, saveSelection } from '../../adapters/db/repositories/guest-selections.repository.ts';
import { ledgerEntries } from '../../adapters/db/repositories/points-ledger.repository.ts';
import type { GuestTable } from '../../adapters/db/schema.ts';
import type { Tx } from '../../adapters/db/tx.ts';
import { birthdateProblem } from '../../domain/birthdate.ts';
import type { Cart, CartLine } from '../../domain/cart.ts';
import { eligibility, evaluate, type EvaluationContext } from '../../domain/evaluate.ts';
import { expirationBuckets, type ExpirationBucket } from '../../domain/expiry.ts';
import type { Incentive } from '../../domain/incentive.ts';
import { decidableWith } from '../../domain/rules/registry.ts';
import type { RuleDependency, RuleFailure, StoreRef } from '../../domain/rules/rule.ts';
import type { ServiceMode } from '../../domain/service-mode.ts';
import { type GuestTier, pointsEarnedInWindow, tierFor } from '../../domain/tiers.ts';
import { type LocalTime, localTimeAt } from '../../domain/time.ts';
import { AppError, rulesError } from '../../errors.ts';
import type { LoyaltyService } from '../loyalty.service.ts';
import type { Program, Store } from '../model.ts';
import { loadGuestHistory, needsOf } from '../rule-facts.ts';
import type { GuestPrincipal } from './guest-auth.service.ts';
import type { PromoCodes } from './promo-codes.ts';
import { decodeCursor, encodeCursor } from '../pagination.ts';

/**
 * Which rules the app leaves to the till, from what each rule declares it depends on
 * (`RuleDefinition.dependsOn`): the app knows the time, and the store and service mode when the
 * guest names them, but never the basket. Deferred rules are listed per incentive as
 * `checkedAtOrder`, not as failures.
 */
function deferredRules(where: Where, store: Store | null): (ruleId: string) => boolean {
  const known = new Set<RuleDependency>(['time']);
  if (store) known.add('store');
  if (where.serviceMode) known.add('serviceMode');
  return (ruleId) => !decidableWith(ruleId, known);
}

/** The basket the app judges incentives against: none yet. */
const EMPTY_CART: Cart = { currency: 'XXX', lines: [], tenders: [], totals: {} };

/** The transaction `channel` values a POS sends (Loyalty API v1). */
export const CHANNELS = ['Restaurant', 'App', 'Web'] as const;
export type Channel = (typeof CHANNELS)[number];
/**
 * What the POS sees when the guest orders through the app: `channel: "App"`. The app may say
 * `Restaurant` (the guest will show the code at the till) or `Web` instead.
 */
export const DEFAULT_APP_CHANNEL: Channel = 'App';

export interface GuestProfile {
  id: string;
  name: string;
  email: string | null;
  /** YYYY-MM-DD (birthday offers); null when not given */
  birthdate: string | null;
  createdAt: string;
}

export interface IncentiveAvailability {
  id: string;
  kind: 'REWARD' | 'OFFER';
  name: string;
  pointCost: number;
  eligible: boolean;
  /** the rules failing now, in the RulesError vocabulary */
  failures: RuleFailure[];
  /** rule ids the POS checks against the order (basket, store or service mode not known yet) */
  checkedAtOrder: string[];
}

export interface IncentiveSummary {
  id: string;
  kind: 'REWARD' | 'OFFER';
  name: string;
  pointCost: number;
}

export interface SelectionView {
  rewardIds: string[];
  offerId: string | null;
  incentives: IncentiveSummary[];
  pointsReserved: number;
  updatedAt: string | null;
}

export interface Where {
  /** the POS store id (`posVendor.storeId`) */
  storeId?: string | null;
  serviceMode?: ServiceMode | null;
  localTime?: LocalTime | null;
  /** the sale's `channel` as the POS will send it; default `App` */
  channel?: Channel | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CodeStatus {
  code: string;
  status: 'active' | 'used' | 'expired';
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  transactionId: string | null;
  selection: string[];
}

/** The guest app's use cases beyond sign-in: profile, balance, incentives, selection, codes, history. */
export class GuestAppService {
  constructor(
    private readonly db: Tx,
    private readonly loyalty: LoyaltyService,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async profile(p: GuestPrincipal): Promise<GuestProfile> {
    return toProfile(await this.guestRow(p));
  }

  /** Name and/or birthdate (YYYY-MM-DD, not in the future; null clears it); all checked before anything is written. */
  async updateProfile(p: GuestPrincipal, patch: { name?: string; birthdate?: string | null }): Promise<GuestProfile> {
    const set: { name?: string; birthdate?: string | null } = {};
    if (patch.name !== undefined) {
      const name = patch.name.trim();
      if (name.length === 0) throw new AppError('ValidationError', 'name must not be blank', { field: 'name' });
      set.name = name;
    }
    if (patch.birthdate !== undefined) {
      const problem = patch.birthdate === null ? null : birthdateProblem(patch.birthdate, this.clock().toISOString().slice(0, 10));
      if (problem) throw new AppError('ValidationError', `birthdate ${problem}`, { field: 'birthdate' });
      set.birthdate = patch.birthdate;
    }
    if (Object.keys(set).length > 0) await updateOwnProfile(this.db, p.programId, p.guestId, set);
    return this.profile(p);
  }

  /**
   * The balance, what the pre-selection reserves, and the balance split into expiration buckets by
   * the same computation the expiry job uses (`expirationBuckets`, src/domain/expiry.ts); and the
   * guest's tier when the program has tiers, from the same ledger read (as `guestTier` computes it
   * for the POS).
   */
  async balance(
    p: GuestPrincipal,
    program: Program,
  ): Promise<{
    balance: number;
    pointsReserved: number;
    available: number;
    buckets: ExpirationBucket[];
    expiryPolicy: Program['expiry'];
    tier: GuestTier | null;
  }> {
    // guestRow checks the guest is this program's, so its ledger is too.
    const [guest, ledgers, selection] = await Promise.all([this.guestRow(p), ledgerEntries(this.db, [p.guestId]), this.selection(p)]);
    const entries = ledgers.get(p.guestId) ?? [];
    const now = this.clock();
    return {
      balance: guest.balance,
      pointsReserved: selection.pointsReserved,
      available: Math.max(0, guest.balance - selection.pointsReserved),
      buckets: expirationBuckets(entries, program.expiry, now, { lastActivityAt: guest.last_activity_at, createdAt: guest.created_at }),
      expiryPolicy: program.expiry,
      tier: program.tiers ? tierFor(program.tiers, pointsEarnedInWindow(entries, program.tiers.windowDays, now)) : null,
    };
  }

  /** Every active reward and offer, each evaluated alone against the guest's balance and history, now, as the POS would. */
  async incentives(p: GuestPrincipal, program: Program, where: Where): Promise<{ rewards: IncentiveAvailability[]; offers: IncentiveAvailability[] }> {
    const [guest, incentives, store] = await Promise.all([
      this.guestRow(p),
      listActiveIncentives(this.db, p.programId),
      this.store(p.programId, where.storeId),
    ]);
    const ctx = await this.context(program, guest, store, where, incentives);
    const sorted = incentives.sort((a, b) => a.kind.localeCompare(b.kind) || a.pointCost - b.pointCost || a.name.localeCompare(b.name));
    // Every incentive judged alone against an empty basket, in one pass of the rules engine.
    const isDeferred = deferredRules(where, store);
    const out = eligibility(EMPTY_CART, ctx, sorted).map(({ incentive, failures }): IncentiveAvailability => {
      const decided = failures.filter((f) => !isDeferred(f.ruleId));
      return {
        id: incentive.id,
        kind: incentive.kind,
        name: incentive.name,
        pointCost: incentive.pointCost,
        eligible: decided.length === 0,
        failures: decided,
        checkedAtOrder: [...new Set(incentive.rules.map((r) => r.ruleId).filter(isDeferred))],
      };
    });
    return { rewards: out.filter((i) => i.kind === 'REWARD'), offers: out.filter((i) => i.kind === 'OFFER') };
  }

  async selection(p: GuestPrincipal): Promise<SelectionView> {
    const row = await findSelection(this.db, p.programId, p.guestId);
    if (!row) return { rewardIds: [], offerId: null, incentives: [], pointsReserved: 0, updatedAt: null };
    const incentives = new Map((await listActiveIncentives(this.db, p.programId)).map((i) => [i.id, i]));
    // An incentive withdrawn since it was picked drops out of the selection.
    const picked = row.incentiveIds.map((id) => incentives.get(id)).filter((i): i is Incentive => !!i);
    return selectionView(picked, row.updatedAt);
  }

  /**
   * Pre-selects rewards and at most one offer for the next code. Refused when an id is unknown,
   * of the wrong kind, or when the rules that can be decided now fail (e.g. the balance does not
   * cover the rewards together): RulesError, as the POS would answer.
   */
  async select(p: GuestPrincipal, program: Program, rewardIds: string[], offerId: string | null): Promise<SelectionView> {
    const picked = await this.resolveSelection(p, program, rewardIds, offerId);
    const nowIso = this.clock().toISOString();
    await saveSelection(
      this.db,
      p.programId,
      p.guestId,
      picked.map((i) => i.id),
      nowIso,
    );
    return selectionView(picked, nowIso);
  }

  async clearSelection(p: GuestPrincipal): Promise<void> {
    await clearSelection(this.db, p.programId, p.guestId);
  }

  /** A one-time code carrying the given selection, or the stored one when none is given. */
  async createCode(
    p: GuestPrincipal,
    program: Program,
    explicit: { rewardIds: string[]; offerId: string | null } | null,
  ): Promise<{ code: string; expiresAt: string; selection: SelectionView }> {
    let selection: SelectionView;
    if (explicit) {
      selection = selectionView(await this.resolveSelection(p, program, explicit.rewardIds, explicit.offerId), null);
    } else {
      const stored = await this.selection(p);
      // Re-check the stored selection: the balance or the rules may have changed since.
      selection =
        stored.incentives.length > 0
          ? { ...selectionView(await this.resolveSelection(p, program, stored.rewardIds, stored.offerId), stored.updatedAt) }
          : stored;
    }
    const { code, expiresAt } = await this.loyalty.createCode(p.programId, p.guestId, [
      ...selection.rewardIds,
      ...(selection.offerId ? [selection.offerId] : []),
    ]);
    return { code, expiresAt, selection };
  }

  async codeStatus(p: GuestPrincipal, code: string): Promise<CodeStatus> {
    const row = /^\d{6}$/.test(code) ? await newestCodeOfGuest(this.db, p.programId, p.guestId, code) : undefined;
    if (!row) throw new AppError('NotFound', 'You have no code with these digits', { field: 'code' });
    const nowIso = this.clock().toISOString();
    return {
      code: row.code,
      status: row.used_at ? 'used' : row.expires_at <= nowIso ? 'expired' : 'active',
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      usedAt: row.used_at,
      transactionId: row.used_transaction_id,
      selection: JSON.parse(row.selections) as string[],
    };
  }

  /** The guest's loyalty transactions, newest first, each with the ledger entries it caused. */
  async transactions(p: GuestPrincipal, limit: number, cursor: string | null): Promise<Page<TransactionItem>> {
    const rows = await transactionsOfGuest(this.db, p.programId, p.guestId, decodeCursor(cursor), limit + 1);
    const page = rows.slice(0, limit);
    const entries = await ledgerOfTransactions(
      this.db,
      p.guestId,
      page.map((r) => r.id),
    );
    return {
      items: page.map((r) => ({ ...r, ledger: entries.filter((e) => e.transactionId === r.id) })),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.createdAt, page[page.length - 1]!.id) : null,
    };
  }

  /** Every points movement of the guest (earn, redeem, voids, adjustments, expiry), newest first. */
  async ledger(p: GuestPrincipal, limit: number, cursor: string | null): Promise<Page<LedgerItem>> {
    const rows = await ledgerOfGuest(this.db, p.programId, p.guestId, decodeCursor(cursor), limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page,
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.createdAt, page[page.length - 1]!.id) : null,
    };
  }

  /**
   * Redeems a promo code for the guest. An offer it unlocks becomes the selected offer (replacing
   * any other); a reward is only returned, since pre-selecting it spends points.
   */
  async redeemPromo(
    p: GuestPrincipal,
    program: Program,
    promoCodes: PromoCodes,
    code: string,
  ): Promise<{ incentive: IncentiveSummary; selected: boolean; selection: SelectionView }> {
    const { incentive } = await promoCodes.redeem({ programId: p.programId, guestId: p.guestId, code, channel: 'app', caller: `guest:${p.guestId}` });
    let selection = await this.selection(p);
    let selected = false;
    if (incentive.kind === 'OFFER') {
      try {
        selection = await this.select(p, program, selection.rewardIds, incentive.id);
        selected = true;
      } catch (err) {
        // The code is redeemed either way; the offer just cannot be pre-selected right now.
        if (!(err instanceof AppError)) throw err;
      }
    }
    return { incentive: { id: incentive.id, kind: incentive.kind, name: incentive.name, pointCost: incentive.pointCost }, selected, selection };
  }

  // ---- shared steps -------------------------------------------------------------------------

  private async resolveSelection(p: GuestPrincipal, program: Program, rewardIds: string[], offerId: string | null): Promise<Incentive[]> {
    const [guest, list] = await Promise.all([this.guestRow(p), listActiveIncentives(this.db, p.programId)]);
    const incentives = new Map(list.map((i) => [i.id, i]));
    const picked: Incentive[] = [];
    rewardIds.forEach((id, i) => {
      const incentive = incentives.get(id);
      if (!incentive || incentive.kind !== 'REWARD')
        throw new AppError('RewardNotFoundError', `No active reward ${id} in this program`, { field: `rewardIds[${i}]`, incentiveId: id });
      picked.push(incentive);
    });
    if (offerId !== null) {
      const incentive = incentives.get(offerId);
      if (!incentive || incentive.kind !== 'OFFER')
        throw new AppError('OfferNotFoundError', `No active offer ${offerId} in this program`, { field: 'offerId', incentiveId: offerId });
      picked.push(incentive);
    }
    if (picked.length > 0) {
      const ctx = await this.context(program, guest, null, {}, picked);
      const { failures } = this.check(picked, ctx, {}, null);
      if (failures.length > 0) throw rulesError(failures);
    }
    return picked;
  }

  /** Evaluates a cart holding just these incentives; splits off the rules the app cannot decide. */
  private check(picked: Incentive[], ctx: EvaluationContext, where: Where, store: Store | null): { failures: RuleFailure[]; deferred: string[] } {
    const lines: CartLine[] = picked.map((incentive, i) => ({
      ref: String(i + 1),
      parentRef: null,
      productId: incentive.id,
      name: incentive.name,
      kind: incentive.kind === 'REWARD' ? 'reward' : 'offer',
      quantity: 1,
      unitPriceCents: 0,
      amountCents: 0,
      taxCents: 0,
      incentiveId: incentive.id,
    }));
    const cart: Cart = { currency: 'XXX', lines, tenders: [], totals: {} };
    const evaluation = evaluate(cart, { ...ctx, incentives: new Map(picked.map((i) => [i.id, i])) });
    const isDeferred = deferredRules(where, store);
    const deferred = [...new Set(picked.flatMap((i) => i.rules.map((r) => r.ruleId)).filter(isDeferred))];
    return { failures: evaluation.failures.filter((f) => !isDeferred(f.ruleId)), deferred };
  }

  /**
   * The context the POS would evaluate with: the store (with its groups) when named, the channel,
   * and the guest's history loaded exactly as the POS path loads it (`loadGuestHistory`), so
   * per-guest limits, cool-downs, first-order, transaction counts and birthday windows are decided
   * here as they will be at the till. The app's guest reaches the till with a one-time code from
   * the app, so `authentication-required` sees identification `code`.
   */
  private async context(program: Program, guest: GuestTable, store: Store | null, where: Where, incentives: readonly Incentive[]): Promise<EvaluationContext> {
    const timeZone = store?.timeZone ?? (await this.defaultTimeZone(program.id));
    const storeRef: StoreRef = store ? { id: store.id, externalId: store.externalId, groups: store.groups ?? [] } : { id: '', externalId: '' };
    const history = await loadGuestHistory(this.db, {
      programId: program.id,
      guestId: guest.id,
      transactionId: null,
      timeZone,
      needs: needsOf(incentives),
      now: this.clock(),
    });
    if (history && history.identification !== undefined) history.identification = 'code';
    return {
      now: where.localTime ?? localTimeAt(this.clock(), timeZone),
      store: storeRef,
      serviceMode: where.serviceMode ?? null,
      guest: { id: guest.id, balance: guest.balance, enrolledAt: guest.created_at },
      earn: program.earn,
      incentives: new Map(),
      channel: where.channel ?? DEFAULT_APP_CHANNEL,
      history,
    };
  }

  /** A program has no time zone of its own: its first store's, else UTC. */
  private async defaultTimeZone(programId: string): Promise<string> {
    return (await firstStore(this.db, programId))?.timeZone ?? 'UTC';
  }

  private async store(programId: string, externalId: string | null | undefined): Promise<Store | null> {
    if (externalId === undefined || externalId === null || externalId === '') return null;
    const store = await findStoreByExternalId(this.db, programId, externalId);
    if (!store) throw new AppError('StoreNotFound', `No store "${externalId}" in this program`, { field: 'storeId' });
    return store;
  }

  private async guestRow(p: GuestPrincipal): Promise<GuestTable> {
    const row = await findGuestOfProgram(this.db, p.programId, p.guestId);
    if (!row) throw new AppError('Unauthorized', 'Guest no longer exists');
    return row;
  }
}

/** One ledger entry as the guest sees it. */
export type LedgerItem = GuestLedgerEntry;

/** One of the guest's sales, with the ledger entries it caused. */
export interface TransactionItem extends GuestTransaction {
  ledger: LedgerItem[];
}

function toProfile(row: GuestTable): GuestProfile {
  return { id: row.id, name: row.name, email: row.email, birthdate: row.birthdate ?? null, createdAt: row.created_at };
}

function selectionView(picked: Incentive[], updatedAt: string | null): SelectionView {
  return {
    rewardIds: picked.filter((i) => i.kind === 'REWARD').map((i) => i.id),
    offerId: picked.find((i) => i.kind === 'OFFER')?.id ?? null,
    incentives: picked.map((i) => ({ id: i.id, kind: i.kind, name: i.name, pointCost: i.pointCost })),
    pointsReserved: picked.reduce((sum, i) => sum + (i.kind === 'REWARD' ? i.pointCost : 0), 0),
    updatedAt,
  };
}
