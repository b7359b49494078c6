import { countCstoreSales } from '../adapters/db/repositories/cstore-sales.repository.ts';
import { acceptedChangesUntil } from '../adapters/db/repositories/promotion-changes.repository.ts';
import { Cstore } from '../app/cstore/cstore.ts';
import { SYSTEM_ACTOR } from '../app/cstore/deps.ts';
import type { Actor, Change } from '../app/cstore/model.ts';
import { addDays } from '../domain/calendar.ts';
import type { Promotion } from '../domain/promotions/promotion.ts';
import { upcA } from '../domain/promotions/upc.ts';
import type { PosSaleInput, PosSaleLineInput } from '../domain/scandata/pos-sale.ts';
import type { AgeVerification, Tender, TobaccoCategory } from '../domain/scandata/sale-line.ts';
import { type ScanWeek, weekContaining } from '../domain/scandata/week.ts';
import { localTimeAt } from '../domain/time.ts';
import { CSTORE_DEMO_LOCATIONS } from './cstore-seed.ts';

/**
 * A week of simulated c-store sales at the licensed demo locations (#102 Route 9, #103 Harbor Rd),
 * priced later with promotions really accepted there, through the real use cases on a clock set
 * into the past (docs/cstore.md, "9. The weekly scan data"):
 *
 * 1. The Saturday before the week, 10:00 New York: each location goes `pilot`, syncs against the
 *    RJR simulator as of that day, and the system accepts every change but one promotion that is
 *    held back (one more `add`); the POS agent downloads and acknowledges the batch.
 * 2. Wednesday of the week: a second sync (the simulator's feed of that day: modifies, ends, new
 *    promotions) and, at 14:00 store time, Accept of everything pending — the held promotion too.
 *    Its sales before 14:00 carry no discount from it; later ones do.
 * 3. The POS agents post the week's transactions (`SalesIntakeService`): a few hundred baskets of
 *    packs, cartons, cans and rolls, buydown and multipack UPCs of the accepted promotions and
 *    Altria products, voids, a refund, loyalty ids, three registers.
 * 4. Both locations go back to `off`, so the walkthrough still starts from `off` everywhere.
 *
 * The week is the last complete Monday–Sunday (RJR) week before `now`; the sales start on the
 * Sunday before it, so Altria's Sunday–Saturday week is covered too. Deterministic for a given
 * `now`: the randomness is seeded with the week. Seeding again is a no-op; it is skipped (with
 * the reason) when the week has sales already, a location is not `off`, or a location accepted
 * changes after the week began (the history must stay in time order).
 */

/** The locations the demo week is seeded at: those the demo licensed. */
export const DEMO_WEEK_LOCATIONS = [CSTORE_DEMO_LOCATIONS[1]!.id, CSTORE_DEMO_LOCATIONS[2]!.id];

export interface DemoWeek {
  /** the RJR week (Monday–Sunday) */
  rjr: ScanWeek;
  /** the Altria week (Sunday–Saturday) overlapping it */
  altria: ScanWeek;
  /** when the week's first acceptance happened (the Saturday before) */
  firstAcceptedAt: string;
  /** per location: when the mid-week acceptance happened, and the promotion held back until then */
  midWeek: { locationId: string; acceptedAt: string; heldPromotionId: string | null }[];
}

export interface DemoWeekResult {
  seeded: boolean;
  /** why nothing was seeded */
  reason?: string;
  week: DemoWeek;
  transactions: number;
}

/** The simulator whose feed is the given day's (the demo's own, moved to that day). */
export type SimulatorAt = (at: Date) => Promise<{ url: string; close(): Promise<void> }>;

