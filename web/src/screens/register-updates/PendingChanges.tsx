import { Alert, Anchor, Button, Checkbox, Group, Modal, SegmentedControl, Select, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { UseQueryResult } from '@tanstack/react-query';
import { Fragment, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useAuth } from '../../auth/auth';
import { type Change, cstoreApi, type Location, useCstoreMutation } from '../../cstore/api';
import { KindBadge } from '../../cstore/badges';
import { deal, fieldLabel, fieldText, matches, upcList } from '../../cstore/format';
import { DataTable, TwoLines } from '../../shell/DataTable';
import { Empty, ErrorState, Loading } from '../../shell/states';

const KINDS = ['add', 'modify', 'end'] as const;
const KIND_TITLE = { add: 'New promotions', modify: 'Changed promotions', end: 'Promotions ending' } as const;
const PAGE = 50;

/** The promotion a change is about: the new one, or for an end the one the register has. */
const promo = (c: Change) => (c.after ?? c.before)!;

/** Pending changes grouped by kind and brand, filtered, selectable, accepted or rejected. */
export function PendingChanges({ location, changes, onAccepted }: { location: Location; changes: UseQueryResult<Change[]>; onAccepted: () => void }) {
  const { can } = useAuth();
  const mayDecide = can('manage');
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState<'all' | (typeof KINDS)[number]>('all');
  const [brand, setBrand] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<null | { ids: string[] | 'all'; key: string }>(null);
  const [rejecting, setRejecting] = useState(false);

  const all = useMemo(() => changes.data ?? [], [changes.data]);
  const brands = useMemo(() => [...new Set(all.map((c) => promo(c).brand ?? '(no brand)'))].sort(), [all]);
  const shown = useMemo(
    () =>
      all
        .filter(
          (c) =>
            (kind === 'all' || c.kind === kind) &&
            (!brand || (promo(c).brand ?? '(no brand)') === brand) &&
            (matches(c.after, search) || matches(c.before, search)),
        )
        .sort(
          (a, b) =>
            KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) ||
            (promo(a).brand ?? '').localeCompare(promo(b).brand ?? '') ||
            promo(a).description.localeCompare(promo(b).description),
        ),
    [all, kind, brand, search],
  );
  // Selection only ever holds changes that are still pending.
  const live = new Set([...selected].filter((id) => all.some((c) => c.id === id)));

  const accept = useCstoreMutation((v: { ids: string[] | 'all'; key: string }) =>
    cstoreApi.accept(location.id, v.ids === 'all' ? { all: true, idempotencyKey: v.key } : { changeIds: v.ids, idempotencyKey: v.key }),
  );
  const reject = useCstoreMutation((v: { ids: string[]; reason: string }) => cstoreApi.reject(location.id, v.ids, v.reason));

  if (changes.isPending) return <Loading what="pending changes" />;
  if (changes.isError) return <ErrorState error={changes.error} retry={() => void changes.refetch()} what="pending changes" />;
  if (all.length === 0)
    return (
      <Empty title="Nothing to review">
        {location.integrationStatus === 'off'
          ? 'This location’s integration is off. Start a pilot and sync it under Locations & licenses.'
          : 'The register is up to date. New promotions appear here after the next sync (daily, or Sync now under Locations & licenses).'}{' '}
        <Anchor component={Link} to={`/locations/${location.id}`} size="sm">
          Open the location
        </Anchor>
      </Empty>
    );

  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });
  const shownIds = shown.map((c) => c.id);
  const allShownSelected = shownIds.length > 0 && shownIds.every((id) => live.has(id));
  const askAccept = (ids: string[] | 'all') => setConfirm({ ids, key: crypto.randomUUID() });

  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          label="Search"
          description="UPC, brand, description or promotion id"
          placeholder="e.g. 012300000017 or Camel"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={{ base: '100%', sm: 300 }}
        />
        <Select label="Brand" placeholder="All brands" data={brands} value={brand} onChange={setBrand} clearable searchable w={{ base: '100%', sm: 200 }} />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="kind-filter">
            Change
          </Text>
          <SegmentedControl
            aria-labelledby="kind-filter"
            value={kind}
            onChange={(v) => setKind(v as typeof kind)}
            data={[
              { value: 'all', label: `All (${all.length})` },
              ...KINDS.map((k) => ({ value: k, label: `${k[0]!.toUpperCase()}${k.slice(1)} (${all.filter((c) => c.kind === k).length})` })),
            ]}
          />
        </Stack>
      </Group>

      {mayDecide ? (
        <Group justify="space-between" wrap="wrap">
          <Checkbox
            label={`Select all ${shown.length} shown`}
            checked={allShownSelected}
            indeterminate={!allShownSelected && shownIds.some((id) => live.has(id))}
            onChange={(e) => setSelected(e.currentTarget.checked ? new Set([...live, ...shownIds]) : new Set([...live].filter((id) => !shownIds.includes(id))))}
          />
          <Group>
            <Button variant="default" color="red" disabled={live.size === 0} onClick={() => setRejecting(true)}>
              Reject selected…
            </Button>
            <Button variant="light" disabled={live.size === 0} onClick={() => askAccept([...live])}>
              Accept selected ({live.size})
            </Button>
            <Button onClick={() => askAccept('all')}>Accept all changes ({all.length})</Button>
          </Group>
        </Group>
      ) : (
        <Alert color="gray" variant="light">
          Your role can review but not accept or reject changes; a program manager or owner decides.
        </Alert>
      )}

      <DataTable
        key={`${kind}|${brand}|${search}`}
        label="Pending changes"
        rows={shown}
        rowKey={(c) => c.id}
        rowProps={(c) => ({ 'data-change-id': c.id })}
        empty={{ title: 'No change matches', hint: 'Clear the search or pick another brand or kind.' }}
        pageSize={PAGE}
        minWidth={720}
        verticalSpacing="xs"
        columns={[
          ...(mayDecide
            ? [
                {
                  key: 'select',
                  header: '',
                  width: 40,
                  cell: (c: Change) => (
                    <Checkbox
                      aria-label={`Select ${c.kind} ${promo(c).description} (${promo(c).externalId})`}
                      checked={live.has(c.id)}
                      onChange={(e) => toggle(c.id, e.currentTarget.checked)}
                    />
                  ),
                },
              ]
            : []),
          { key: 'promotion', header: 'Promotion', cell: (c) => <TwoLines main={promo(c).description} sub={`${promo(c).externalId} · ${promo(c).type}`} /> },
          {
            key: 'upcs',
            header: 'UPCs',
            cell: (c) => (
              <Text size="xs" ff="monospace">
                {upcList(promo(c).upcs)}
              </Text>
            ),
          },
          { key: 'deal', header: 'Deal', cell: (c) => <Text size="sm">{deal(promo(c))}</Text> },
          {
            key: 'dates',
            header: 'Dates',
            cell: (c) => (
              <Text size="xs">
                {promo(c).startDate} – {promo(c).endDate}
              </Text>
            ),
          },
          { key: 'change', header: 'Before → after', cell: (c) => <BeforeAfter change={c} /> },
        ]}
        body={(rows, row) => {
          // Grouped by kind and brand: a header row starts each group.
          let lastGroup = '';
          return rows.map((c, i) => {
            const p = promo(c);
            const group = `${c.kind}|${p.brand ?? '(no brand)'}`;
            const header = group !== lastGroup;
            lastGroup = group;
            return (
              <Fragment key={c.id}>
                {header ? (
                  <Table.Tr bg="var(--mantine-color-gray-0)">
                    <Table.Td colSpan={mayDecide ? 6 : 5}>
                      <Group gap="xs">
                        <KindBadge kind={c.kind} />
                        <Text fw={600} size="sm">
                          {KIND_TITLE[c.kind]} · {p.brand ?? '(no brand)'}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {shown.filter((x) => x.kind === c.kind && (promo(x).brand ?? '(no brand)') === (p.brand ?? '(no brand)')).length} changes
                        </Text>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ) : null}
                {row(c, i)}
              </Fragment>
            );
          });
        }}
      />

      <Modal opened={confirm !== null} onClose={() => setConfirm(null)} title="Accept Changes">
        <Stack>
          <Text>
            Accept {confirm?.ids === 'all' ? `all ${all.length}` : confirm?.ids.length} change
            {(confirm?.ids === 'all' ? all.length : confirm?.ids.length) === 1 ? '' : 's'} for {location.name}? They become one update batch for the register (
            {location.posSystem === 'other' ? 'JSON' : 'NAXML'}), which the store’s agent picks up.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(null)}>
              Cancel
            </Button>
            <Button
              loading={accept.isPending}
              onClick={() =>
                confirm &&
                accept.mutate(confirm, {
                  onSuccess: ({ batch }) => {
                    setConfirm(null);
                    setSelected(new Set());
                    notifications.show({
                      color: 'teal',
                      title: `Batch #${batch.seq} is ready for the register`,
                      message: `${batch.changeCount} changes, accepted by ${batch.acceptedByName}.`,
                    });
                    onAccepted();
                  },
                })
              }
            >
              Accept
            </Button>
          </Group>
        </Stack>
      </Modal>

      <RejectModal
        opened={rejecting}
        count={live.size}
        busy={reject.isPending}
        onClose={() => setRejecting(false)}
        onReject={(reason) =>
          reject.mutate(
            { ids: [...live], reason },
            {
              onSuccess: ({ rejected }) => {
                setRejecting(false);
                setSelected(new Set());
                notifications.show({
                  color: 'teal',
                  message: `Rejected ${rejected.length} change${rejected.length === 1 ? '' : 's'}; they will not come back while the feed says the same.`,
                });
              },
            },
          )
        }
      />
    </Stack>
  );
}

