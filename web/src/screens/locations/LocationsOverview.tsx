import { Anchor, Badge, Button, Card, Group, Modal, NumberInput, Select, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link } from 'react-router';
import { useAuth } from '../../auth/auth';
import { ApiError, fieldError } from '../../api/client';
import { cstoreApi, type License, type Location, type NewLocation, useCstoreMutation, useEnrollment, useLicenses, useLocations } from '../../cstore/api';
import { IntegrationBadge, LicenseBadge, PendingBadge, RegisterCell, RunBadge } from '../../cstore/badges';
import { useProgram } from '../../shell/program';
import { DataTable, TwoLines } from '../../shell/DataTable';
import { ErrorState, Loading, when } from '../../shell/states';
import { EnrollmentForm } from './EnrollmentForm';
import { RollOutCard } from './RollOut';

export function LocationsOverview() {
  const { programId, program } = useProgram();
  const { can } = useAuth();
  const locations = useLocations(programId);
  const [adding, setAdding] = useState(false);

  return (
    <Stack>
      <Title order={2}>Locations &amp; licenses</Title>
      <Text c="dimmed">
        Each location needs an active Scan Data license and an RJR outlet id; the program needs an RJR enrollment. Pilot one location, review its first
        promotions, then roll out.
      </Text>

      <EnrollmentCard programId={programId} />

      <RollOutCard
        programId={programId}
        hasLocations={(locations.data?.length ?? 0) > 0}
        liveCount={locations.data?.filter((l) => l.integrationStatus === 'live').length ?? 0}
      />

      <Card withBorder>
        <Group justify="space-between" mb="sm">
          <Title order={4}>Locations</Title>
          {can('manage') ? (
            <Button size="xs" variant="light" onClick={() => setAdding(true)}>
              Add location
            </Button>
          ) : null}
        </Group>
        <NewLocationModal programId={programId} opened={adding} onClose={() => setAdding(false)} />
        <DataTable
          label="Locations"
          what="locations"
          query={locations}
          rows={locations.data}
          rowKey={(l) => l.id}
          rowProps={(l) => ({ 'data-location-id': l.id })}
          empty={{
            title: `${program?.name ?? 'This program'} has no c-store locations`,
            hint: 'Choose the c-store program in the header, or add a location with “Add location”.',
          }}
          pageSize={25}
          minWidth={900}
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
                  sub={`${l.posSystem} · RJR outlet ${l.outletIds.rjr ?? 'not set'}${l.registerStoreId ? ` · store ${l.registerStoreId}` : ''}`}
                />
              ),
            },
            {
              key: 'integration',
              header: 'Integration',
              cell: (l) => (
                <>
                  <IntegrationBadge status={l.integrationStatus} />
                  {l.enrollmentError ? (
                    <Text size="xs" c="red">
                      {l.enrollmentError}
                    </Text>
                  ) : null}
                </>
              ),
            },
            {
              key: 'license',
              header: 'License',
              cell: (l) => (
                <>
                  <LicenseBadge license={l.license} />
                  <Text size="xs" c="dimmed">
                    {l.license?.expiresAt ? `until ${when(l.license.expiresAt)}` : ''}
                  </Text>
                </>
              ),
            },
            {
              key: 'sync',
              header: 'Last sync',
              cell: ({ lastSync: run }) =>
                run ? (
                  <>
                    <RunBadge status={run.status} />
                    <Text size="xs" c="dimmed">
                      {when(run.finishedAt)}
                      {run.rejected ? ` · ${run.rejected} records rejected` : ''}
                      {run.error ? ` · ${run.error}` : ''}
                    </Text>
                  </>
                ) : (
                  <Text size="xs" c="dimmed">
                    never synced
                  </Text>
                ),
            },
            { key: 'register', header: 'Register', cell: (l) => <RegisterCell register={l.register} /> },
            { key: 'pending', header: 'Pending', cell: (l) => <PendingBadge count={l.pendingChanges} to={`/register-updates/${l.id}`} /> },
          ]}
        />
      </Card>

      <LicensesCard programId={programId} locations={locations.data ?? []} />
    </Stack>
  );
}

