import { Button, Code, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useAuth } from '../../auth/auth';
import { useProgram } from '../../shell/program';
import { Empty, ErrorState, Loading, when } from '../../shell/states';
import { CursorPager, useCursorPages } from '../cursor';

const ENTITY_TYPES = ['guest', 'incentive', 'program', 'store', 'api_key', 'webhook', 'admin_user', 'transaction'];
const FILTERS = ['actorId', 'entityType', 'entityId', 'action', 'from', 'to'] as const;

/** Who changed what, when: filter by actor, entity and time; newest first. */
export function AuditLog() {
  const { programId } = useProgram();
  const { me, can } = useAuth();
  const [params, setParams] = useSearchParams();
  const current = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const [draft, setDraft] = useState(current);
  const pages = useCursorPages(`${programId}|${params.toString()}`);
  const users = useQuery({ queryKey: ['users'], enabled: can('own'), queryFn: () => unwrap(api.GET('/admin/v1/users')) });
  const names = new Map((users.data ?? []).map((u) => [u.id, u.email]));
  const list = useQuery({
    queryKey: ['audit', programId, params.toString(), pages.cursor],
    enabled: !!programId,
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/audit', {
          params: { query: { programId: programId!, limit: '25', ...Object.fromEntries(Object.entries(current).filter(([, v]) => v)), ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
  });
  const actor = (a: { type: string; id: string }) => (a.id === me?.userId ? `you (${me.email})` : (names.get(a.id) ?? `${a.type} ${a.id}`));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(Object.fromEntries(Object.entries(draft).filter(([, v]) => v.trim() !== '')));
  };
  return (
    <Stack>
      <Title order={3}>Audit log</Title>
      <form onSubmit={submit} aria-label="Filter the audit log">
        <Group align="flex-end">
          <TextInput label="Actor (user id)" value={draft.actorId} onChange={(e) => setDraft({ ...draft, actorId: e.currentTarget.value })} w={220} />
          <Select label="Entity type" clearable placeholder="Any" data={ENTITY_TYPES} value={draft.entityType || null} onChange={(v) => setDraft({ ...draft, entityType: v ?? '' })} w={160} comboboxProps={{ withinPortal: true }} />
          <TextInput label="Entity id" value={draft.entityId} onChange={(e) => setDraft({ ...draft, entityId: e.currentTarget.value })} w={220} />
          <TextInput label="Action" placeholder="points.adjust" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.currentTarget.value })} w={160} />
          <TextInput type="date" label="From (UTC)" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
          <TextInput type="date" label="To (UTC)" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
          <Button type="submit">Filter</Button>
          <Button
            variant="subtle"
            onClick={() => {
              setDraft(Object.fromEntries(FILTERS.map((f) => [f, ''])) as typeof draft);
              setParams({});
            }}
          >
            Clear
          </Button>
        </Group>
      </form>
      {list.isPending ? (
        <Loading what="the audit log" />
      ) : list.error ? (
        <ErrorState error={list.error} what="the audit log" retry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <Empty title="No entries match">Every admin change and manual points adjustment is recorded here; clear a filter to see more.</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={820}>
            <Table striped aria-label="Audit entries">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Entity</Table.Th>
                  <Table.Th>Reason</Table.Th>
                  <Table.Th>Change</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{when(e.at)}</Table.Td>
                    <Table.Td>{actor(e.actor)}</Table.Td>
                    <Table.Td>
                      <Code>{e.action}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{e.entityType}</Text>
                      <Text size="xs" c="dimmed">
                        {e.entityId}
                      </Text>
                    </Table.Td>
                    <Table.Td>{e.reason ?? '—'}</Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap', maxWidth: 320 }}>
                        {e.before !== null && e.before !== undefined ? `before ${JSON.stringify(e.before)}\n` : ''}
                        {e.after !== null && e.after !== undefined ? `after ${JSON.stringify(e.after)}` : ''}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <CursorPager pages={pages} nextCursor={list.data.nextCursor} label="Audit log" />
        </>
      )}
    </Stack>
  );
}
