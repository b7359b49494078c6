import type { ChangeKind, Promotion, PromotionChange } from './promotion.ts';

/**
 * The fields a register (or the manager reviewing it) cares about. `lastModified` is the
 * manufacturer's bookkeeping: a new stamp on identical terms is not a change.
 */
export const REGISTER_FIELDS = [
  'type',
  'description',
  'brand',
  'upcs',
  'startDate',
  'endDate',
  'amountCents',
  'quantity',
  'maxPerTransaction',
  'status',
] as const satisfies readonly (keyof Promotion)[];

export type RegisterField = (typeof REGISTER_FIELDS)[number];

/** The identity of a promotion at one location: manufacturer and its id. */
export const promotionKey = (p: Pick<Promotion, 'manufacturer' | 'externalId'>): string => `${p.manufacturer}\u0000${p.externalId}`;

function changeKey(c: PromotionChange): string {
  const p = c.after ?? c.before;
  return p ? promotionKey(p) : `?\u0000${c.externalId}`;
}

function sameUpcs(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}

/** The register-relevant fields that differ between two versions of one promotion. */
export function changedFields(before: Promotion, after: Promotion): RegisterField[] {
  return REGISTER_FIELDS.filter((f) => (f === 'upcs' ? !sameUpcs(before.upcs, after.upcs) : before[f] !== after[f]));
}

/** True when the register would hold the same promotion either way. */
export function sameOnRegister(a: Promotion | null, b: Promotion | null): boolean {
  if (a === null || b === null) return a === b;
  return changedFields(a, b).length === 0;
}

/** Whether a feed record should be on the register on `today` (store-local YYYY-MM-DD). */
export function isLive(p: Promotion, today: string): boolean {
  return p.status === 'active' && p.endDate >= today;
}

export interface PromotionPlan<C extends PromotionChange = PromotionChange> {
  /** the new changes to queue, in a deterministic order (add, modify, end; then by id) */
  changes: PromotionChange[];
  /**
   * pending changes the feed has overtaken: a change in `changes` replaces them, the feed went
   * back to what the register already has, the promotion vanished before it was ever accepted, or
   * a later pending change of the same promotion counts instead. The review queue should withdraw
   * them; leaving them is safe for the diff but shows stale rows to the manager.
   */
  superseded: C[];
}

/**
 * Feed records the connector rejected today. Their promotions are held: no add, modify or end is
 * planned for them, and pending changes of them stay as they are.
 */
export interface FeedHold {
  /** ids of rejected records (only the ones not also present as a valid record) */
  externalIds?: readonly string[];
  /** a rejected record had no readable id: nothing merely missing from the feed is ended today */
  unidentified?: boolean;
}

const KIND_ORDER: Record<ChangeKind, number> = { add: 0, modify: 1, end: 2 };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Compares what a location's register has (accepted state), what is already waiting for review
 * (pending, oldest first; the last change per promotion is the one that counts) and today's feed,
 * and returns what to queue. Pure: same inputs, same output; queueing the result and running it
 * again yields no changes. `superseded` holds the caller's own pending objects (rows with extra
 * fields come back as they went in), older pending changes of a promotion included.
 *
 * Pass the register state and pending changes of the feed's manufacturer only: a promotion on the
 * register that is missing from `feed` is ended — unless `hold` says the connector rejected its
 * record today (see {@link FeedHold}), in which case nothing is planned for it.
 *
 * @example
 * const { changes } = planPromotionChanges(register, pending, feed, '2026-12-01');
 * // changes: [{ kind: 'add', externalId: 'RJ-1', before: null, after: {...} }, …]
 * planPromotionChanges(register, pending, feed, '2026-12-01', { externalIds: ['RJ-7'] });
 * // RJ-7's record failed validation: the register's RJ-7 is neither modified nor ended
 */
