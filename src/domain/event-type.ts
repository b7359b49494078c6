/** The events a program announces through the outbox and its webhooks (described in app/events/event-types.ts). */
export type EventType = 'transaction.claimed' | 'transaction.voided' | 'points.adjusted' | 'points.expired' | 'receipt.claimed';
