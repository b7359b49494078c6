import { Alert, Anchor, Breadcrumbs, Button, Card, Code, Group, Modal, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useAuth } from '../../auth/auth';
import { cstoreApi, type LocationPatch, type SyncRun, useCstoreMutation, useLocation, useSyncRun, useSyncRuns } from '../../cstore/api';
import { IntegrationBadge, lastApplied, LicenseBadge, localTimes, RegisterBadge, RunBadge } from '../../cstore/badges';
import { DataTable } from '../../shell/DataTable';
import { ShownOnce } from '../../shell/ShownOnce';
import { ErrorState, Loading, when } from '../../shell/states';

const PAGE_SIZE = 20;
import { RegisterSettingsForm } from './RegisterSettingsForm';
import { RejectedRecordsPanel } from './RejectedRecordsPanel';

/** One location: integration status (pilot, off), license, Sync now and the sync log with its failures. */
export function LocationDetail() {
  const { locationId = '' } = useParams();
  const { can } = useAuth();
  const location = useLocation(locationId);
  const runs = useSyncRuns(locationId, 200);
  const [openRun, setOpenRun] = useState<string | null>(null);
  const [lastSync, setLastSync] = useState<SyncRun | null>(null);
  const status = useCstoreMutation((s: 'off' | 'pilot' | 'live') => cstoreApi.setStatus(locationId, s));
  const sync = useCstoreMutation(() => cstoreApi.sync(locationId));
  const retry = useCstoreMutation(() => cstoreApi.retryOutlet(locationId));
  const settings = useCstoreMutation((patch: LocationPatch) => cstoreApi.patchLocation(locationId, patch));

  if (location.isPending) return <Loading what="the location" />;
  if (location.isError) return <ErrorState error={location.error} retry={() => void location.refetch()} what="the location" />;
  const l = location.data;
  const setStatus = (s: 'off' | 'pilot' | 'live', message: string) => status.mutate(s, { onSuccess: () => notifications.show({ color: 'teal', message }) });

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/locations">
          Locations &amp; licenses
        </Anchor>
        <Text>{l.name}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2}>{l.name}</Title>
          <Text c="dimmed" size="sm">
            {l.address} · {l.timeZone} · {l.posSystem} · RJR outlet {l.outletIds.rjr ?? 'not set'} · store {l.registerStoreId ?? 'number not set'}
          </Text>
        </div>
        <Button component={Link} to={`/register-updates/${l.id}`} variant="light">
          Review changes ({l.pendingChanges})
        </Button>
      </Group>

      {l.enrollmentError || l.lastSync?.errorCode === 'enrollment_broken' ? (
        <Alert color="red" title="RJR refused this outlet">
          <Stack gap="xs">
            <Text size="sm">{l.enrollmentError ?? l.lastSync?.error}</Text>
            <Text size="sm">Syncs stop until it is fixed. Once RJR authorized the outlet again, retry this location; or change its outlet id.</Text>
            {can('support') ? (
              <Group>
                <Button
                  size="xs"
                  color="red"
                  variant="light"
                  loading={retry.isPending}
                  onClick={() =>
                    retry.mutate(undefined, {
                      onSuccess: (r) => {
                        setLastSync(r.run);
                        notifications.show({
                          color: r.run.status === 'succeeded' ? 'teal' : 'red',
                          message: r.run.status === 'succeeded' ? `RJR answered for ${l.name} again.` : `Retried ${l.name}: RJR still does not answer for it.`,
                        });
                      },
                    })
                  }
                >
                  Retry outlet
                </Button>
              </Group>
            ) : null}
          </Stack>
        </Alert>
      ) : null}

      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase">
            Integration
          </Text>
          <Group mt={4}>
            <IntegrationBadge status={l.integrationStatus} />
            <Text size="sm" c="dimmed">
              {l.integrationStatus === 'off'
                ? 'not synced'
                : l.integrationStatus === 'pilot'
                  ? 'synced daily; roll out when its changes look right'
                  : 'synced daily'}
            </Text>
          </Group>
          {can('manage') ? (
            <Group mt="sm">
              {l.integrationStatus === 'off' ? (
                <Button size="xs" loading={status.isPending} onClick={() => setStatus('pilot', `${l.name} is the pilot now; sync it to see its promotions.`)}>
                  Start pilot
                </Button>
              ) : null}
              {l.integrationStatus === 'live' ? (
                <Button size="xs" variant="default" loading={status.isPending} onClick={() => setStatus('pilot', `${l.name} is back in pilot.`)}>
                  Back to pilot
                </Button>
              ) : null}
              {l.integrationStatus !== 'off' ? (
                <Button
                  size="xs"
                  variant="default"
                  color="red"
                  loading={status.isPending}
                  onClick={() => setStatus('off', `${l.name} is off; it is no longer synced.`)}
                >
                  Turn off
                </Button>
              ) : null}
            </Group>
          ) : null}
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase">
            Scan Data license
          </Text>
          <Group mt={4}>
            <LicenseBadge license={l.license} />
            <Text size="sm" c="dimmed">
              {l.license?.expiresAt ? `until ${when(l.license.expiresAt)}` : 'Assign one under Locations & licenses'}
            </Text>
          </Group>
        </Card>
        <Card withBorder>
          <Text size="xs" c="dimmed" tt="uppercase">
            Register
          </Text>
          <Group mt={4}>
            <RegisterBadge register={l.register} />
          </Group>
          <Text size="sm" mt={4}>
            {localTimes(l.register.label)}
          </Text>
          <Text size="xs" c="dimmed">
            last applied: {lastApplied(l.register)}
          </Text>
        </Card>
      </SimpleGrid>

      <Card withBorder>
        <Group justify="space-between" mb="sm">
          <Title order={4}>Sync</Title>
          {can('support') ? (
            <Button loading={sync.isPending} onClick={() => sync.mutate(undefined, { onSuccess: (r) => setLastSync(r) })}>
              Sync now
            </Button>
          ) : null}
        </Group>
        {sync.isPending ? (
          <Stack gap={4} role="status" aria-live="polite">
            <Text size="sm">Syncing with the RJR Discount API: reading every page of promotions for outlet {l.outletIds.rjr}…</Text>
            <Progress value={100} animated striped aria-label="Sync in progress" />
          </Stack>
        ) : lastSync ? (
          <SyncOutcome run={lastSync} onOpen={() => setOpenRun(lastSync.id)} />
        ) : null}

        <DataTable
          label="Sync runs"
          what="the sync log"
          query={runs}
          rows={runs.data}
          rowKey={(r) => r.id}
          empty={{
            title: 'Never synced',
            hint: l.integrationStatus === 'off' ? 'Start the pilot first, then Sync now.' : 'The daily sync runs at the store’s sync time; or Sync now.',
          }}
          pageSize={PAGE_SIZE}
          minWidth={820}
          highlightOnHover
          columns={[
            {
              key: 'when',
              header: 'When',
              cell: (r) => (
                <>
                  <Anchor component="button" type="button" size="sm" onClick={() => setOpenRun(r.id)}>
                    {when(r.startedAt)}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {r.trigger} · {r.durationMs} ms
                  </Text>
                </>
              ),
            },
            { key: 'result', header: 'Result', cell: (r) => <RunBadge status={r.status} /> },
            { key: 'pages', header: 'Pages', cell: (r) => r.pages },
            { key: 'changes', header: 'Add / modify / end', cell: (r) => `${r.added} / ${r.modified} / ${r.ended}` },
            { key: 'rejected', header: 'Rejected records', cell: (r) => r.rejected },
            {
              key: 'why',
              header: 'Why',
              cell: (r) => (
                <Text size="xs" c={r.status === 'failed' ? 'red' : 'dimmed'}>
                  {r.errorCode ? `${r.errorCode}: ` : ''}
                  {r.error ?? ''}
                </Text>
              ),
            },
          ]}
        />
      </Card>
      <RejectedRecordsPanel locationId={l.id} />

      <Card withBorder>
        <Title order={4} mb="sm">
          Register settings
        </Title>
        {can('manage') ? (
          <RegisterSettingsForm
            key={l.updatedAt}
            location={l}
            locked={l.register.status !== 'no_batches'}
            busy={settings.isPending}
            onSubmit={(patch) =>
              settings.mutateAsync(patch).then(
                () => notifications.show({ color: 'teal', message: 'Register settings saved; the next batch uses them.' }),
                () => undefined,
              )
            }
          />
        ) : (
          <Text size="sm">
            Store number {l.registerStoreId ?? 'not set (the Tillpoint location id is sent)'} · promotion ids:{' '}
            {l.registerIds === 'numeric' ? `numbers from ${l.registerIdStart}` : 'manufacturer ids'}
          </Text>
        )}
      </Card>
      <AgentTokenCard locationId={l.id} prefix={l.agentTokenPrefix} />
      <RunModal runId={openRun} onClose={() => setOpenRun(null)} />
    </Stack>
  );
}

