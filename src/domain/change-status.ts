/** A promotion change in the review queue. */
export const CHANGE_STATUSES = ['pending', 'accepted', 'rejected', 'superseded'] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];