export function planPromotionChanges<C extends PromotionChange>(
  registerState: readonly Promotion[],
  pending: readonly C[],
  feed: readonly Promotion[],
  today: string,
  hold: FeedHold = {},
): PromotionPlan<C> {
  if (!DATE.test(today)) throw new RangeError(`today must be YYYY-MM-DD, got "${today}"`);
  const held = new Set(hold.externalIds ?? []);
  const register = new Map<string, Promotion>();
  for (const p of registerState) register.set(promotionKey(p), p);
  const latestPending = new Map<string, C>();
  for (const c of pending) latestPending.set(changeKey(c), c);
  // Cancelled and expired records count as vanished. Should an id repeat, its last record wins.
  const wanted = new Map<string, Promotion>();
  // Records present but cancelled or expired: their promotion ends whatever else was rejected.
  const vanishedForSure = new Set<string>();
  for (const p of feed) {
    if (isLive(p, today)) {
      wanted.set(promotionKey(p), p);
      vanishedForSure.delete(promotionKey(p));
    } else {
      wanted.delete(promotionKey(p));
      vanishedForSure.add(promotionKey(p));
    }
  }

  const changes: PromotionChange[] = [];
  const superseded = new Set<string>();
  const keys = new Set<string>([...register.keys(), ...latestPending.keys(), ...wanted.keys()]);
  for (const key of keys) {
    const onRegister = register.get(key) ?? null;
    const queued = latestPending.get(key);
    const target = wanted.get(key) ?? null;
    // A record the connector rejected today says nothing about its promotion: keep what the
    // register and the queue have. Likewise, when a rejected record had no readable id, a promotion
    // merely missing from the feed may be that record, so it is not ended today.
    const id = (target ?? onRegister ?? queued?.after ?? queued?.before)?.externalId;
    if (id !== undefined && held.has(id) && !wanted.has(key)) continue;
    if (hold.unidentified && target === null && !vanishedForSure.has(key) && (onRegister !== null || queued !== undefined)) continue;
    // What the register will hold once everything already pending is accepted.
    const expected = queued ? queued.after : onRegister;
    if (sameOnRegister(expected, target)) continue;
    if (sameOnRegister(onRegister, target)) {
      // The feed is back to what the register has: nothing to queue, the pending change is moot.
      if (queued) superseded.add(key);
      continue;
    }
    const kind: ChangeKind = onRegister === null ? 'add' : target === null ? 'end' : 'modify';
    changes.push({ kind, externalId: (target ?? onRegister)!.externalId, before: onRegister, after: target });
    if (queued) superseded.add(key);
  }

  changes.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compare(changeKey(a), changeKey(b)));
  const supersededChanges = pending.filter((c) => {
    const key = changeKey(c);
    return superseded.has(key) || latestPending.get(key) !== c;
  });
  return { changes, superseded: supersededChanges };
}

/**
 * The new changes to queue for one location: `add` (live in the feed, not on the register, not
 * already pending), `modify` (differs from the register and from the pending after-state), `end`
 * (on the register but vanished from the feed, cancelled or past its end date; not already pending
 * as end). See {@link planPromotionChanges} for the pending changes these supersede.
 * @example diffPromotions([], [], [promo], '2026-12-01') // [{ kind: 'add', … }]
 */
export function diffPromotions(
  registerState: readonly Promotion[],
  pending: readonly PromotionChange[],
  feed: readonly Promotion[],
  today: string,
): PromotionChange[] {
  return planPromotionChanges(registerState, pending, feed, today).changes;
}

/**
 * The register state after accepting `changes` (in order): adds and modifies put their after-state,
 * ends remove. Sorted by manufacturer and id.
 */
export function applyChanges(registerState: readonly Promotion[], changes: readonly PromotionChange[]): Promotion[] {
  const state = new Map<string, Promotion>();
  for (const p of registerState) state.set(promotionKey(p), p);
  for (const c of changes) {
    if (c.after) state.set(promotionKey(c.after), c.after);
    else state.delete(changeKey(c));
  }
  return [...state.entries()].sort(([a], [b]) => compare(a, b)).map(([, p]) => p);
}

/** Code-unit order, the same in every locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
