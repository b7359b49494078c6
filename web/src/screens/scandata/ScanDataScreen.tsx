import { Anchor, Badge, Button, Card, Group, Menu, Modal, Select, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { download, fieldError } from '../../api/client';
import { useAuth } from '../../auth/auth';
import { useCstoreMutation } from '../../cstore/api';
import { localTimes } from '../../cstore/badges';
import {
  MANUFACTURERS,
  manufacturerLabel,
  type ScanDataAccount,
  SUBMISSION_STATUSES,
  type Submission,
  type SubmissionFilters,
  scanDataApi,
  submissionActions,
  submissionFilePath,
  useScanDataAccounts,
  useSubmissions,
} from '../../cstore/scandata';
import { useCursorPages } from '../../shell/cursor';
import { DataTable, TwoLines } from '../../shell/DataTable';
import { useProgram } from '../../shell/program';
import { when } from '../../shell/states';
import { AccountForm, type AccountSubmit } from './AccountForm';
import { ConfirmModal, RejectionForm, ReleaseForm } from './SubmissionForms';

const STATUS_COLOR: Record<Submission['status'], string> = {
  pending: 'gray',
  held: 'orange',
  invalid: 'red',
  generated: 'blue',
  submitted: 'green',
  rejected: 'red',
  late: 'red',
};

/** The status in the server's word; a late week also says what it holds. */
export function SubmissionBadge({ s }: { s: Pick<Submission, 'status' | 'state'> }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Badge color={STATUS_COLOR[s.status]} variant={s.status === 'late' ? 'filled' : 'light'}>
        {s.status}
      </Badge>
      {s.status === 'late' && s.state !== 'pending' ? (
        <Badge color={STATUS_COLOR[s.state]} variant="light">
          {s.state}
        </Badge>
      ) : null}
    </Group>
  );
}

/** "Dec 1 – Dec 7, 2026" from the week's first and last day (dates, no time zone shift). */
export function weekLabel(start: string, end: string): string {
  const d = (iso: string) => new Date(`${iso}T12:00:00Z`);
  const short = { month: 'short', day: 'numeric', timeZone: 'UTC' } as const;
  return `${d(start).toLocaleDateString(undefined, short)} – ${d(end).toLocaleDateString(undefined, { ...short, year: 'numeric' })}`;
}

function ValidationCell({ s }: { s: Submission }) {
  if (!s.validation)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  if (s.validation.ok)
    return (
      <Badge color="green" variant="light">
        valid
      </Badge>
    );
  const codes = Object.entries(s.validation.byCode)
    .map(([code, n]) => `${code}: ${n}`)
    .join(', ');
  return (
    <Tooltip label={codes || 'violations'} multiline maw={320}>
      <Badge color="red" variant="light">
        {s.validation.violationCount} violation{s.validation.violationCount === 1 ? '' : 's'}
      </Badge>
    </Tooltip>
  );
}

function DueCell({ s }: { s: Submission }) {
  return (
    <>
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {when(s.dueAt)}
      </Text>
      {s.warning ? (
        <Tooltip label={localTimes(s.warning)} multiline maw={320}>
          <Badge color={s.late ? 'red' : 'orange'} variant="outline" size="sm" aria-label={localTimes(s.warning)}>
            {s.late ? 'late' : 'due soon'}
          </Badge>
        </Tooltip>
      ) : null}
    </>
  );
}

const shortLabel = (m: string) => (m === 'rjr' ? 'RJR' : manufacturerLabel(m));
const count = (n: number | null) => (n === null ? '—' : n.toLocaleString());

type ActionKind = 'generate' | 'submit' | 'reject' | 'release';

/**
 * A week's row actions: what its state allows, and of that only what the role may do — a `read`
 * role sees Download alone (the API would refuse the rest anyway). Nothing when nothing is allowed.
 */
