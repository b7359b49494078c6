/**
 * Rewards cost points; offers are free but rule-bound. Each incentive carries one PLU config per
 * POS vendor, because every vendor's price book numbers the same product differently.
 */
export type IncentiveKind = 'REWARD' | 'OFFER';

export const PLU_TYPES = ['constantPlu', 'discountPlu', 'quantityBasedPlu', 'sizeBasedPlu', 'parentChildPlu', 'multiConstantPlus', 'ignore'] as const;
export type PluType = (typeof PLU_TYPES)[number];

/** What any vendor config may carry besides its PLUs. */
export interface PluConfigCommon {
  /**
   * The price, in minor units, at which this vendor's POS rings the incentive's product before
   * applying its own 100% discount (some POSes have no reward PLUs). Unset means 0.
   */
  priceCents?: number;
}

export type PluConfig = PluConfigCommon &
  (
    | { pluType: 'constantPlu'; constantPlu: string }
    | { pluType: 'discountPlu'; discountPlu: string }
    | { pluType: 'quantityBasedPlu'; quantityBasedPlu: { quantity: number; plu: string }[] }
    /** The first size is the one the incentive is for; later sizes are upsizes redeemed in its place. */
    | { pluType: 'sizeBasedPlu'; sizeBasedPlu: { size: string; plu: string }[] }
    | { pluType: 'parentChildPlu'; parentChildPlu: { plu: string; childPlu?: string } }
    | { pluType: 'multiConstantPlus'; multiConstantPlus: { plu: string; quantity: number }[] }
    | { pluType: 'ignore' }
  );

export interface RuleRef {
  ruleId: string;
  args: Record<string, unknown>;
}

export interface Incentive {
  id: string;
  kind: IncentiveKind;
  name: string;
  /** Points a reward costs; 0 for offers. */
  pointCost: number;
  rules: RuleRef[];
  vendorConfigs: Record<string, PluConfig>;
}

/** The PLU a POS should ring for this incentive, or null for `ignore`. */
export function primaryPlu(config: PluConfig): string | null {
  switch (config.pluType) {
    case 'constantPlu':
      return config.constantPlu;
    case 'discountPlu':
      return config.discountPlu;
    case 'quantityBasedPlu':
      return config.quantityBasedPlu[0]?.plu ?? null;
    case 'sizeBasedPlu':
      return config.sizeBasedPlu[0]?.plu ?? null;
    case 'parentChildPlu':
      return config.parentChildPlu.plu;
    case 'multiConstantPlus':
      return config.multiConstantPlus[0]?.plu ?? null;
    case 'ignore':
      return null;
  }
}

/** Every PLU by which a cart line may name this incentive. */
export function allPlus(config: PluConfig): string[] {
  switch (config.pluType) {
    case 'constantPlu':
      return [config.constantPlu];
    case 'discountPlu':
      return [config.discountPlu];
    case 'quantityBasedPlu':
      return config.quantityBasedPlu.map((q) => q.plu);
    case 'sizeBasedPlu':
      return config.sizeBasedPlu.map((s) => s.plu);
    case 'parentChildPlu':
      return [config.parentChildPlu.plu, ...(config.parentChildPlu.childPlu ? [config.parentChildPlu.childPlu] : [])];
    case 'multiConstantPlus':
      return config.multiConstantPlus.map((m) => m.plu);
    case 'ignore':
      return [];
  }
}
