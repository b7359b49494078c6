import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  PasswordInput,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ApiError, fieldError, unwrap } from '../../api/client';
import { Can, useAuth } from '../../auth/auth';
import { useProgram } from '../../shell/program';
import { useCursorPages } from '../../shell/cursor';
import { DataTable, TwoLines } from '../../shell/DataTable';
import { ShownOnce } from '../../shell/ShownOnce';
import { Loading, when } from '../../shell/states';
import { VENDORS } from '../rewards/VendorPlus';

// ---- programs -------------------------------------------------------------------------------

/** Owners start another program: a slug and a name are enough (a c-store chain needs no earning). */
function NewProgram() {
  const { setProgramId } = useProgram();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState({ slug: '', name: '', currency: 'USD' });
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/admin/v1/programs', { body: draft })),
    onSuccess: async (p) => {
      setDraft({ slug: '', name: '', currency: 'USD' });
      await queryClient.invalidateQueries({ queryKey: ['programs'] });
      setProgramId(p.id);
    },
  });
  return (
    <Card withBorder component="form" aria-label="New program" onSubmit={(e: FormEvent) => (e.preventDefault(), create.mutate())}>
      <Title order={4} mb="xs">
        New program
      </Title>
      <Group align="flex-end">
        <TextInput
          label="Slug"
          description="lower-case letters, digits and dashes"
          required
          value={draft.slug}
          onChange={(e) => setDraft({ ...draft, slug: e.currentTarget.value })}
          error={fieldError(create.error, 'slug')}
        />
        <TextInput
          label="Program name"
          required
          value={draft.name}
          onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
          error={fieldError(create.error, 'name')}
        />
        <TextInput
          label="Currency"
          w={100}
          value={draft.currency}
          onChange={(e) => setDraft({ ...draft, currency: e.currentTarget.value.toUpperCase() })}
          error={fieldError(create.error, 'currency')}
        />
        <Button type="submit" loading={create.isPending}>
          Create program
        </Button>
      </Group>
      {create.error && !(create.error instanceof ApiError && create.error.details?.field) ? (
        <Alert color="red" mt="sm">
          {(create.error as Error).message}
        </Alert>
      ) : null}
    </Card>
  );
}

export function ProgramSettings() {
  return (
    <Stack>
      <ProgramForm />
      <Can capability="own">
        <NewProgram />
      </Can>
    </Stack>
  );
}