export function SubmissionActions({
  s,
  canManage,
  onAction,
  onDownload,
}: {
  s: Submission;
  canManage: boolean;
  onAction: (kind: ActionKind) => void;
  onDownload: () => void;
}) {
  const a = submissionActions(s);
  const items = [
    canManage && a.generate ? (
      <Menu.Item key="generate" onClick={() => onAction('generate')}>
        {a.generate}
      </Menu.Item>
    ) : null,
    a.download ? (
      <Menu.Item key="download" onClick={onDownload}>
        Download
      </Menu.Item>
    ) : null,
    canManage && a.submit ? (
      <Menu.Item key="submit" onClick={() => onAction('submit')}>
        Mark submitted
      </Menu.Item>
    ) : null,
    canManage && a.reject ? (
      <Menu.Item key="reject" color="red" onClick={() => onAction('reject')}>
        Record rejection
      </Menu.Item>
    ) : null,
    canManage && a.release ? (
      <Menu.Item key="release" onClick={() => onAction('release')}>
        Release
      </Menu.Item>
    ) : null,
  ].filter(Boolean);
  if (!items.length) return null;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button size="xs" variant="light" aria-label={`Actions for ${s.manufacturer} ${s.accountNumber} week ${s.weekStart}`}>
          Actions
        </Button>
      </Menu.Target>
      <Menu.Dropdown>{items}</Menu.Dropdown>
    </Menu>
  );
}

type Pending = { kind: ActionKind; s: Submission } | null;

/**
 * Scan data (issue 12): the week's files per manufacturer account — generate, check, download,
 * mark submitted, record the collector's rejection, release a held week — and the accounts.
 */
export default function ScanDataScreen() {
  const { programId } = useProgram();
  return (
    <Stack>
      <Title order={2}>Scan data</Title>
      <Text c="dimmed">
        Every week each manufacturer account needs its file of tobacco sales, priced with the promotions accepted at the time. Generate it, check it is valid,
        send it to the collector and mark it submitted before it is due (RJR: Wednesday 17:00 US Eastern).
      </Text>
      <SubmissionsCard programId={programId} />
      <AccountsCard programId={programId} />
    </Stack>
  );
}