/** The weeks and moments the demo week uses, for `now`. */
export function demoWeekOf(now: Date): DemoWeek {
  let rjr = weekContaining(addDays(now.toISOString().slice(0, 10), -7), 'monday');
  // Complete everywhere: Sunday 23:59 in Hawaii is Monday 10:00 UTC.
  while (Date.parse(`${addDays(rjr.end, 1)}T12:00:00Z`) > now.getTime()) rjr = { start: addDays(rjr.start, -7), end: addDays(rjr.end, -7) };
  const altria = weekContaining(addDays(rjr.start, -1), 'sunday');
  return {
    rjr,
    altria,
    firstAcceptedAt: instantAtLocal(addDays(altria.start, -1), '10:00', 'America/New_York').toISOString(),
    midWeek: DEMO_WEEK_LOCATIONS.map((id) => ({
      locationId: id,
      acceptedAt: instantAtLocal(addDays(rjr.start, 2), '14:00', zoneOf(id)).toISOString(),
      heldPromotionId: null,
    })),
  };
}

const zoneOf = (locationId: string): string => CSTORE_DEMO_LOCATIONS.find((l) => l.id === locationId)!.timeZone;

/** The instant a store's wall clock shows `date` `hh:mm` (to the minute, DST included). */
function instantAtLocal(date: string, hhmm: string, timeZone: string): Date {
  const wanted = Date.parse(`${date}T${hhmm}:00Z`);
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const local = localTimeAt(new Date(guess), timeZone);
    const shown = Date.parse(`${local.date}T${local.time}:00Z`);
    if (shown === wanted) break;
    guess += wanted - shown;
  }
  return new Date(guess);
}

/**
 * Seeds the demo week (see above) through `cstore`'s use cases, on a clock of its own. Call it
 * after {@link seedCstoreDemo}; `simulatorAt` gives the RJR feed of a past day.
 */
