import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { UseQueryResult } from '@tanstack/react-query';
import { useQuery } from '@tanstack/react-query';
import { api, download, unwrap } from '../../api/client';
import { useAuth } from '../../auth/auth';
import { type Batch, batchContentPath, cstoreApi, useChanges, useCstoreMutation } from '../../cstore/api';
import { BatchBadge } from '../../cstore/badges';
import { DataTable, TwoLines } from '../../shell/DataTable';
import { when } from '../../shell/states';

/** The batches accepted changes produced, with the agent's delivery and acknowledgement, and the rejected changes. */
export function BatchHistory({ locationId, batches }: { locationId: string; batches: UseQueryResult<Batch[]> }) {
  const { can } = useAuth();
  const resend = useCstoreMutation((id: string) => cstoreApi.resend(id));
  return (
    <Stack>
      <Title order={4}>Update batches</Title>
      <DataTable
        label="Update batches"
        what="batches"
        query={batches}
        rows={batches.data}
        rowKey={(b) => b.id}
        rowProps={(b) => ({ 'data-batch-seq': b.seq })}
        empty={{ title: 'No batches yet', hint: 'Accepting pending changes makes a batch for the register; it shows here with its delivery state.' }}
        pageSize={20}
        minWidth={820}
        columns={[
          { key: 'seq', header: 'Batch', cell: (b) => `#${b.seq}` },
          { key: 'accepted', header: 'Accepted', cell: (b) => <TwoLines main={b.acceptedByName} sub={when(b.acceptedAt)} /> },
          {
            key: 'changes',
            header: 'Changes',
            cell: (b) => (
              <Text size="sm">
                {b.summary.add} add · {b.summary.modify} modify · {b.summary.end} end
              </Text>
            ),
          },
          {
            key: 'register',
            header: 'Register',
            cell: (b) => (
              <>
                <Group gap={6}>
                  <BatchBadge state={b.state} />
                </Group>
                <Text size="xs" c="dimmed">
                  {b.acknowledgedAt
                    ? `acknowledged ${when(b.acknowledgedAt)}`
                    : b.deliveredAt
                      ? `delivered ${when(b.deliveredAt)} (${b.deliveryCount}×), not acknowledged yet`
                      : 'waiting for the store’s agent'}
                </Text>
                {b.ackMessage ? (
                  <Text size="xs" c={b.state === 'failed' ? 'red' : 'dimmed'}>
                    {b.ackMessage}
                  </Text>
                ) : null}
              </>
            ),
          },
          {
            key: 'file',
            header: 'File',
            cell: (b) => (
              <>
                <Group gap="xs">
                  <Button
                    size="xs"
                    variant="light"
                    aria-label={`Download ${b.format === 'naxml' ? 'NAXML' : 'JSON'} of batch ${b.seq}`}
                    onClick={() =>
                      download(batchContentPath(b.id), b.filename).catch((e: Error) =>
                        notifications.show({ color: 'red', title: 'Download failed', message: e.message }),
                      )
                    }
                  >
                    {b.format === 'naxml' ? 'NAXML' : 'JSON'}
                  </Button>
                  {can('support') && b.state !== 'ready' ? (
                    <Button
                      size="xs"
                      variant="subtle"
                      loading={resend.isPending && resend.variables === b.id}
                      onClick={() =>
                        resend.mutate(b.id, {
                          onSuccess: () => notifications.show({ color: 'teal', message: `Batch #${b.seq} is ready for the agent again.` }),
                        })
                      }
                    >
                      Send again
                    </Button>
                  ) : null}
                </Group>
                <Text size="xs" c="dimmed" ff="monospace">
                  {b.filename}
                </Text>
              </>
            ),
          },
        ]}
      />
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
  return (
    <Stack gap="xs" mt="md">
      <Title order={4}>Rejected changes</Title>
      <DataTable
        label="Rejected changes"
        what="rejected changes"
        query={rejected}
        rows={rejected.data}
        rowKey={(c) => c.id}
        empty={{ title: 'None: every decided change was accepted.' }}
        pageSize={20}
        minWidth={640}
        columns={[
          { key: 'promotion', header: 'Promotion', cell: (c) => <TwoLines main={(c.after ?? c.before)?.description} sub={`${c.kind} · ${c.externalId}`} /> },
          { key: 'reason', header: 'Reason', cell: (c) => c.reason },
          { key: 'rejected', header: 'Rejected', cell: (c) => <TwoLines main={nameOf(c.decidedBy)} sub={when(c.decidedAt)} /> },
        ]}
      />
    </Stack>
  );
}
