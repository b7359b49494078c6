/** The c-store register system a location runs. */
export const POS_SYSTEMS = ['passport', 'commander', 'radiant', 'other'] as const;
export type PosSystem = (typeof POS_SYSTEMS)[number];
