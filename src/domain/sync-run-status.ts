/** How one manufacturer feed sync for a location ended. */
export const SYNC_RUN_STATUSES = ['succeeded', 'failed', 'skipped'] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];