function ProgramForm() {
  const { program } = useProgram();
  const queryClient = useQueryClient();
  const { can } = useAuth();
  const [form, setForm] = useState<{ name: string; earn: number; claim: number } | null>(null);
  const current = form ?? (program ? { name: program.name, earn: program.earnRateMilli / 1000, claim: program.claimWindowDays } : null);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH('/admin/v1/programs/{programId}', {
          params: { path: { programId: program!.id } },
          body: { name: current!.name, earnRateMilli: Math.round(current!.earn * 1000), claimWindowDays: current!.claim },
        }),
      ),
    onSuccess: async () => {
      setForm(null);
      await queryClient.invalidateQueries({ queryKey: ['programs'] });
    },
  });
  if (!program || !current) return <Loading what="the program" />;
  const readOnly = !can('manage');
  return (
    <Card withBorder component="form" aria-label="Program" onSubmit={(e: FormEvent) => (e.preventDefault(), save.mutate())}>
      <Stack maw={520}>
        <Title order={3}>Program {program.slug}</Title>
        <TextInput
          label="Name"
          value={current.name}
          disabled={readOnly}
          onChange={(e) => setForm({ ...current, name: e.currentTarget.value })}
          error={fieldError(save.error, 'name')}
        />
        <NumberInput
          label={`Points per 1 ${program.currency}`}
          decimalScale={3}
          min={0}
          value={current.earn}
          disabled={readOnly}
          onChange={(v) => setForm({ ...current, earn: Number(v) || 0 })}
          error={fieldError(save.error, 'earnRateMilli')}
        />
        <NumberInput
          label="Claim window (days)"
          min={0}
          allowDecimal={false}
          value={current.claim}
          disabled={readOnly}
          onChange={(v) => setForm({ ...current, claim: Number(v) || 0 })}
          error={fieldError(save.error, 'claimWindowDays')}
        />
        <Text size="sm" c="dimmed">
          Expiry: {JSON.stringify(program.expiry)} · currency {program.currency}
        </Text>
        {!readOnly ? (
          <Group>
            <Button type="submit" loading={save.isPending} disabled={form === null}>
              Save program
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Card>
  );
}

// ---- stores ---------------------------------------------------------------------------------

export function StoreSettings() {
  const { programId } = useProgram();
  const canManage = useAuth().can('manage');
  const queryClient = useQueryClient();
  const stores = useQuery({
    queryKey: ['stores', programId],
    enabled: !!programId,
    queryFn: () => unwrap(api.GET('/admin/v1/programs/{programId}/stores', { params: { path: { programId: programId! } } })),
  });
  const [draft, setDraft] = useState({ externalId: '', name: '', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/admin/v1/programs/{programId}/stores', { params: { path: { programId: programId! } }, body: draft })),
    onSuccess: async () => {
      setDraft({ ...draft, externalId: '', name: '' });
      await queryClient.invalidateQueries({ queryKey: ['stores', programId] });
    },
  });
  const toggle = useMutation({
    mutationFn: (s: { id: string; loyaltyEnabled: boolean }) =>
      unwrap(
        api.PATCH('/admin/v1/programs/{programId}/stores/{storeId}', {
          params: { path: { programId: programId!, storeId: s.id } },
          body: { loyaltyEnabled: s.loyaltyEnabled },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['stores', programId] }),
  });
  return (
    <Stack>
      <Title order={3}>Stores</Title>
      <DataTable
        label="Stores"
        what="stores"
        query={stores}
        rows={stores.data}
        rowKey={(s) => s.id}
        empty={{ title: 'No stores yet', hint: 'Add the first store below: its number is what the POS sends as posVendor.storeId.' }}
        pageSize={25}
        striped
        columns={[
          { key: 'number', header: 'Number', cell: (s) => s.externalId },
          { key: 'name', header: 'Name', cell: (s) => s.name },
          { key: 'zone', header: 'Time zone', cell: (s) => s.timeZone },
          { key: 'groups', header: 'Groups', cell: (s) => s.groups.join(', ') || '—' },
          {
            key: 'loyalty',
            header: 'Loyalty',
            cell: (s) =>
              canManage ? (
                <Switch
                  aria-label={`Loyalty at ${s.name}`}
                  checked={s.loyaltyEnabled}
                  onChange={(e) => toggle.mutate({ id: s.id, loyaltyEnabled: e.currentTarget.checked })}
                />
              ) : (
                <Badge color={s.loyaltyEnabled ? 'teal' : 'gray'}>{s.loyaltyEnabled ? 'on' : 'off'}</Badge>
              ),
          },
        ]}
      />
      <Can capability="manage">
        <Card withBorder component="form" aria-label="New store" onSubmit={(e: FormEvent) => (e.preventDefault(), create.mutate())}>
          <Group align="flex-end">
            <TextInput
              label="Store number"
              required
              value={draft.externalId}
              onChange={(e) => setDraft({ ...draft, externalId: e.currentTarget.value })}
              error={fieldError(create.error, 'externalId')}
            />
            <TextInput
              label="Store name"
              required
              value={draft.name}
              onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
              error={fieldError(create.error, 'name')}
            />
            <TextInput
              label="Time zone"
              required
              value={draft.timeZone}
              onChange={(e) => setDraft({ ...draft, timeZone: e.currentTarget.value })}
              error={fieldError(create.error, 'timeZone')}
            />
            <Button type="submit" loading={create.isPending}>
              Add store
            </Button>
          </Group>
        </Card>
      </Can>
    </Stack>
  );
}

// ---- POS keys -------------------------------------------------------------------------------

export function KeySettings() {
  const { programId } = useProgram();
  const canOwn = useAuth().can('own');
  const queryClient = useQueryClient();
  const [shown, setShown] = useState<string | null>(null);
  const [draft, setDraft] = useState({ vendor: 'partner', environment: 'production' });
  const keys = useQuery({
    queryKey: ['keys', programId],
    enabled: !!programId,
    queryFn: () => unwrap(api.GET('/admin/v1/programs/{programId}/keys', { params: { path: { programId: programId! } } })),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['keys', programId] });
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/admin/v1/programs/{programId}/keys', { params: { path: { programId: programId! } }, body: draft })),
    onSuccess: async (r) => (setShown(r.key), await refresh()),
  });
  const rotate = useMutation({
    mutationFn: (keyId: string) =>
      unwrap(api.POST('/admin/v1/programs/{programId}/keys/{keyId}/rotate', { params: { path: { programId: programId!, keyId } } })),
    onSuccess: async (r) => (setShown(r.key), await refresh()),
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) =>
      unwrap(api.POST('/admin/v1/programs/{programId}/keys/{keyId}/revoke', { params: { path: { programId: programId!, keyId } } })),
    onSuccess: refresh,
  });
  return (
    <Stack>
      <Title order={3}>POS keys</Title>
      <DataTable
        label="POS keys"
        what="POS keys"
        query={keys}
        rows={keys.data}
        rowKey={(k) => k.id}
        empty={{ title: 'No POS keys yet', hint: 'Issue a key for each POS vendor and environment; the POS sends it as x-api-key.' }}
        pageSize={25}
        striped
        columns={[
          { key: 'vendor', header: 'Vendor', cell: (k) => k.vendor },
          { key: 'env', header: 'Environment', cell: (k) => k.environment },
          { key: 'prefix', header: 'Starts with', cell: (k) => <Code>{k.prefix}…</Code> },
          { key: 'status', header: 'Status', cell: (k) => <Badge color={k.status === 'active' ? 'teal' : 'gray'}>{k.status}</Badge> },
          { key: 'created', header: 'Created', cell: (k) => when(k.createdAt) },
        ]}
        rowActions={
          canOwn
            ? (k) =>
                k.status === 'active' ? (
                  <Group gap="xs">
                    <Button size="xs" variant="light" onClick={() => rotate.mutate(k.id)}>
                      Rotate
                    </Button>
                    <Button
                      size="xs"
                      variant="light"
                      color="red"
                      onClick={() => window.confirm(`Revoke the ${k.vendor} ${k.environment} key? POS calls with it stop working.`) && revoke.mutate(k.id)}
                    >
                      Revoke
                    </Button>
                  </Group>
                ) : null
            : undefined
        }
      />
      <Can capability="own">
        <Card withBorder component="form" aria-label="New POS key" onSubmit={(e: FormEvent) => (e.preventDefault(), create.mutate())}>
          <Group align="flex-end">
            <Select
              label="POS vendor"
              data={[...VENDORS]}
              value={draft.vendor}
              onChange={(v) => v && setDraft({ ...draft, vendor: v })}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
            />
            <TextInput
              label="Environment"
              value={draft.environment}
              onChange={(e) => setDraft({ ...draft, environment: e.currentTarget.value })}
              error={fieldError(create.error, 'environment')}
            />
            <Button type="submit" loading={create.isPending}>
              Issue key
            </Button>
          </Group>
        </Card>
      </Can>
      <ShownOnce title="The new POS key" secret={shown} onClose={() => setShown(null)} />
    </Stack>
  );
}