function SubmissionsCard({ programId }: { programId: string | null }) {
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const filters: SubmissionFilters = {
    manufacturer: params.get('manufacturer') ?? '',
    accountId: params.get('account') ?? '',
    week: params.get('week') ?? '',
    status: params.get('status') ?? '',
  };
  const [draft, setDraft] = useState(filters);
  const pages = useCursorPages(`${programId}|${params.toString()}`);
  const list = useSubmissions(programId, filters, pages.cursor);
  const accounts = useScanDataAccounts(programId);
  const [pending, setPending] = useState<Pending>(null);

  const generate = useCstoreMutation((s: Submission) => scanDataApi.generate(programId!, s.accountId, s.weekStart));
  const submit = useCstoreMutation((s: Submission) => scanDataApi.markSubmitted(s.id!));
  const reject = useCstoreMutation((v: { s: Submission; code: string; message: string | null }) =>
    scanDataApi.recordRejection(v.s.id!, { code: v.code, message: v.message }),
  );
  const release = useCstoreMutation((v: { s: Submission; reason: string | null }) => scanDataApi.release(v.s.id!, v.reason));

  const open = (p: Pending) => {
    for (const m of [generate, submit, reject, release]) m.reset();
    setPending(p);
  };
  const close = () => setPending(null);
  const done = (message: string) => {
    setPending(null);
    notifications.show({ color: 'teal', message });
  };

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const next: Record<string, string> = {};
    if (draft.manufacturer) next.manufacturer = draft.manufacturer;
    if (draft.accountId) next.account = draft.accountId;
    if (draft.week) next.week = draft.week;
    if (draft.status) next.status = draft.status;
    setParams(next);
  };

  const accountLabel = (a: ScanDataAccount) => `${manufacturerLabel(a.manufacturer)} · ${a.accountNumber} · ${a.retailerName}`;
  const s = pending?.s;
  const what = s ? `${manufacturerLabel(s.manufacturer)} ${s.accountNumber}, week ${weekLabel(s.weekStart, s.weekEnd)}` : '';

  return (
    <Card withBorder>
      <Title order={4} mb="sm">
        Weekly files
      </Title>
      <form onSubmit={apply} aria-label="Filter submissions">
        <Group align="flex-end" mb="sm" wrap="wrap">
          <Select
            label="Manufacturer"
            placeholder="Any"
            clearable
            data={MANUFACTURERS}
            value={draft.manufacturer || null}
            onChange={(v) => setDraft({ ...draft, manufacturer: v ?? '' })}
            w={200}
            comboboxProps={{ withinPortal: true }}
          />
          <Select
            label="Account"
            placeholder="Any"
            clearable
            data={(accounts.data ?? []).map((a) => ({ value: a.id, label: accountLabel(a) }))}
            value={draft.accountId || null}
            onChange={(v) => setDraft({ ...draft, accountId: v ?? '' })}
            w={280}
            comboboxProps={{ withinPortal: true }}
          />
          <TextInput
            label="Week of"
            type="date"
            value={draft.week}
            onChange={(e) => setDraft({ ...draft, week: e.currentTarget.value })}
            error={fieldError(list.error, 'week')}
            w={170}
          />
          <Select
            label="Status"
            placeholder="Any"
            clearable
            data={SUBMISSION_STATUSES}
            value={draft.status || null}
            onChange={(v) => setDraft({ ...draft, status: v ?? '' })}
            w={150}
            comboboxProps={{ withinPortal: true }}
          />
          <Button type="submit">Show</Button>
        </Group>
      </form>
      <DataTable
        label="Scan-data submissions"
        what="submissions"
        query={list}
        rows={list.data?.items}
        rowKey={(r) => `${r.accountId}|${r.weekStart}`}
        rowProps={(r) => ({ 'data-submission-id': r.id ?? '', 'data-week': r.weekStart })}
        empty={{
          title: 'No weeks to show',
          hint: accounts.data?.length
            ? 'Nothing matches: clear a filter, or pick another week.'
            : 'Add a scan-data account below (an owner does): its ended weeks appear here, one row per week.',
        }}
        cursor={{ pages, nextCursor: list.data?.nextCursor }}
        minWidth={960}
        highlightOnHover
        columns={[
          {
            key: 'week',
            header: 'Week',
            cell: (r) => <TwoLines main={weekLabel(r.weekStart, r.weekEnd)} sub={r.generation ? `generation ${r.generation}` : 'not generated'} />,
          },
          { key: 'manufacturer', header: 'Manufacturer', cell: (r) => shortLabel(r.manufacturer) },
          {
            key: 'account',
            header: 'Account',
            cell: (r) => (
              <Text size="sm" ff="monospace">
                {r.accountNumber}
              </Text>
            ),
          },
          { key: 'outlets', header: 'Outlets', cell: (r) => count(r.outlets) },
          { key: 'transactions', header: 'Transactions', cell: (r) => count(r.transactions) },
          { key: 'rows', header: 'Rows', cell: (r) => count(r.rows) },
          {
            key: 'status',
            header: 'Status',
            cell: (r) => (
              <>
                <SubmissionBadge s={r} />
                {r.holdReason && r.state === 'held' ? (
                  <Text size="xs" c="dimmed">
                    {r.holdReason}
                  </Text>
                ) : null}
                {r.state === 'rejected' ? (
                  <Text size="xs" c="red">
                    {r.rejectionCode}
                    {r.rejectionMessage ? `: ${r.rejectionMessage}` : ''}
                  </Text>
                ) : null}
                {r.state === 'submitted' ? (
                  <Text size="xs" c="dimmed">
                    {when(r.submittedAt)}
                    {r.submittedBy ? ` by ${r.submittedBy}` : ''}
                  </Text>
                ) : null}
              </>
            ),
          },
          { key: 'due', header: 'Due', cell: (r) => <DueCell s={r} /> },
          { key: 'validation', header: 'Validation', cell: (r) => <ValidationCell s={r} /> },
        ]}
        rowActions={(r) => (
          <SubmissionActions
            s={r}
            canManage={can('manage')}
            onAction={(kind) => open({ kind, s: r })}
            onDownload={() =>
              void download(submissionFilePath(r.id!), r.fileName ?? 'scandata.txt').catch((e: Error) =>
                notifications.show({ color: 'red', title: 'Download failed', message: e.message }),
              )
            }
          />
        )}
      />

      <ConfirmModal
        opened={pending?.kind === 'generate'}
        title={s?.generation ? 'Generate the week again' : 'Generate the week’s file'}
        confirm={s?.generation ? 'Regenerate' : 'Generate'}
        busy={generate.isPending}
        error={generate.error}
        onClose={close}
        onConfirm={() =>
          s &&
          generate.mutate(s, {
            onSuccess: (r) =>
              done(`${r.fileName ?? 'The file'}: ${r.state}${r.validation && !r.validation.ok ? `, ${r.validation.violationCount} violations` : ''}`),
          })
        }
      >
        <Text size="sm">
          {what}: the week’s sales, priced with the promotions accepted at each sale’s moment, are written and validated.
          {s?.generation ? ` This supersedes generation ${s.generation}; its file stays on record.` : ''}
        </Text>
      </ConfirmModal>

      <ConfirmModal
        opened={pending?.kind === 'submit'}
        title="Mark submitted"
        confirm="Mark submitted"
        busy={submit.isPending}
        error={submit.error}
        onClose={close}
        onConfirm={() => s && submit.mutate(s, { onSuccess: () => done('Marked submitted') })}
      >
        <Text size="sm">
          {what}: you sent {s?.fileName ?? 'the file'} to the collector. Who and when are recorded; after this the week can only be generated again once a
          rejection is recorded.
        </Text>
      </ConfirmModal>

      <Modal opened={pending?.kind === 'reject'} onClose={close} title={`Record rejection — ${what}`}>
        <RejectionForm
          busy={reject.isPending}
          error={reject.error}
          onCancel={close}
          onSubmit={(body) => s && reject.mutate({ s, code: body.code, message: body.message ?? null }, { onSuccess: () => done('Rejection recorded') })}
        />
      </Modal>

      <Modal opened={pending?.kind === 'release'} onClose={close} title={`Release — ${what}`}>
        <ReleaseForm
          holdReason={s?.holdReason ?? null}
          busy={release.isPending}
          error={release.error}
          onCancel={close}
          onSubmit={(reason) => s && release.mutate({ s, reason }, { onSuccess: () => done('Released: the file is offered') })}
        />
      </Modal>
    </Card>
  );
}

