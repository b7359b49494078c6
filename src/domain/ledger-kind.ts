/** The kinds of points-ledger entry: credits (EARN, VOID_REDEEM, positive ADJUST) and debits. */
export const LEDGER_KINDS = ['EARN', 'REDEEM', 'VOID_EARN', 'VOID_REDEEM', 'ADJUST', 'EXPIRE'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];