// ---- users ----------------------------------------------------------------------------------

const ROLES = [
  { value: 'owner', label: 'Owner — everything' },
  { value: 'program_manager', label: 'Program manager — configuration' },
  { value: 'support', label: 'Support — guests, adjustments, voids' },
  { value: 'read_only', label: 'Read-only' },
];

export function UserSettings() {
  const { can, me } = useAuth();
  const { programs } = useProgram();
  const queryClient = useQueryClient();
  const [opened, { open, close }] = useDisclosure(false);
  const [draft, setDraft] = useState({ email: '', name: '', password: '', role: 'support', programIds: [] as string[] });
  const users = useQuery({ queryKey: ['users'], enabled: can('own'), queryFn: () => unwrap(api.GET('/admin/v1/users')) });
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/admin/v1/users', { body: { ...draft, role: draft.role as 'support', programIds: draft.programIds.includes('*') ? '*' : draft.programIds } }),
      ),
    onSuccess: async () => {
      close();
      setDraft({ email: '', name: '', password: '', role: 'support', programIds: [] });
      await queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const disable = useMutation({
    mutationFn: (userId: string) => unwrap(api.POST('/admin/v1/users/{userId}/disable', { params: { path: { userId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
  if (!can('own')) return <Alert color="gray">Only owners manage users and roles.</Alert>;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>Users and roles</Title>
        <Button onClick={open}>New user</Button>
      </Group>
      <DataTable
        label="Users"
        what="users"
        query={users}
        rows={users.data}
        rowKey={(u) => u.id}
        empty={{ title: 'No users yet', hint: 'Add the people who run the program.' }}
        pageSize={25}
        striped
        columns={[
          { key: 'email', header: 'E-mail', cell: (u) => u.email },
          { key: 'name', header: 'Name', cell: (u) => u.name },
          { key: 'role', header: 'Role', cell: (u) => u.role },
          {
            key: 'programs',
            header: 'Programs',
            cell: (u) => (u.programIds === '*' ? 'all' : u.programIds.map((id) => programs.find((p) => p.id === id)?.name ?? id).join(', ')),
          },
          { key: 'status', header: 'Status', cell: (u) => (u.disabledAt ? <Badge color="gray">disabled</Badge> : <Badge color="teal">active</Badge>) },
        ]}
        rowActions={(u) =>
          !u.disabledAt && u.id !== me?.userId ? (
            <Button
              size="xs"
              variant="light"
              color="red"
              onClick={() => window.confirm(`Disable ${u.email}? Their sessions end at once.`) && disable.mutate(u.id)}
            >
              Disable
            </Button>
          ) : null
        }
      />
      <Modal opened={opened} onClose={close} title="New user">
        <form onSubmit={(e) => (e.preventDefault(), create.mutate())}>
          <Stack>
            <TextInput
              label="E-mail"
              required
              value={draft.email}
              onChange={(e) => setDraft({ ...draft, email: e.currentTarget.value })}
              error={fieldError(create.error, 'email')}
            />
            <TextInput label="Name" required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
            <PasswordInput
              label="Password (10+ characters)"
              required
              value={draft.password}
              onChange={(e) => setDraft({ ...draft, password: e.currentTarget.value })}
              error={fieldError(create.error, 'password')}
            />
            <Select
              label="Role"
              data={ROLES}
              value={draft.role}
              onChange={(v) => v && setDraft({ ...draft, role: v })}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
            />
            <MultiSelect
              label="Programs"
              data={[{ value: '*', label: 'Every program' }, ...programs.map((p) => ({ value: p.id, label: p.name }))]}
              value={draft.programIds}
              onChange={(v) => setDraft({ ...draft, programIds: v })}
              comboboxProps={{ withinPortal: true }}
              error={fieldError(create.error, 'programIds')}
            />
            {create.error && !(create.error instanceof ApiError && create.error.details?.field) ? (
              <Alert color="red">{(create.error as Error).message}</Alert>
            ) : null}
            <Button type="submit" loading={create.isPending}>
              Create user
            </Button>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}

// ---- webhooks -------------------------------------------------------------------------------

const EVENT_TYPES = ['*', 'transaction.claimed', 'transaction.voided', 'points.adjusted', 'points.expired', 'receipt.claimed'];

export function WebhookSettings() {
  const { programId } = useProgram();
  const canOwn = useAuth().can('own');
  const queryClient = useQueryClient();
  const [shown, setShown] = useState<string | null>(null);
  const [draft, setDraft] = useState({ url: '', eventTypes: ['*'], description: '' });
  const hooks = useQuery({
    queryKey: ['webhooks', programId],
    enabled: !!programId,
    queryFn: () => unwrap(api.GET('/admin/v1/programs/{programId}/webhooks', { params: { path: { programId: programId! } } })),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['webhooks', programId] });
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/admin/v1/programs/{programId}/webhooks', { params: { path: { programId: programId! } }, body: draft })),
    onSuccess: async (r) => (setShown(r.secret), setDraft({ url: '', eventTypes: ['*'], description: '' }), await refresh()),
  });
  const rotate = useMutation({
    mutationFn: (webhookId: string) =>
      unwrap(api.POST('/admin/v1/programs/{programId}/webhooks/{webhookId}/rotate-secret', { params: { path: { programId: programId!, webhookId } } })),
    onSuccess: async (r) => (setShown(r.secret), await refresh()),
  });
  const toggle = useMutation({
    mutationFn: (w: { id: string; active: boolean }) =>
      unwrap(
        api.PATCH('/admin/v1/programs/{programId}/webhooks/{webhookId}', {
          params: { path: { programId: programId!, webhookId: w.id } },
          body: { active: w.active },
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <Stack>
      <Title order={3}>Webhooks</Title>
      <DataTable
        label="Webhooks"
        what="webhooks"
        query={hooks}
        rows={hooks.data}
        rowKey={(w) => w.id}
        empty={{ title: 'No webhooks yet', hint: 'A webhook receives signed events (claims, voids, adjustments, expiry) at your URL.' }}
        pageSize={25}
        striped
        columns={[
          { key: 'url', header: 'URL', cell: (w) => w.url },
          { key: 'events', header: 'Events', cell: (w) => w.eventTypes.join(', ') },
          { key: 'secret', header: 'Secret', cell: (w) => <Code>{w.secretPrefix}…</Code> },
          {
            key: 'active',
            header: 'Active',
            cell: (w) => (
              <Switch
                aria-label={`Webhook ${w.url} active`}
                checked={w.active}
                disabled={!canOwn}
                onChange={(e) => toggle.mutate({ id: w.id, active: e.currentTarget.checked })}
              />
            ),
          },
        ]}
        rowActions={
          canOwn
            ? (w) => (
                <Button size="xs" variant="light" onClick={() => rotate.mutate(w.id)}>
                  Rotate secret
                </Button>
              )
            : undefined
        }
      />
      <Can capability="own">
        <Card withBorder component="form" aria-label="New webhook" onSubmit={(e: FormEvent) => (e.preventDefault(), create.mutate())}>
          <Group align="flex-end">
            <TextInput
              label="URL"
              required
              placeholder="https://example.com/tillpoint"
              value={draft.url}
              onChange={(e) => setDraft({ ...draft, url: e.currentTarget.value })}
              error={fieldError(create.error, 'url')}
              w={320}
            />
            <MultiSelect
              label="Events"
              data={EVENT_TYPES}
              value={draft.eventTypes}
              onChange={(v) => setDraft({ ...draft, eventTypes: v })}
              w={280}
              comboboxProps={{ withinPortal: true }}
            />
            <TextInput label="Description" value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.currentTarget.value })} />
            <Button type="submit" loading={create.isPending}>
              Add webhook
            </Button>
          </Group>
        </Card>
      </Can>
      <ShownOnce title="The webhook's signing secret" secret={shown} onClose={() => setShown(null)} />
      <WebhookDeliveries urls={new Map((hooks.data ?? []).map((w) => [w.id, w.url]))} />
    </Stack>
  );
}

const DELIVERY_STATUSES = ['pending', 'delivering', 'delivered', 'dead'] as const;
const DELIVERY_COLOR = { pending: 'blue', delivering: 'blue', delivered: 'teal', dead: 'red' } as const;

/** Each event sent to each webhook: its attempts and last answer; a dead one can be sent again. */
function WebhookDeliveries({ urls }: { urls: Map<string, string> }) {
  const { programId } = useProgram();
  const canManage = useAuth().can('manage');
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<(typeof DELIVERY_STATUSES)[number] | null>(null);
  const pages = useCursorPages(`${programId}|${status}`);
  const list = useQuery({
    queryKey: ['webhook-deliveries', programId, status, pages.cursor],
    enabled: !!programId,
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/programs/{programId}/webhook-deliveries', {
          params: { path: { programId: programId! }, query: { limit: '25', ...(status ? { status } : {}), ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
  });
  const resend = useMutation({
    mutationFn: (deliveryId: string) =>
      unwrap(api.POST('/admin/v1/programs/{programId}/webhook-deliveries/{deliveryId}/resend', { params: { path: { programId: programId!, deliveryId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['webhook-deliveries', programId] }),
  });
  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-end">
        <Title order={4}>Deliveries</Title>
        <Select
          label="Status"
          placeholder="Any"
          clearable
          data={[...DELIVERY_STATUSES]}
          value={status}
          onChange={(v) => setStatus(v as typeof status)}
          w={160}
          comboboxProps={{ withinPortal: true }}
        />
      </Group>
      <DataTable
        label="Webhook deliveries"
        what="webhook deliveries"
        query={list}
        rows={list.data?.items}
        rowKey={(d) => d.id}
        empty={{ title: 'No deliveries', hint: 'Each event a webhook subscribes to is delivered here, retried with backoff until it succeeds or goes dead.' }}
        cursor={{ pages, nextCursor: list.data?.nextCursor }}
        minWidth={760}
        striped
        columns={[
          { key: 'event', header: 'Event', cell: (d) => <TwoLines main={<Code>{d.eventType}</Code>} sub={when(d.createdAt)} /> },
          { key: 'webhook', header: 'Webhook', cell: (d) => urls.get(d.webhookId) ?? d.webhookId },
          { key: 'status', header: 'Status', cell: (d) => <Badge color={DELIVERY_COLOR[d.status]}>{d.status}</Badge> },
          { key: 'attempts', header: 'Attempts', cell: (d) => d.attempts },
          { key: 'last', header: 'Last answer', cell: (d) => <TwoLines main={d.lastStatusCode ?? '—'} sub={d.lastError ?? when(d.lastAttemptAt)} /> },
        ]}
        rowActions={
          canManage
            ? (d) =>
                d.status === 'dead' || d.status === 'delivered' ? (
                  <Button size="xs" variant="light" loading={resend.isPending && resend.variables === d.id} onClick={() => resend.mutate(d.id)}>
                    Send again
                  </Button>
                ) : null
            : undefined
        }
      />
    </Stack>
  );
}
