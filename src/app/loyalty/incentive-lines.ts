import type { Cart } from '../../domain/cart.ts';
import { allPlus, type Incentive, primaryPlu } from '../../domain/incentive.ts';
import { incentiveIndex } from '../../domain/incentive-index.ts';
import { AppError } from '../../errors.ts';
import type { SaleResult } from '../commands.ts';
import { type ItemLineRedemption, redeemItemLines } from '../item-line-redemption.ts';

/** The PLU a vendor rings for an incentive; an incentive without a config for the vendor is an error. */
export function pluFor(incentive: Incentive, vendor: string): string | null {
  const config = incentive.vendorConfigs[vendor];
  if (!config) {
    throw new AppError('VendorConfigMissing', `Incentive "${incentive.name}" (${incentive.id}) has no PLU configuration for vendor "${vendor}"`, {
      incentiveId: incentive.id,
      vendor,
    });
  }
  return primaryPlu(config);
}

/**
 * Names the incentive behind each loyalty line: by the line's incentiveId, else by this vendor's
 * PLU (pre-selected incentives first), else by a PLU the incentive has for any other vendor of the
 * program when exactly one incentive has it (a POS ringing the PLU another integration of the same
 * store answered). A loyalty line that names nothing we know, or names it ambiguously, is a 404.
 * The incentive decides what the line is: a reward's PLU on a line sent as an offer redeems the
 * reward. With `itemLines` (dialects that pin discounts to item lines), item lines may redeem too.
 */
export function resolveIncentiveLines(
  cart: Cart,
  incentives: ReadonlyMap<string, Incentive>,
  vendor: string,
  selections: string[],
  applied: string[] | null,
  itemLines: ItemLineRedemption | null = null,
): { cart: Cart; incentiveLines: SaleResult['incentiveLines']; offered: string[] } {
  const incentiveLines: SaleResult['incentiveLines'] = [];
  const named = new Set<string>();
  // Looked up by PLU, not scanned: the cost follows the cart, not the size of the catalogue.
  const index = incentiveIndex(incentives);
  const hasPlu = (c: Incentive, plu: string) => {
    const config = c.vendorConfigs[vendor];
    return config !== undefined && allPlus(config).includes(plu);
  };
  const lines = cart.lines.map((line, i) => {
    let incentive: Incentive | undefined;
    if (line.incentiveId) {
      incentive = incentives.get(line.incentiveId);
      if (!incentive) {
        throw new AppError(line.kind === 'offer' ? 'OfferNotFoundError' : 'RewardNotFoundError', `No active incentive ${line.incentiveId}`, {
          field: `transactionDetails.order[${i}].incentiveId`,
        });
      }
    } else if (line.kind === 'reward' || line.kind === 'offer') {
      // Pre-selected incentives first, then the program's in order.
      for (const id of selections) {
        const selected = incentives.get(id);
        if (selected && hasPlu(selected, line.productId)) {
          incentive = selected;
          break;
        }
      }
      incentive ??= index.byVendorPlu(vendor, line.productId)[0];
      if (!incentive) {
        const anyVendor = index.byAnyPlu(line.productId);
        if (anyVendor.length === 1) incentive = anyVendor[0];
        else {
          const why = anyVendor.length > 1 ? `; ${anyVendor.length} incentives have it for other vendors (${anyVendor.map((c) => c.id).join(', ')})` : '';
          throw new AppError(
            line.kind === 'offer' ? 'OfferNotFoundError' : 'RewardNotFoundError',
            `No ${line.kind} with PLU "${line.productId}" for vendor ${vendor}${why}`,
            {
              field: `transactionDetails.order[${i}].productId`,
            },
          );
        }
      }
    }
    if (!incentive) return line;
    named.add(incentive.id);
    const kind = incentive.kind === 'REWARD' ? ('reward' as const) : ('offer' as const);
    if (applied && !applied.includes(incentive.id)) return { ...line, incentiveId: null };
    incentiveLines.push({ incentive, lineRef: line.ref, plu: line.productId });
    return { ...line, kind: line.kind === 'reward' || line.kind === 'offer' ? kind : line.kind, incentiveId: incentive.id };
  });
  const resolved = { cart: { ...cart, lines }, incentiveLines };
  if (!itemLines) return { ...resolved, offered: [] };
  return redeemItemLines({ ...resolved, incentives, vendor, selections, applied, named, redemption: itemLines });
}