function EnrollmentCard({ programId }: { programId: string | null }) {
  const { can } = useAuth();
  const enrollment = useEnrollment(programId);
  const [editing, setEditing] = useState(false);
  const save = useCstoreMutation((body: Parameters<typeof cstoreApi.enroll>[1]) => cstoreApi.enroll(programId!, body));
  const e = enrollment.data;
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={4}>RJR Discount API enrollment</Title>
        {can('own') ? (
          <Button size="xs" variant="light" onClick={() => setEditing(true)}>
            {e ? 'Change enrollment' : 'Enroll'}
          </Button>
        ) : null}
      </Group>
      {enrollment.isPending ? (
        <Loading what="the enrollment" />
      ) : enrollment.isError ? (
        <ErrorState error={enrollment.error} retry={() => void enrollment.refetch()} what="the enrollment" />
      ) : !e ? (
        <Text size="sm" c="dimmed">
          Not enrolled. {can('own') ? 'Enroll with the credentials from the RJR Engage API Portal.' : 'An owner enrolls the program.'}
        </Text>
      ) : (
        <Group gap="lg" wrap="wrap">
          <Badge color={e.status === 'ok' ? 'green' : 'red'} variant="light">
            {e.status}
          </Badge>
          <Text size="sm">{e.mode === 'chain' ? 'Chain' : 'Single store'}</Text>
          {e.mode === 'chain' ? (
            <Text size="sm" ff="monospace">
              account {e.accountNumber} · client {e.clientId} · secret {e.clientSecret}
            </Text>
          ) : (
            <Text size="sm">
              outlet {e.outletId} ({e.outletName}) · {e.email}
            </Text>
          )}
          {e.baseUrl ? (
            <Text size="xs" c="dimmed">
              API {e.baseUrl}
            </Text>
          ) : null}
          <Text size="xs" c="dimmed">
            updated {when(e.updatedAt)}
          </Text>
          {e.statusReason ? (
            <Text size="sm" c="red">
              {e.statusReason}
            </Text>
          ) : null}
        </Group>
      )}
      <Modal opened={editing} onClose={() => setEditing(false)} title="RJR Discount API enrollment" size="lg">
        <EnrollmentForm
          current={e ?? null}
          busy={save.isPending}
          onSubmit={(body) =>
            save.mutateAsync(body).then(
              () => {
                setEditing(false);
                notifications.show({ color: 'teal', message: 'Enrollment saved; credentials are stored sealed.' });
              },
              () => undefined,
            )
          }
        />
      </Modal>
    </Card>
  );
}

function LicensesCard({ programId, locations }: { programId: string | null; locations: Location[] }) {
  const { can } = useAuth();
  const licenses = useLicenses(programId);
  const [buying, setBuying] = useState(false);
  const [assigning, setAssigning] = useState<License | null>(null);
  const byId = new Map(locations.map((l) => [l.id, l.name]));
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={4}>Scan Data licenses</Title>
        {can('manage') ? (
          <Button size="xs" variant="light" onClick={() => setBuying(true)}>
            Buy licenses
          </Button>
        ) : null}
      </Group>
      <DataTable
        label="Scan Data licenses"
        what="licenses"
        query={licenses}
        rows={licenses.data}
        rowKey={(lic) => lic.id}
        empty={{ title: 'No licenses yet', hint: 'Buy Scan Data licenses (1 month or 1 year), then assign each to a location.' }}
        pageSize={20}
        minWidth={720}
        columns={[
          {
            key: 'license',
            header: 'License',
            cell: (lic) => (
              <>
                <Text size="xs" ff="monospace">
                  …{lic.id.slice(-8)}
                </Text>
                <Text size="xs" c="dimmed">
                  bought {when(lic.boughtAt)}
                </Text>
              </>
            ),
          },
          {
            key: 'term',
            header: 'Term',
            cell: (lic) => (
              <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                {lic.term === '1y' ? '1 year' : '1 month'}
              </Text>
            ),
          },
          { key: 'state', header: 'State', width: 130, cell: (lic) => <LicenseBadge license={lic} /> },
          {
            key: 'location',
            header: 'Location',
            cell: (lic) =>
              lic.locationId ? (
                (byId.get(lic.locationId) ?? lic.locationId)
              ) : (
                <Text c="dimmed" size="sm">
                  unassigned
                </Text>
              ),
          },
          { key: 'period', header: 'Period', cell: (lic) => <Text size="xs">{lic.startsAt ? `${when(lic.startsAt)} – ${when(lic.expiresAt)}` : '—'}</Text> },
        ]}
        rowActions={
          can('manage')
            ? (lic) =>
                lic.state === 'unassigned' ? (
                  <Button size="xs" onClick={() => setAssigning(lic)} aria-label={`Assign License …${lic.id.slice(-8)}`}>
                    Assign License
                  </Button>
                ) : null
            : undefined
        }
      />
      <BuyModal programId={programId} opened={buying} onClose={() => setBuying(false)} />
      <AssignModal license={assigning} locations={locations} onClose={() => setAssigning(null)} />
    </Card>
  );
}

const POS_SYSTEMS = [
  { value: 'passport', label: 'Gilbarco Passport (NAXML)' },
  { value: 'commander', label: 'Verifone Commander (NAXML)' },
  { value: 'radiant', label: 'NCR Radiant (NAXML)' },
  { value: 'other', label: 'Other (JSON batches)' },
] as const;