function BeforeAfter({ change }: { change: Change }) {
  if (change.kind === 'add')
    return (
      <Text size="xs" c="dimmed">
        new on the register
      </Text>
    );
  if (change.kind === 'end')
    return (
      <Text size="xs" c="dimmed">
        removed from the register
      </Text>
    );
  if (change.changedFields.length === 0)
    return (
      <Text size="xs" c="dimmed">
        no visible difference
      </Text>
    );
  return (
    <Stack gap={2}>
      {change.changedFields.map((f) => (
        <Text size="xs" key={f}>
          <Text span fw={600} size="xs">
            {fieldLabel(f)}:
          </Text>{' '}
          <Text span td="line-through" c="dimmed" size="xs">
            {fieldText(change.before, f)}
          </Text>{' '}
          → {fieldText(change.after, f)}
        </Text>
      ))}
    </Stack>
  );
}

export function RejectModal({
  opened,
  count,
  busy,
  onClose,
  onReject,
}: {
  opened: boolean;
  count: number;
  busy: boolean;
  onClose: () => void;
  onReject: (reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const error = touched && !reason.trim() ? 'Say why, so the next reviewer knows' : null;
  return (
    <Modal opened={opened} onClose={onClose} title={`Reject ${count} change${count === 1 ? '' : 's'}`}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (reason.trim()) onReject(reason.trim());
        }}
      >
        <Stack>
          <Textarea
            label="Reason"
            description="Kept with the change and shown in the history"
            required
            maxLength={500}
            value={reason}
            error={error}
            onChange={(e) => setReason(e.currentTarget.value)}
            onBlur={() => setTouched(true)}
            rows={3}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={busy}>
              Reject
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