export async function seedDemoSalesWeek(cstore: Cstore, opts: { now: Date; simulatorAt: SimulatorAt }): Promise<DemoWeekResult> {
  const week = demoWeekOf(opts.now);
  const db = cstore.deps.db.kysely;
  const range = { locationIds: DEMO_WEEK_LOCATIONS, from: week.altria.start, to: week.rjr.end };
  const skip = (reason: string, transactions = 0): DemoWeekResult => ({ seeded: false, reason, week, transactions });
  const existing = await countCstoreSales(db, range);
  if (existing > 0) return skip('the week has sales already', existing);
  for (const id of DEMO_WEEK_LOCATIONS) {
    const loc = await cstore.locations.get(id).catch(() => null);
    if (!loc) return skip(`no demo location ${id}`);
    if (loc.integrationStatus !== 'off') return skip(`${loc.name} is ${loc.integrationStatus}, not off`);
  }
  const later = (await acceptedChangesUntil(db, DEMO_WEEK_LOCATIONS, '9999-12-31T00:00:00.000Z')).filter((r) => r.decided_at >= week.firstAcceptedAt);
  if (later.length) return skip('changes were accepted at the demo locations after the week began');

  let clock = new Date(week.firstAcceptedAt);
  const past = new Cstore({ ...cstore.deps, clock: () => new Date(clock.getTime()) });
  const syncAt = async (at: string, onlyHolding: (id: string, changes: Change[]) => string[] | 'all') => {
    clock = new Date(at);
    const sim = await opts.simulatorAt(clock);
    const run = new Cstore({ ...past.deps, connectorFor: () => cstore.deps.connectorFor(sim.url) });
    try {
      for (const id of DEMO_WEEK_LOCATIONS) {
        const result = await run.syncLocation(id, { trigger: 'schedule' });
        if (result.status !== 'succeeded') throw new Error(`demo week: sync of ${id} ${result.status}: ${result.error ?? ''}`);
      }
    } finally {
      await sim.close();
    }
    return Object.fromEntries(
      await Promise.all(DEMO_WEEK_LOCATIONS.map(async (id) => [id, onlyHolding(id, await past.review.listChanges(id, { status: 'pending', limit: 5000 }))])),
    ) as Record<string, string[] | 'all'>;
  };
  const acceptAndApply = async (id: string, which: string[] | 'all', at: string) => {
    clock = new Date(at);
    if (which !== 'all' && which.length === 0) return;
    const { batch } = await past.accept(id, which === 'all' ? { all: true } : { changeIds: which }, SYSTEM_ACTOR);
    clock = new Date(Date.parse(at) + 5 * 60_000);
    const agent: Actor = { type: 'system', id: `agent:${id}`, name: 'POS agent (demo week)' };
    await past.delivery.agentDownload(id, batch.id);
    await past.delivery.acknowledge(id, batch.id, { status: 'success' }, agent);
  };

  // 1. The Saturday before: pilot, sync, accept all but one add (held for review until Wednesday).
  for (const id of DEMO_WEEK_LOCATIONS) await past.locations.setStatus(id, 'pilot', SYSTEM_ACTOR);
  const held = new Map<string, Promotion>();
  const first = await syncAt(week.firstAcceptedAt, (id, changes) => {
    const adds = changes.filter(
      (c) => c.kind === 'add' && c.after && c.after.status === 'active' && c.after.startDate <= week.altria.start && c.after.endDate >= week.rjr.end,
    );
    const hold = adds.find((c) => c.after!.type === 'buydown' && /per pack/i.test(c.after!.description)) ?? adds[0];
    if (hold) held.set(id, hold.after!);
    return changes.filter((c) => c !== hold).map((c) => c.id);
  });
  for (const id of DEMO_WEEK_LOCATIONS) await acceptAndApply(id, first[id]!, week.firstAcceptedAt);

  // 2. Wednesday: the day's sync, then Accept of everything pending at 14:00 store time.
  const wednesday = addDays(week.rjr.start, 2);
  await syncAt(instantAtLocal(wednesday, '06:00', 'America/New_York').toISOString(), () => 'all');
  for (const m of week.midWeek) {
    m.heldPromotionId = held.get(m.locationId)?.externalId ?? null;
    await acceptAndApply(m.locationId, 'all', m.acceptedAt);
  }

  // 3. The week's sales, as the POS agents post them.
  let transactions = 0;
  for (const id of DEMO_WEEK_LOCATIONS) {
    const loc = await past.locations.get(id);
    const promotions = promotionsSeen(await past.review.listChanges(id, { limit: 5000 }));
    for (const sale of demoBaskets(id, zoneOf(id), week, promotions, held.get(id) ?? null)) {
      clock = new Date(Date.parse(sale.soldAt) + 4_000);
      await past.sales.record(loc, sale);
      transactions++;
    }
  }

  // 4. Back to off: the walkthrough's pilot is #101.
  clock = new Date(opts.now.getTime());
  for (const id of DEMO_WEEK_LOCATIONS) await past.locations.setStatus(id, 'off', SYSTEM_ACTOR);
  return { seeded: true, week, transactions };
}

