/** An update batch for a register: ready → delivered → acknowledged, or failed. */
export const BATCH_STATES = ['ready', 'delivered', 'acknowledged', 'failed'] as const;
export type BatchState = (typeof BATCH_STATES)[number];
