import { Badge, Tooltip } from '@mantine/core';
import { when } from '../shell/states';
import type { Batch, License, Location, SyncRun } from './api';

// Colours for the states the server reports; the states themselves come from the API.
const STATUS = { off: 'gray', pilot: 'yellow', live: 'green' } as const;
export const IntegrationBadge = ({ status }: { status: Location['integrationStatus'] }) => (
  <Badge color={STATUS[status]} variant="light">
    {status}
  </Badge>
);

const LICENSE = { unassigned: 'gray', scheduled: 'blue', active: 'green', expired: 'red' } as const;
export function LicenseBadge({ license }: { license: License | null }) {
  if (!license) return <Badge color="gray" variant="outline">no license</Badge>;
  return (
    <Tooltip label={license.expiresAt ? `expires ${when(license.expiresAt)}` : 'not assigned yet'}>
      <Badge color={LICENSE[license.state]} variant="light">
        {license.state}
      </Badge>
    </Tooltip>
  );
}

const BATCH = { ready: 'blue', delivered: 'yellow', acknowledged: 'green', failed: 'red' } as const;
export const BatchBadge = ({ state }: { state: Batch['state'] }) => (
  <Badge color={BATCH[state]} variant="light">
    {state}
  </Badge>
);

const RUN = { succeeded: 'green', failed: 'red', skipped: 'gray' } as const;
export const RunBadge = ({ status }: { status: SyncRun['status'] }) => (
  <Badge color={RUN[status]} variant="light">
    {status}
  </Badge>
);

const KIND = { add: 'green', modify: 'blue', end: 'red' } as const;
export const KindBadge = ({ kind }: { kind: 'add' | 'modify' | 'end' }) => (
  <Badge color={KIND[kind]} variant="filled" size="sm">
    {kind}
  </Badge>
);
