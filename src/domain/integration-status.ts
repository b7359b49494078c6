/** How far a location's manufacturer integration is rolled out. */
export const INTEGRATION_STATUSES = ['off', 'pilot', 'live'] as const;
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number];
