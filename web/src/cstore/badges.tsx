import { Anchor, Badge, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import { when } from '../shell/states';
import type { Batch, License, Location, RejectedRecords, SyncRun } from './api';

// Colours for the states the server reports; the states themselves come from the API.
const STATUS = { off: 'gray', pilot: 'yellow', live: 'green' } as const;
export const IntegrationBadge = ({ status }: { status: Location['integrationStatus'] }) => (
  <Badge color={STATUS[status]} variant="light">
    {status}
  </Badge>
);

const LICENSE = { unassigned: 'gray', scheduled: 'blue', active: 'green', expired: 'red' } as const;
export function LicenseBadge({ license }: { license: License | null }) {
  if (!license)
    return (
      <Badge color="gray" variant="outline">
        no license
      </Badge>
    );
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

const REGISTER = { no_batches: 'gray', up_to_date: 'green', failed: 'red', waiting: 'yellow', unconfirmed: 'blue' } as const;
/** Where the register stands: the server's status (as a word) and its label; nothing recomputed here. */
export function RegisterBadge({ register }: { register: Location['register'] }) {
  return (
    <Tooltip label={localTimes(register.label)} multiline maw={320}>
      <Badge color={REGISTER[register.status]} variant="light">
        {register.status.replace(/_/g, ' ')}
      </Badge>
    </Tooltip>
  );
}

/** The register's status in the server's words, its ISO times shown in the reader's time zone. */
export const localTimes = (label: string) => label.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, (iso) => when(iso));

/** "batch #3, Dec 1, 2026, 3:02 PM" — the newest batch the POS agent acknowledged as applied. */
export const lastApplied = (register: Location['register']) =>
  register.lastAppliedSeq === null ? 'none yet' : `batch #${register.lastAppliedSeq}, ${when(register.lastAppliedAt)}`;

const EFFECT = { kept_on_register: 'blue', not_added: 'orange', unidentified: 'red' } as const;
export const EffectBadge = ({ effect }: { effect: RejectedRecords['records'][number]['effect'] }) => (
  <Badge color={EFFECT[effect]} variant="light">
    {effect.replace(/_/g, ' ')}
  </Badge>
);

/** A location's register in a table cell: its state, in the server's words, and the last batch it applied. */
export function RegisterCell({ register }: { register: Location['register'] }) {
  return (
    <>
      <RegisterBadge register={register} />
      <Text size="xs" c="dimmed">
        {localTimes(register.label)}
      </Text>
      <Text size="xs" c="dimmed">
        last applied: {lastApplied(register)}
      </Text>
    </>
  );
}

/** How many promotion changes wait for review at a location, linking to them when `to` is given. */
export function PendingBadge({ count, to }: { count: number; to?: string }) {
  if (count === 0) {
    return (
      <Text size="sm" c="dimmed">
        none
      </Text>
    );
  }
  const badge = <Badge color="orange">{count} to review</Badge>;
  return to ? (
    <Anchor component={Link} to={to}>
      {badge}
    </Anchor>
  ) : (
    badge
  );
}