function AccountsCard({ programId }: { programId: string | null }) {
  const { can } = useAuth();
  const accounts = useScanDataAccounts(programId);
  const [editing, setEditing] = useState<ScanDataAccount | 'new' | null>(null);
  const save = useCstoreMutation((v: AccountSubmit) =>
    'create' in v ? scanDataApi.createAccount(programId!, v.create) : scanDataApi.updateAccount((editing as ScanDataAccount).id, v.update),
  );
  const owner = can('own');
  return (
    <Card withBorder>
      <Group justify="space-between" mb="sm">
        <Title order={4}>Accounts</Title>
        {owner ? (
          <Button
            size="xs"
            variant="light"
            onClick={() => {
              save.reset();
              setEditing('new');
            }}
          >
            Add account
          </Button>
        ) : null}
      </Group>
      <DataTable
        label="Scan-data accounts"
        what="scan-data accounts"
        query={accounts}
        rows={accounts.data}
        rowKey={(a) => a.id}
        rowProps={(a) => ({ 'data-account-id': a.id })}
        empty={{
          title: 'No scan-data accounts',
          hint: owner ? 'Add one per manufacturer account number (RJR, Altria).' : 'An owner adds one per manufacturer account number.',
        }}
        minWidth={800}
        columns={[
          { key: 'manufacturer', header: 'Manufacturer', cell: (a) => manufacturerLabel(a.manufacturer) },
          {
            key: 'number',
            header: 'Account number',
            cell: (a) => (
              <Text size="sm" ff="monospace">
                {a.accountNumber}
              </Text>
            ),
          },
          { key: 'retailer', header: 'Retailer', cell: (a) => <TwoLines main={a.retailerName} sub={`submitter: ${a.submitterName}`} /> },
          {
            key: 'options',
            header: 'Format options',
            cell: (a) => (
              <Text size="xs" ff="monospace">
                {Object.entries(a.options)
                  .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
                  .join(', ') || 'defaults'}
              </Text>
            ),
          },
          { key: 'outlets', header: 'Outlets', cell: (a) => (a.outlets ? `${a.outlets.length} listed` : 'licensed locations') },
          {
            key: 'files',
            header: 'Files',
            cell: (a) => (
              <Anchor component={Link} size="sm" to={`?account=${encodeURIComponent(a.id)}`}>
                weeks
              </Anchor>
            ),
          },
          { key: 'updated', header: 'Updated', cell: (a) => when(a.updatedAt) },
        ]}
        rowActions={
          owner
            ? (a) => (
                <Button
                  size="xs"
                  variant="subtle"
                  aria-label={`Edit ${a.manufacturer} account ${a.accountNumber}`}
                  onClick={() => {
                    save.reset();
                    setEditing(a);
                  }}
                >
                  Edit
                </Button>
              )
            : undefined
        }
      />
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? 'Add scan-data account' : 'Edit scan-data account'}
        size="lg"
      >
        {editing !== null ? (
          <AccountForm
            key={editing === 'new' ? 'new' : editing.id}
            current={editing === 'new' ? null : editing}
            busy={save.isPending}
            error={save.error}
            onSubmit={(v) =>
              save.mutateAsync(v).then(
                (a) => {
                  setEditing(null);
                  notifications.show({ color: 'teal', message: `Account ${a.accountNumber} saved; the number is stored sealed.` });
                },
                () => undefined,
              )
            }
          />
        ) : null}
      </Modal>
    </Card>
  );
}