/** The store agent's token: its prefix; owners issue a new one, shown once (the old one stops working). */
export function AgentTokenCard({ locationId, prefix }: { locationId: string; prefix: string | null }) {
  const { can } = useAuth();
  const [shown, setShown] = useState<string | null>(null);
  const issue = useCstoreMutation(() => cstoreApi.issueAgentToken(locationId));
  return (
    <Card withBorder component="section" aria-label="Store agent token">
      <Group justify="space-between">
        <div>
          <Title order={4}>Store agent token</Title>
          <Text size="sm" c="dimmed">
            {prefix ? (
              <>
                Issued: starts with <Code>{prefix}…</Code>. The store’s agent sends it to fetch and acknowledge update batches.
              </>
            ) : (
              'None yet: issue one and install it in the store’s agent.'
            )}
          </Text>
        </div>
        {can('own') ? (
          <Button
            variant="light"
            loading={issue.isPending}
            onClick={() =>
              (!prefix || window.confirm('Issue a new agent token? The current one stops working at once.')) &&
              issue.mutate(undefined, { onSuccess: (t) => setShown(t.token) })
            }
          >
            {prefix ? 'Replace agent token' : 'Issue agent token'}
          </Button>
        ) : null}
      </Group>
      <ShownOnce title="The store agent’s token" secret={shown} onClose={() => setShown(null)} />
    </Card>
  );
}