/** A new store of the chain: its name, address, register and RJR outlet id; it starts with integration off. */
export function NewLocationModal({ programId, opened, onClose }: { programId: string | null; opened: boolean; onClose: () => void }) {
  const empty = {
    name: '',
    address: '',
    posSystem: 'passport' as NewLocation['posSystem'],
    outlet: '',
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
  const [draft, setDraft] = useState(empty);
  const create = useCstoreMutation(() =>
    cstoreApi.createLocation(programId!, {
      name: draft.name,
      address: draft.address,
      posSystem: draft.posSystem,
      timeZone: draft.timeZone,
      ...(draft.outlet.trim() ? { outletIds: { rjr: draft.outlet.trim() } } : {}),
    }),
  );
  return (
    <Modal opened={opened} onClose={onClose} title="Add location">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(undefined, {
            onSuccess: (l) => {
              setDraft(empty);
              onClose();
              notifications.show({ color: 'teal', message: `${l.name} added: assign it a license, then pilot it.` });
            },
          });
        }}
      >
        <Stack>
          <TextInput
            label="Name"
            required
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
            error={fieldError(create.error, 'name')}
          />
          <TextInput
            label="Address"
            required
            value={draft.address}
            onChange={(e) => setDraft({ ...draft, address: e.currentTarget.value })}
            error={fieldError(create.error, 'address')}
          />
          <Select
            label="Register (POS system)"
            data={[...POS_SYSTEMS]}
            value={draft.posSystem}
            allowDeselect={false}
            onChange={(v) => v && setDraft({ ...draft, posSystem: v as NewLocation['posSystem'] })}
            comboboxProps={{ withinPortal: true }}
          />
          <TextInput
            label="Time zone"
            description="the store’s, for its daily sync time and local dates"
            required
            value={draft.timeZone}
            onChange={(e) => setDraft({ ...draft, timeZone: e.currentTarget.value })}
            error={fieldError(create.error, 'timeZone')}
          />
          <TextInput
            label="RJR outlet id"
            description="optional now; needed before the first sync"
            value={draft.outlet}
            onChange={(e) => setDraft({ ...draft, outlet: e.currentTarget.value })}
            error={fieldError(create.error, 'outletIds.rjr')}
          />
          {create.error && !(create.error instanceof ApiError && create.error.details?.field) ? (
            <Text c="red" size="sm">
              {(create.error as Error).message}
            </Text>
          ) : null}
          <Button type="submit" loading={create.isPending}>
            Add location
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

function BuyModal({ programId, opened, onClose }: { programId: string | null; opened: boolean; onClose: () => void }) {
  const [term, setTerm] = useState<'1m' | '1y'>('1y');
  const [count, setCount] = useState<number | string>(1);
  const buy = useCstoreMutation(() => cstoreApi.buyLicenses(programId!, term, Number(count)));
  return (
    <Modal opened={opened} onClose={onClose} title="Buy Scan Data licenses">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          buy.mutate(undefined, {
            onSuccess: (l) => {
              onClose();
              notifications.show({ color: 'teal', message: `Bought ${l.length} license${l.length === 1 ? '' : 's'}; assign each to a location.` });
            },
          });
        }}
      >
        <Stack>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="license-term">
              Term
            </Text>
            <SegmentedControl
              aria-labelledby="license-term"
              value={term}
              onChange={(v) => setTerm(v as '1m' | '1y')}
              data={[
                { value: '1m', label: '1 month' },
                { value: '1y', label: '1 year' },
              ]}
            />
          </Stack>
          <NumberInput label="How many" min={1} max={5000} value={count} onChange={setCount} required />
          <Group justify="flex-end">
            <Button type="submit" loading={buy.isPending}>
              Buy
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function AssignModal({ license, locations, onClose }: { license: License | null; locations: Location[]; onClose: () => void }) {
  const [locationId, setLocationId] = useState<string | null>(null);
  const assign = useCstoreMutation((v: { licenseId: string; locationId: string }) => cstoreApi.assignLicense(v.licenseId, v.locationId));
  return (
    <Modal opened={license !== null} onClose={onClose} title="Assign License">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!license || !locationId) return;
          assign.mutate(
            { licenseId: license.id, locationId },
            {
              onSuccess: (l) => {
                onClose();
                setLocationId(null);
                notifications.show({ color: 'teal', message: `License ${l.state}${l.expiresAt ? ` until ${when(l.expiresAt)}` : ''}.` });
              },
            },
          );
        }}
      >
        <Stack>
          <Text size="sm">The term starts now, or when the location’s current license ends. A license is assigned once.</Text>
          <Select
            label="Location"
            placeholder="Choose a location"
            required
            searchable
            data={locations.map((l) => ({ value: l.id, label: `${l.name}${l.license ? ` (license ${l.license.state})` : ''}` }))}
            value={locationId}
            onChange={setLocationId}
            comboboxProps={{ withinPortal: true }}
          />
          <Group justify="flex-end">
            <Button type="submit" disabled={!locationId} loading={assign.isPending}>
              Done
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
