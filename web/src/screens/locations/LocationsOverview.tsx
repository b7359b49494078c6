import { Anchor, Badge, Button, Card, Group, Modal, NumberInput, Select, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link } from 'react-router';
import { useAuth } from '../../auth/auth';
import { cstoreApi, type License, type Location, useCstoreMutation, useEnrollment, useLicenses, useLocations } from '../../cstore/api';
import { IntegrationBadge, lastApplied, LicenseBadge, localTimes, RegisterBadge, RunBadge } from '../../cstore/badges';
import { useProgram } from '../../shell/program';
import { Empty, ErrorState, Loading, Pager, usePage, when } from '../../shell/states';
import { EnrollmentForm } from './EnrollmentForm';
import { RollOutCard } from './RollOut';

export function LocationsOverview() {
  const { programId, program } = useProgram();
  const locations = useLocations(programId);
  const [page, setPage] = useState(1);
  const { items, pages } = usePage(locations.data ?? [], page, 25);

  return (
    <Stack>
      <Title order={2}>Locations &amp; licenses</Title>
      <Text c="dimmed">
        Each location needs an active Scan Data license and an RJR outlet id; the program needs an RJR enrollment. Pilot one location, review its first promotions, then roll out.
      </Text>

      <EnrollmentCard programId={programId} />

      <RollOutCard programId={programId} hasLocations={(locations.data?.length ?? 0) > 0} liveCount={locations.data?.filter((l) => l.integrationStatus === 'live').length ?? 0} />

      <Card withBorder>
        <Title order={4} mb="sm">
          Locations
        </Title>
        {locations.isPending ? (
          <Loading what="locations" />
        ) : locations.isError ? (
          <ErrorState error={locations.error} retry={() => void locations.refetch()} what="locations" />
        ) : locations.data.length === 0 ? (
          <Empty title={`${program?.name ?? 'This program'} has no c-store locations`}>Choose the c-store program in the header, or create locations through the admin API (POST /admin/v1/cstore/programs/{'{programId}'}/locations).</Empty>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table highlightOnHover aria-label="Locations">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Location</Table.Th>
                  <Table.Th>Integration</Table.Th>
                  <Table.Th>License</Table.Th>
                  <Table.Th>Last sync</Table.Th>
                  <Table.Th>Register</Table.Th>
                  <Table.Th>Pending</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((l) => {
                  const run = l.lastSync;
                  return (
                    <Table.Tr key={l.id} data-location-id={l.id}>
                      <Table.Td>
                        <Anchor component={Link} to={l.id}>
                          {l.name}
                        </Anchor>
                        <Text size="xs" c="dimmed">
                          {l.posSystem} · RJR outlet {l.outletIds.rjr ?? 'not set'}
                          {l.registerStoreId ? ` · store ${l.registerStoreId}` : ''}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <IntegrationBadge status={l.integrationStatus} />
                        {l.enrollmentError ? (
                          <Text size="xs" c="red">
                            {l.enrollmentError}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <LicenseBadge license={l.license} />
                        <Text size="xs" c="dimmed">
                          {l.license?.expiresAt ? `until ${when(l.license.expiresAt)}` : ''}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {run ? (
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
                        )}
                      </Table.Td>
                      <Table.Td>
                        <RegisterBadge register={l.register} />
                        <Text size="xs" c="dimmed">
                          {localTimes(l.register.label)}
                        </Text>
                        <Text size="xs" c="dimmed">
                          last applied: {lastApplied(l.register)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {l.pendingChanges > 0 ? (
                          <Anchor component={Link} to={`/register-updates/${l.id}`}>
                            <Badge color="orange">{l.pendingChanges} to review</Badge>
                          </Anchor>
                        ) : (
                          <Text size="sm" c="dimmed">
                            none
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Pager page={page} pages={pages} onChange={setPage} label="Locations" />
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
          {e.baseUrl ? <Text size="xs" c="dimmed">API {e.baseUrl}</Text> : null}
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
  const [page, setPage] = useState(1);
  const { items, pages } = usePage(licenses.data ?? [], page, 20);
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
      {licenses.isPending ? (
        <Loading what="licenses" />
      ) : licenses.isError ? (
        <ErrorState error={licenses.error} retry={() => void licenses.refetch()} what="licenses" />
      ) : licenses.data.length === 0 ? (
        <Empty title="No licenses yet">Buy Scan Data licenses (1 month or 1 year), then assign each to a location.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Scan Data licenses">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>License</Table.Th>
                <Table.Th>Term</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Location</Table.Th>
                <Table.Th>Period</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((lic) => (
                <Table.Tr key={lic.id}>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      …{lic.id.slice(-8)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      bought {when(lic.boughtAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{lic.term === '1y' ? '1 year' : '1 month'}</Table.Td>
                  <Table.Td miw={130}>
                    <LicenseBadge license={lic} />
                  </Table.Td>
                  <Table.Td>{lic.locationId ? (byId.get(lic.locationId) ?? lic.locationId) : <Text c="dimmed" size="sm">unassigned</Text>}</Table.Td>
                  <Table.Td>
                    <Text size="xs">{lic.startsAt ? `${when(lic.startsAt)} – ${when(lic.expiresAt)}` : '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    {lic.state === 'unassigned' && can('manage') ? (
                      <Button size="xs" onClick={() => setAssigning(lic)} aria-label={`Assign License …${lic.id.slice(-8)}`}>
                        Assign License
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager page={page} pages={pages} onChange={setPage} label="Licenses" />
      <BuyModal programId={programId} opened={buying} onClose={() => setBuying(false)} />
      <AssignModal license={assigning} locations={locations} onClose={() => setAssigning(null)} />
    </Card>
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
            <SegmentedControl aria-labelledby="license-term" value={term} onChange={(v) => setTerm(v as '1m' | '1y')} data={[{ value: '1m', label: '1 month' }, { value: '1y', label: '1 year' }]} />
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
