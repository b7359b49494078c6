import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { PilotBlocker } from '../../cstore/api';
import { renderUi } from '../../test/render';
import { Blockers } from './RollOut';

const BLOCKERS: PilotBlocker[] = [
  {
    locationId: 'loc-1',
    name: 'QuickStop #101',
    code: 'pilot_changes_pending',
    reason: 'QuickStop #101 has 3 promotion change(s) waiting for review; accept or reject them first',
  },
  {
    locationId: 'loc-2',
    name: 'QuickStop #102',
    code: 'pilot_batch_not_applied',
    reason: 'the POS agent at QuickStop #102 has not reported 1 update batch(es) as applied yet',
  },
  {
    locationId: 'loc-3',
    name: 'QuickStop #103',
    code: 'pilot_not_synced',
    reason: 'QuickStop #103 has not synced successfully yet; sync it and review its promotions',
  },
];

describe('Blockers', () => {
  it("shows each pilot location's blocker in the server's words with a link to where it gets done", () => {
    renderUi(<Blockers blockers={BLOCKERS} />);
    for (const b of BLOCKERS) expect(screen.getByText(b.reason)).toBeTruthy();
    const href = (name: string) => screen.getByRole('link', { name }).getAttribute('href');
    expect(href('Review the pending changes at QuickStop #101')).toBe('/register-updates/loc-1');
    expect(href('Check the store’s POS agent; see the batches at QuickStop #102')).toBe('/register-updates/loc-2?tab=history');
    expect(href('Open the location and Sync now at QuickStop #103')).toBe('/locations/loc-3');
  });
});
