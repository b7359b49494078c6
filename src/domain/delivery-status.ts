/** One webhook delivery: pending → delivering (leased) → delivered, or dead after its last attempt. */
export const DELIVERY_STATUSES = ['pending', 'delivering', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
