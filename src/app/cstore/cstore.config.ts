import type { SecretBox } from '../../lib/secret-box.ts';

/** Deployment settings of the c-store integration (the composition root builds them from the validated config). */
export interface CstoreConfig {
  secrets: SecretBox;
  /** true when no TILLPOINT_SECRET_KEY was given and a development key is in use */
  secretKeyIsDevDefault: boolean;
  /** the RJR Discount API base URL (an enrollment may override it, e.g. to point at the simulator) */
  rjrBaseUrl: string;
  /** store-local HH:MM of the daily sync when a location sets none */
  defaultSyncTime: string;
  /** locations synced at the same time by one process */
  syncConcurrency: number;
  /** where generated scan-data files go (one shared volume for several processes) */
  scanDataDir: string;
  /** hold a week with fewer transactions than this % of the trailing 4-week median (0: off) */
  scanDataHoldPercent: number;
}

export const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
