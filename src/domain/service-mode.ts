/** Canonical service modes; POS vendors spell them several ways ("Eatin", "EAT_IN", "DriveThru"). */
export const SERVICE_MODES = ['EAT_IN', 'TAKEOUT', 'DRIVE_THRU', 'CURBSIDE', 'TABLE_SERVICE', 'DELIVERY'] as const;
export type ServiceMode = (typeof SERVICE_MODES)[number];

const ALIASES: Record<string, ServiceMode> = {
  EATIN: 'EAT_IN',
  DINEIN: 'EAT_IN',
  TAKEOUT: 'TAKEOUT',
  TAKEAWAY: 'TAKEOUT',
  TOGO: 'TAKEOUT',
  DRIVETHRU: 'DRIVE_THRU',
  DRIVETHROUGH: 'DRIVE_THRU',
  CURBSIDE: 'CURBSIDE',
  TABLESERVICE: 'TABLE_SERVICE',
  DELIVERY: 'DELIVERY',
};

/** "Eatin", "eat-in", "EAT_IN" → "EAT_IN"; null when the mode is unknown. */
export function normalizeServiceMode(text: string): ServiceMode | null {
  return ALIASES[text.toUpperCase().replace(/[^A-Z]/g, '')] ?? null;
}