/** Every promotion the location's changes mention (accepted or not): the UPCs its shelves carry. */
function promotionsSeen(changes: readonly Change[]): Promotion[] {
  const byId = new Map<string, Promotion>();
  for (const c of changes) for (const p of [c.before, c.after]) if (p && !byId.has(p.externalId)) byId.set(p.externalId, p);
  return [...byId.values()].sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------
// Baskets

/** mulberry32 over a hash of the text: the same week gives the same baskets. */
function seeded(text: string): () => number {
  let a = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) a = Math.imul(a ^ text.charCodeAt(i), 0x01000193);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Item {
  upc: string;
  description: string;
  unitOfMeasure: string;
  unitPriceCents: number;
  category: TobaccoCategory | null;
  manufacturerName: string | null;
  consumerUnits: number;
  /** units a multipack promotion on it wants together (1 otherwise) */
  set: number;
}

/** Products no RJR promotion lists: Altria's (for the Altria file), cartons, and the coffee. */
const SHELF: Item[] = [
  {
    upc: upcA('02820000384'),
    description: 'MARLBORO RED BOX',
    unitOfMeasure: 'PACK',
    unitPriceCents: 949,
    category: 'cigarettes',
    manufacturerName: 'Philip Morris USA',
    consumerUnits: 1,
    set: 1,
  },
  {
    upc: upcA('02820000398'),
    description: 'MARLBORO GOLD BOX',
    unitOfMeasure: 'PACK',
    unitPriceCents: 949,
    category: 'cigarettes',
    manufacturerName: 'Philip Morris USA',
    consumerUnits: 1,
    set: 1,
  },
  {
    upc: upcA('02820000385'),
    description: 'MARLBORO RED BOX CARTON',
    unitOfMeasure: 'CARTON',
    unitPriceCents: 8999,
    category: 'cigarettes',
    manufacturerName: 'Philip Morris USA',
    consumerUnits: 10,
    set: 1,
  },
  {
    upc: upcA('07300002103'),
    description: 'COPENHAGEN LC WINTERGREEN',
    unitOfMeasure: 'CAN',
    unitPriceCents: 729,
    category: 'smokeless',
    manufacturerName: 'U.S. Smokeless Tobacco',
    consumerUnits: 1,
    set: 1,
  },
  {
    upc: upcA('08577100401'),
    description: 'ON! MINT 8MG',
    unitOfMeasure: 'CAN',
    unitPriceCents: 549,
    category: 'nicotine-pouch',
    manufacturerName: 'Helix Innovations',
    consumerUnits: 1,
    set: 1,
  },
];
const OTHER: Item[] = [
  {
    upc: upcA('07890000001'),
    description: 'SPRING WATER 1L',
    unitOfMeasure: 'EACH',
    unitPriceCents: 199,
    category: null,
    manufacturerName: null,
    consumerUnits: 1,
    set: 1,
  },
  {
    upc: upcA('04900000101'),
    description: 'COFFEE 16OZ',
    unitOfMeasure: 'EACH',
    unitPriceCents: 229,
    category: null,
    manufacturerName: null,
    consumerUnits: 1,
    set: 1,
  },
  {
    upc: upcA('02840000532'),
    description: 'CHIPS SALTED 2.6OZ',
    unitOfMeasure: 'EACH',
    unitPriceCents: 249,
    category: null,
    manufacturerName: null,
    consumerUnits: 1,
    set: 1,
  },
];

const CATEGORY: Record<string, TobaccoCategory> = {
  Grizzly: 'smokeless',
  Kodiak: 'smokeless',
  'Camel Snus': 'nicotine-pouch',
  Velo: 'nicotine-pouch',
  Vuse: 'vapor',
};

/** The sellable items of an RJR promotion: its UPCs, with a unit and a shelf price. */
function itemsOf(p: Promotion): Item[] {
  const category = CATEGORY[p.brand ?? ''] ?? 'cigarettes';
  const per = /per (\w+)/i.exec(p.description)?.[1]?.toLowerCase() ?? (category === 'cigarettes' || category === 'vapor' ? 'pack' : 'can');
  const unit = { pack: 'PACK', carton: 'CARTON', can: 'CAN', tin: 'TIN', roll: 'ROLL', device: 'EACH' }[per] ?? 'PACK';
  const base = { cigarettes: 899, smokeless: 629, 'nicotine-pouch': 599, vapor: 1999 }[category as string] ?? 899;
  const factor = { CARTON: 10, ROLL: 5, EACH: 3 }[unit] ?? 1;
  const price = unit === 'CARTON' ? base * 10 - 500 : base * factor;
  return p.upcs.map((upc) => ({
    upc,
    description: `${(p.brand ?? 'RJR').toUpperCase()} ${unit} ${upc.slice(6, 11)}`,
    unitOfMeasure: unit,
    unitPriceCents: price,
    category,
    manufacturerName: 'R.J. Reynolds Tobacco',
    consumerUnits: factor,
    set: p.type === 'multipack' ? p.quantity : 1,
  }));
}

const TENDER: [Tender, number][] = [
  ['cash', 0.45],
  ['credit', 0.35],
  ['debit', 0.15],
  ['mobile', 0.05],
];
const AGE: [AgeVerification, number][] = [
  ['scanned-id', 0.8],
  ['manual-entry', 0.1],
  ['visual', 0.1],
];

function weighted<T>(r: () => number, choices: readonly [T, number][]): T {
  let x = r();
  for (const [v, w] of choices) if ((x -= w) < 0) return v;
  return choices[choices.length - 1]![0];
}

/** The POS transactions of one location over the Altria Sunday through the RJR Sunday. */
export function demoBaskets(locationId: string, timeZone: string, week: DemoWeek, promotions: readonly Promotion[], held: Promotion | null): PosSaleInput[] {
  const r = seeded(`${locationId}|${week.rjr.start}`);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const promoted = promotions.filter((p) => p.status === 'active').flatMap(itemsOf);
  const heldItems = held ? itemsOf(held) : [];
  const members = Array.from({ length: 12 }, (_, i) => `QS${String(100_200 + i * 37).padStart(8, '0')}`);
  const out: PosSaleInput[] = [];
  for (let day = 0; day < 8; day++) {
    const date = addDays(week.altria.start, day);
    const count = 16 + Math.floor(r() * 9);
    const minutes = Array.from({ length: count }, () => 6 * 60 + Math.floor(r() * 16 * 60)).sort((a, b) => a - b);
    minutes.forEach((m, n) => {
      const hhmm = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      const soldAt = new Date(instantAtLocal(date, hhmm, timeZone).getTime() + Math.floor(r() * 60) * 1000).toISOString();
      const lines: PosSaleLineInput[] = [];
      const add = (item: Item, quantity: number, kind: PosSaleLineInput['kind'] = 'sale') =>
        lines.push({
          productId: item.upc,
          description: item.description,
          unitOfMeasure: item.unitOfMeasure,
          quantity,
          unitPriceCents: item.unitPriceCents,
          kind,
          category: item.category,
          manufacturerName: item.manufacturerName,
          consumerUnits: item.consumerUnits,
        });
      // The held promotion's UPCs sell a few times a day, before and after Wednesday's acceptance.
      if (heldItems.length && n % 6 === 2) add(pick(heldItems), 1);
      const tobacco = 1 + Math.floor(r() * 2.4);
      for (let i = 0; i < tobacco; i++) {
        const item = promoted.length && r() < 0.7 ? pick(promoted) : pick(SHELF);
        add(item, item.set > 1 && r() < 0.6 ? item.set : 1 + (item.unitOfMeasure === 'PACK' && r() < 0.25 ? 1 : 0));
      }
      if (r() < 0.35) add(pick(OTHER), 1);
      // A cashier's void of one unit of a line rung up, now and then.
      if (r() < 0.06) {
        const voided = lines[Math.floor(r() * lines.length)]!;
        lines.push({ ...voided, quantity: 1, kind: 'void' });
      }
      out.push({
        registerId: String(1 + Math.floor(r() * 3)),
        transactionId: `${date.replaceAll('-', '')}-${String(n + 1).padStart(4, '0')}`,
        soldAt,
        tender: weighted(r, TENDER),
        loyaltyId: r() < 0.3 ? pick(members) : null,
        ageVerification: weighted(r, AGE),
        lines,
      });
    });
  }
  // One refund: Friday evening a customer brings back a pack bought earlier in the week.
  const friday = addDays(week.rjr.start, 4);
  const item = promoted.find((i) => i.unitOfMeasure === 'PACK' && i.set === 1) ?? SHELF[0]!;
  out.push({
    registerId: '1',
    transactionId: `${friday.replaceAll('-', '')}-R001`,
    soldAt: instantAtLocal(friday, '18:30', timeZone).toISOString(),
    tender: 'cash',
    loyaltyId: null,
    ageVerification: 'not-required',
    lines: [
      {
        productId: item.upc,
        description: item.description,
        unitOfMeasure: item.unitOfMeasure,
        quantity: 1,
        unitPriceCents: item.unitPriceCents,
        kind: 'refund',
        category: item.category,
        manufacturerName: item.manufacturerName,
        consumerUnits: item.consumerUnits,
      },
    ],
  });
  return out.sort((a, b) => (a.soldAt < b.soldAt ? -1 : a.soldAt > b.soldAt ? 1 : 0));
}
