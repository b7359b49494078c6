import type { Location } from '../../src/app/cstore/model.ts';

/**
 * A c-store location as `insertLocation` stores it: off, no outlets, no agent token, created on
 * 2026-11-01; the test (or bench) says what matters to it in `over`.
 */
export function locationRow(over: Partial<Location> & Pick<Location, 'id' | 'programId'>): Location {
  const at = over.createdAt ?? '2026-11-01T00:00:00.000Z';
  return {
    storeId: null,
    name: `Store ${over.id}`,
    address: '1 Main St',
    timeZone: 'America/New_York',
    posSystem: 'passport',
    outletIds: {},
    autoAccept: false,
    integrationStatus: 'off',
    syncTime: null,
    outboxDir: null,
    enrollmentError: null,
    agentTokenPrefix: null,
    registerStoreId: null,
    registerIds: 'manufacturer',
    registerIdStart: 1,
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}
