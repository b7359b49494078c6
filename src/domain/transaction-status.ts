/** Where a POS sale stands: OPEN and PENDING are open; CLAIMED moved points; VOIDED and UNCLAIMED are final. */
export const TRANSACTION_STATUSES = ['OPEN', 'PENDING', 'CLAIMED', 'VOIDED', 'UNCLAIMED'] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

/** The statuses of a sale the POS may still update. */
export const OPEN_STATUSES = ['OPEN', 'PENDING'] as const satisfies readonly TransactionStatus[];
