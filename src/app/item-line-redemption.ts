import type { Cart, CartLine } from '../domain/cart.ts';
import { allPlus, type Incentive } from '../domain/incentive.ts';
import { incentiveIndex } from '../domain/incentive-index.ts';
import { invalidField } from '../errors.ts';

/**
 * Some POSes ring a redeemed product as an ordinary item line and tell us separately which lines
 * carry a loyalty discount (a "pin"). A dialect that works this way hands the pins over in the
 * SaleCommand; this module turns them into canonical loyalty lines. It knows no vendor.
 */
export interface DiscountPin {
  /** The order line the POS says is discounted; null when it did not say. */
  lineRef: string | null;
  /** The incentive the POS stamped on the pin; null while it has not stamped one yet. */
  incentiveId: string | null;
  /** Where the request named the incentive, for error messages (the dialect's field path). */
  field: string;
}

export interface ItemLineRedemption {
  pins: DiscountPin[];
  /**
   * While nothing is stamped yet, a line carrying an upsize PLU (a `sizeBasedPlu` entry after the
   * first) redeems its incentive even when the guest did not pre-select it (NCR's PENDING).
   */
  upsizes?: boolean;
  /** Incentives offered that way which the guest cannot have: not offered again. */
  refused?: ReadonlySet<string>;
}

/** The incentive whose upsize PLU (for this vendor) the line carries, if any: looked up, not scanned. */
function upsizeOf(line: CartLine, incentives: ReadonlyMap<string, Incentive>, vendor: string): string | undefined {
  return incentiveIndex(incentives).upsize(vendor, line.productId)?.id;
}

export interface IncentiveLine {
  incentive: Incentive;
  lineRef: string;
  plu: string | null;
}

export interface ItemLineInput {
  /** The cart after reward/offer lines were resolved. */
  cart: Cart;
  incentiveLines: IncentiveLine[];
  incentives: ReadonlyMap<string, Incentive>;
  vendor: string;
  /** Incentives pre-selected on the transaction (may repeat). */
  selections: string[];
  /** Incentives the POS stamped (only these stay applied), or null. */
  applied: string[] | null;
  /** Incentives a reward/offer line of this cart names, applied or not. */
  named: ReadonlySet<string>;
  redemption: ItemLineRedemption;
}

/**
 * An item (or combo) line carrying this vendor's PLU for a pre-selected or stamped incentive — or
 * pinned to one — redeems one unit of it. The item stays goods at its price, and a loyalty line
 * worth one unit of it is added next to it: the product counts towards spend thresholds, and its
 * value is taken off the spend that earns points, exactly as an item plus a reward line would be.
 *
 * A pin that names an incentive the guest does not hold on this transaction (neither pre-selected
 * nor on a loyalty line) is a 400 naming the pin's field.
 */
export function redeemItemLines(input: ItemLineInput): { cart: Cart; incentiveLines: IncentiveLine[]; offered: string[] } {
  const { cart, incentives, vendor, redemption } = input;
  const goods = cart.lines.filter((l) => (l.kind === 'item' || l.kind === 'combo') && l.incentiveId === null && l.quantity > 0);
  const upsized = redemption.upsizes ? goods.flatMap((l) => upsizeOf(l, incentives, vendor) ?? []) : [];
  const held = new Set([...input.selections, ...input.named, ...upsized]);
  for (const pin of redemption.pins) {
    if (pin.incentiveId === null) continue;
    if (!incentives.has(pin.incentiveId)) throw invalidField(pin.field, `names "${pin.incentiveId}", which is no active reward or offer of this program`);
    if (!held.has(pin.incentiveId)) {
      throw invalidField(pin.field, `names "${pin.incentiveId}", which the guest did not select for this transaction`);
    }
  }

  // What may still be redeemed on item lines: the stamped incentives (else the pre-selected
  // ones), less those a loyalty line already redeems.
  const pool = [...(input.applied ?? input.selections)].filter((id) => incentives.has(id));
  for (const l of input.incentiveLines) {
    const i = pool.indexOf(l.incentive.id);
    if (i >= 0) pool.splice(i, 1);
  }
  const offered: string[] = [];
  if (input.applied === null) {
    for (const id of upsized) {
      if (pool.includes(id) || input.named.has(id) || redemption.refused?.has(id)) continue;
      pool.push(id);
      offered.push(id);
    }
  }
  if (pool.length === 0) return { cart, incentiveLines: input.incentiveLines, offered: [] };

  const pinnedTo = new Map<string, string | null>();
  for (const pin of redemption.pins) if (pin.lineRef !== null) pinnedTo.set(pin.lineRef, pin.incentiveId);
  const candidates = [...goods];
  // Lines the POS pinned a discount to first, then top-level lines, then combo children; the
  // sort is stable, so cart order decides within each group.
  const rank = (l: CartLine) => (pinnedTo.has(l.ref) ? 0 : l.parentRef === null ? 1 : 2);
  candidates.sort((a, b) => rank(a) - rank(b));

  const added = new Map<CartLine, CartLine>();
  const incentiveLines = [...input.incentiveLines];
  for (const line of candidates) {
    if (pool.length === 0) break;
    const pinned = pinnedTo.get(line.ref) ?? null;
    const id =
      pinned !== null && pool.includes(pinned)
        ? pinned
        : pool.find((c) => {
            const config = incentives.get(c)!.vendorConfigs[vendor];
            return config !== undefined && allPlus(config).includes(line.productId);
          });
    if (id === undefined) continue;
    pool.splice(pool.indexOf(id), 1);
    const incentive = incentives.get(id)!;
    added.set(line, {
      ref: line.ref,
      parentRef: null,
      productId: line.productId,
      name: incentive.name,
      kind: incentive.kind === 'REWARD' ? 'reward' : 'offer',
      quantity: 1,
      unitPriceCents: line.unitPriceCents,
      amountCents: line.unitPriceCents,
      taxCents: 0,
      incentiveId: id,
    });
    incentiveLines.push({ incentive, lineRef: line.ref, plu: line.productId });
  }
  const redeemed = new Set([...added.values()].map((l) => l.incentiveId));
  const stillOffered = offered.filter((id) => redeemed.has(id));
  if (added.size === 0) return { cart, incentiveLines, offered: [] };
  const lines = cart.lines.flatMap((l) => {
    const loyalty = added.get(l);
    return loyalty ? [l, loyalty] : [l];
  });
  return { cart: { ...cart, lines }, incentiveLines, offered: stillOffered };
}
