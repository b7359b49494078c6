import { Button, Code, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useAuth } from '../../auth/auth';
import { useProgram } from '../../shell/program';
import { useCursorPages } from '../../shell/cursor';
import { DataTable } from '../../shell/DataTable';
import { when } from '../../shell/states';

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
  // Owners pick any user; others can filter on themselves (the user list is an owner's to read).
  const actors = [
    ...new Map([
      ...(me ? [[me.userId, `you (${me.email})`] as const] : []),
      ...(users.data ?? []).filter((u) => u.id !== me?.userId).map((u) => [u.id, u.email] as const),
    ]),
  ].map(([value, label]) => ({ value, label }));
  if (current.actorId && !actors.some((a) => a.value === current.actorId)) actors.push({ value: current.actorId, label: current.actorId });
  const list = useQuery({
    queryKey: ['audit', programId, params.toString(), pages.cursor],
    enabled: !!programId,
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/audit', {
          params: {
            query: {
              programId: programId!,
              limit: '25',
              ...Object.fromEntries(Object.entries(current).filter(([, v]) => v)),
              ...(pages.cursor ? { cursor: pages.cursor } : {}),
            },
          },
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
          <Select
            label="Actor"
            placeholder="Anyone"
            clearable
            searchable
            data={actors}
            value={draft.actorId || null}
            onChange={(v) => setDraft({ ...draft, actorId: v ?? '' })}
            w={240}
            comboboxProps={{ withinPortal: true }}
          />
          <Select
            label="Entity type"
            clearable
            placeholder="Any"
            data={ENTITY_TYPES}
            value={draft.entityType || null}
            onChange={(v) => setDraft({ ...draft, entityType: v ?? '' })}
            w={160}
            comboboxProps={{ withinPortal: true }}
          />
          <TextInput label="Entity id" value={draft.entityId} onChange={(e) => setDraft({ ...draft, entityId: e.currentTarget.value })} w={220} />
          <TextInput
            label="Action"
            placeholder="points.adjust"
            value={draft.action}
            onChange={(e) => setDraft({ ...draft, action: e.currentTarget.value })}
            w={160}
          />
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
      <DataTable
        label="Audit entries"
        what="the audit log"
        query={list}
        rows={list.data?.items}
        rowKey={(e) => e.id}
        empty={{ title: 'No entries match', hint: 'Every admin change and manual points adjustment is recorded here; clear a filter to see more.' }}
        cursor={{ pages, nextCursor: list.data?.nextCursor }}
        minWidth={820}
        striped
        columns={[
          { key: 'when', header: 'When', cell: (e) => when(e.at) },
          { key: 'who', header: 'Who', cell: (e) => actor(e.actor) },
          { key: 'action', header: 'Action', cell: (e) => <Code>{e.action}</Code> },
          {
            key: 'entity',
            header: 'Entity',
            cell: (e) => (
              <>
                <Text size="sm">{e.entityType}</Text>
                <Text size="xs" c="dimmed">
                  {e.entityId}
                </Text>
              </>
            ),
          },
          { key: 'reason', header: 'Reason', cell: (e) => e.reason ?? '—' },
          {
            key: 'change',
            header: 'Change',
            cell: (e) => (
              <Text size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap', maxWidth: 320 }}>
                {e.before !== null && e.before !== undefined ? `before ${JSON.stringify(e.before)}\n` : ''}
                {e.after !== null && e.after !== undefined ? `after ${JSON.stringify(e.after)}` : ''}
              </Text>
            ),
          },
        ]}
      />
    </Stack>
  );
}