function SyncOutcome({ run, onOpen }: { run: SyncRun; onOpen: () => void }) {
  const color = run.status === 'succeeded' ? 'teal' : run.status === 'failed' ? 'red' : 'gray';
  return (
    <Alert color={color} title={`Sync ${run.status}`} mb="sm" role="status">
      <Text size="sm">
        {run.status === 'succeeded'
          ? `${run.pages} page${run.pages === 1 ? '' : 's'} read: ${run.added} new, ${run.modified} changed, ${run.ended} ending${run.rejected ? `, ${run.rejected} records rejected` : ''}. Review them in Cash Register Updates.`
          : `${run.errorCode ?? ''}${run.error ? `: ${run.error}` : ''}. Nothing accepted or pending was changed.`}
      </Text>
      <Anchor component="button" type="button" size="sm" onClick={onOpen}>
        Details
      </Anchor>
    </Alert>
  );
}

function RunModal({ runId, onClose }: { runId: string | null; onClose: () => void }) {
  const run = useSyncRun(runId);
  return (
    <Modal opened={runId !== null} onClose={onClose} title="Sync run" size="xl">
      {run.isPending ? (
        <Loading what="the sync run" />
      ) : run.isError ? (
        <ErrorState error={run.error} what="the sync run" />
      ) : (
        <Stack>
          <Group>
            <RunBadge status={run.data.status} />
            <Text size="sm">
              {when(run.data.startedAt)} · as of {run.data.asOf} · {run.data.pages} pages · {run.data.added} add · {run.data.modified} modify · {run.data.ended}{' '}
              end · {run.data.superseded} superseded
            </Text>
          </Group>
          {run.data.error ? (
            <Alert color="red" title={run.data.errorCode ?? 'failed'}>
              {run.data.error}
            </Alert>
          ) : null}
          <Title order={5}>Rejected records ({run.data.rejectedRecords.length})</Title>
          <DataTable
            label="Rejected records"
            rows={run.data.rejectedRecords}
            rowKey={(_, i) => String(i)}
            empty={{ title: 'Every record of the feed was valid.' }}
            columns={[
              { key: 'promotion', header: 'Promotion', cell: (r) => r.externalId ?? '—' },
              { key: 'why', header: 'Why', cell: (r) => r.reason },
              {
                key: 'record',
                header: 'Record',
                cell: (r) => (
                  <Code block mah={140} style={{ overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                    {JSON.stringify(r.raw)}
                  </Code>
                ),
              },
            ]}
          />
        </Stack>
      )}
    </Modal>
  );
}
