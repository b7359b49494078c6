import { Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, download, unwrap } from '../../api/client';
import { useAuth } from '../../auth/auth';
import { type Batch, batchContentPath, cstoreApi, useChanges, useCstoreMutation } from '../../cstore/api';
import { BatchBadge } from '../../cstore/badges';
import { Empty, ErrorState, Loading, Pager, usePage, when } from '../../shell/states';

/** The batches accepted changes produced, with the agent's delivery and acknowledgement, and the rejected changes. */
export function BatchHistory({ locationId, batches }: { locationId: string; batches: UseQueryResult<Batch[]> }) {
  const { can } = useAuth();
  const [page, setPage] = useState(1);
  const resend = useCstoreMutation((id: string) => cstoreApi.resend(id));
  const { items, pages } = usePage(batches.data ?? [], page, 20);
  return (
    <Stack>
      <Title order={4}>Update batches</Title>
      {batches.isPending ? (
        <Loading what="batches" />
      ) : batches.isError ? (
        <ErrorState error={batches.error} retry={() => void batches.refetch()} what="batches" />
      ) : batches.data.length === 0 ? (
        <Empty title="No batches yet">Accepting pending changes makes a batch for the register; it shows here with its delivery state.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table aria-label="Update batches">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Batch</Table.Th>
                <Table.Th>Accepted</Table.Th>
                <Table.Th>Changes</Table.Th>
                <Table.Th>Register</Table.Th>
                <Table.Th>File</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((b) => (
                <Table.Tr key={b.id} data-batch-seq={b.seq}>
                  <Table.Td>#{b.seq}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{b.acceptedByName}</Text>
                    <Text size="xs" c="dimmed">
                      {when(b.acceptedAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {b.summary.add} add · {b.summary.modify} modify · {b.summary.end} end
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      <BatchBadge state={b.state} />
                    </Group>
                    <Text size="xs" c="dimmed">
                      {b.acknowledgedAt ? `acknowledged ${when(b.acknowledgedAt)}` : b.deliveredAt ? `delivered ${when(b.deliveredAt)} (${b.deliveryCount}×), not acknowledged yet` : 'waiting for the store’s agent'}
                    </Text>
                    {b.ackMessage ? (
                      <Text size="xs" c={b.state === 'failed' ? 'red' : 'dimmed'}>
                        {b.ackMessage}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      <Button
                        size="xs"
                        variant="light"
                        aria-label={`Download ${b.format === 'naxml' ? 'NAXML' : 'JSON'} of batch ${b.seq}`}
                        onClick={() => download(batchContentPath(b.id), b.filename).catch((e: Error) => notifications.show({ color: 'red', title: 'Download failed', message: e.message }))}
                      >
                        {b.format === 'naxml' ? 'NAXML' : 'JSON'}
                      </Button>
                      {can('support') && b.state !== 'ready' ? (
                        <Button size="xs" variant="subtle" loading={resend.isPending && resend.variables === b.id} onClick={() => resend.mutate(b.id, { onSuccess: () => notifications.show({ color: 'teal', message: `Batch #${b.seq} is ready for the agent again.` }) })}>
                          Send again
                        </Button>
                      ) : null}
                    </Group>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {b.filename}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager page={page} pages={pages} onChange={setPage} label="Batches" />
      <Decided locationId={locationId} />
    </Stack>
  );
}

/** A user id as a name: yourself, or (for owners, who may list users) anyone; else the id. */
function useUserName(): (id: string | null) => string {
  const { me, can } = useAuth();
  const users = useQuery({ queryKey: ['users'], enabled: can('own'), queryFn: () => unwrap(api.GET('/admin/v1/users')), staleTime: 300_000 });
  return (id) => {
    if (!id) return '—';
    if (id === me?.userId) return `${me.name || me.email} (you)`;
    const u = users.data?.find((x) => x.id === id);
    return u ? u.name || u.email : `user ${id.slice(-8)}`;
  };
}

function Decided({ locationId }: { locationId: string }) {
  const rejected = useChanges(locationId, 'rejected');
  const nameOf = useUserName();
  const [page, setPage] = useState(1);
  const { items, pages } = usePage(rejected.data ?? [], page, 20);
  return (
    <Stack gap="xs" mt="md">
      <Title order={4}>Rejected changes</Title>
      {rejected.isPending ? (
        <Loading what="rejected changes" />
      ) : rejected.isError ? (
        <ErrorState error={rejected.error} retry={() => void rejected.refetch()} what="rejected changes" />
      ) : rejected.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          None: every decided change was accepted.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Rejected changes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Promotion</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th>Rejected</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Text size="sm">{(c.after ?? c.before)?.description}</Text>
                    <Text size="xs" c="dimmed">
                      {c.kind} · {c.externalId}
                    </Text>
                  </Table.Td>
                  <Table.Td>{c.reason}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{nameOf(c.decidedBy)}</Text>
                    <Text size="xs" c="dimmed">
                      {when(c.decidedAt)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager page={page} pages={pages} onChange={setPage} label="Rejected changes" />
    </Stack>
  );
}
