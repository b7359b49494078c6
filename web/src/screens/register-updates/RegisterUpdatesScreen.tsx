import { Alert, Anchor, Breadcrumbs, Card, Group, SimpleGrid, Stack, Switch, Tabs, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, Route, Routes, useParams, useSearchParams } from 'react-router';
import { useAuth } from '../../auth/auth';
import { cstoreApi, useBatches, useChanges, useCstoreMutation, useLocation, useLocations, useRegister } from '../../cstore/api';
import { IntegrationBadge, lastApplied, LicenseBadge, localTimes, PendingBadge, RegisterBadge, RegisterCell } from '../../cstore/badges';
import { useProgram } from '../../shell/program';
import { DataTable, TwoLines } from '../../shell/DataTable';
import { ErrorState, Loading } from '../../shell/states';
import { BatchHistory } from './BatchHistory';
import { PendingChanges } from './PendingChanges';
import { RegisterState } from './RegisterState';

/**
 * The Cash Register Updates Manager: pick a location, review its pending promotion changes beside
 * what its register has now, accept or reject them, and follow the batch to the register.
 */
export default function RegisterUpdatesScreen() {
  return (
    <Routes>
      <Route index element={<LocationPicker />} />
      <Route path=":locationId" element={<Manager />} />
    </Routes>
  );
}

function LocationPicker() {
  const { programId, program } = useProgram();
  const locations = useLocations(programId);
  return (
    <Stack>
      <Title order={2}>Cash Register Updates</Title>
      <Text c="dimmed">Choose a location to review the promotion changes waiting for its cash register.</Text>
      <DataTable
        label="Locations"
        what="locations"
        query={locations}
        rows={locations.data}
        rowKey={(l) => l.id}
        rowProps={(l) => ({ 'data-location-id': l.id })}
        empty={{
          title: `${program?.name ?? 'This program'} has no c-store locations`,
          hint: (
            <>
              Choose the c-store program in the header, or add locations and licenses under{' '}
              <Anchor component={Link} to="/locations" size="sm">
                Locations &amp; licenses
              </Anchor>
              .
            </>
          ),
        }}
        pageSize={25}
        minWidth={760}
        highlightOnHover
        columns={[
          {
            key: 'location',
            header: 'Location',
            cell: (l) => (
              <TwoLines
                main={
                  <Anchor component={Link} to={l.id} size="sm">
                    {l.name}
                  </Anchor>
                }
                sub={l.address}
              />
            ),
          },
          { key: 'integration', header: 'Integration', cell: (l) => <IntegrationBadge status={l.integrationStatus} /> },
          { key: 'license', header: 'License', cell: (l) => <LicenseBadge license={l.license} /> },
          { key: 'register', header: 'Register', cell: (l) => <RegisterCell register={l.register} /> },
          { key: 'pending', header: 'Pending changes', cell: (l) => <PendingBadge count={l.pendingChanges} /> },
        ]}
      />
    </Stack>
  );
}

function Manager() {
  const { locationId = '' } = useParams();
  const { can } = useAuth();
  const location = useLocation(locationId);
  const pending = useChanges(locationId, 'pending');
  const register = useRegister(locationId);
  const batches = useBatches(locationId);
  // ?tab=history opens the batches (the roll-out's next step for a batch the register has not applied).
  const [search] = useSearchParams();
  const [tab, setTab] = useState<string | null>(search.get('tab') ?? 'pending');
  const autoAccept = useCstoreMutation((on: boolean) => cstoreApi.patchLocation(locationId, { autoAccept: on }));

  if (location.isPending) return <Loading what="the location" />;
  if (location.isError) return <ErrorState error={location.error} retry={() => void location.refetch()} what="the location" />;
  const l = location.data;
  const counts = { add: 0, modify: 0, end: 0 };
  for (const c of pending.data ?? []) counts[c.kind]++;

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/register-updates">
          Cash Register Updates
        </Anchor>
        <Text>{l.name}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>{l.name}</Title>
          <Group gap="xs" mt={4}>
            <IntegrationBadge status={l.integrationStatus} />
            <LicenseBadge license={l.license} />
            <Text size="sm" c="dimmed">
              {l.posSystem} register · gets {l.posSystem === 'other' ? 'JSON' : 'NAXML'} batches
            </Text>
          </Group>
        </div>
        <Switch
          label="Auto-accept synced changes"
          description={can('manage') ? 'skip review: every sync becomes a batch at once' : 'set by a program manager'}
          checked={l.autoAccept}
          disabled={!can('manage') || autoAccept.isPending}
          onChange={(e) =>
            autoAccept.mutate(e.currentTarget.checked, {
              onSuccess: (loc) =>
                notifications.show({
                  color: 'teal',
                  message: loc.autoAccept ? 'Synced changes now go straight to the register.' : 'Synced changes now wait for review.',
                }),
            })
          }
        />
      </Group>

      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Card withBorder padding="sm">
          <Text size="xs" c="dimmed" tt="uppercase">
            Pending review
          </Text>
          <Text fw={700} size="xl">
            {pending.data?.length ?? '…'}
          </Text>
          <Text size="xs" c="dimmed">
            {counts.add} add · {counts.modify} modify · {counts.end} end
          </Text>
        </Card>
        <Card withBorder padding="sm">
          <Text size="xs" c="dimmed" tt="uppercase">
            On the register now
          </Text>
          <Text fw={700} size="xl">
            {register.data?.length ?? '…'}
          </Text>
          <Text size="xs" c="dimmed">
            promotions accepted so far
          </Text>
        </Card>
        <Card withBorder padding="sm">
          <Text size="xs" c="dimmed" tt="uppercase">
            Register
          </Text>
          <Group gap="xs" mt={4}>
            <RegisterBadge register={l.register} />
            <Text size="sm" fw={600}>
              {l.register.lastBatchSeq === null ? 'no batch yet' : `newest batch #${l.register.lastBatchSeq}`}
            </Text>
          </Group>
          <Text size="xs" mt={4}>
            {localTimes(l.register.label)}
          </Text>
          <Text size="xs" c="dimmed">
            last applied: {lastApplied(l.register)}
          </Text>
        </Card>
      </SimpleGrid>

      {l.lastSync?.rejected ? (
        <Alert color="orange" variant="light" title={`The last sync rejected ${l.lastSync.rejected} feed record${l.lastSync.rejected === 1 ? '' : 's'}`}>
          Their promotions are not among the changes below and stay as the register has them.{' '}
          <Anchor component={Link} to={`/locations/${l.id}`} size="sm">
            See the rejected records and why
          </Anchor>
        </Alert>
      ) : null}

      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="pending">Pending changes ({pending.data?.length ?? '…'})</Tabs.Tab>
          <Tabs.Tab value="register">Register current state ({register.data?.length ?? '…'})</Tabs.Tab>
          <Tabs.Tab value="history">Batches &amp; history</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="pending" pt="md">
          <PendingChanges location={l} changes={pending} onAccepted={() => setTab('history')} />
        </Tabs.Panel>
        <Tabs.Panel value="register" pt="md">
          <RegisterState register={register} />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <BatchHistory locationId={l.id} batches={batches} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
