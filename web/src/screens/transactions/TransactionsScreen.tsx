import { Alert, Badge, Button, Card, Code, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, Route, Routes, useParams, useSearchParams } from 'react-router';
import { api, type Json, unwrap } from '../../api/client';
import { Can } from '../../auth/auth';
import { useProgram } from '../../shell/program';
import { useCursorPages } from '../../shell/cursor';
import { DataTable } from '../../shell/DataTable';
import { Stat } from '../../shell/Stat';
import { ErrorState, Loading, money, when } from '../../shell/states';

const STATUSES = ['OPEN', 'PENDING', 'CLAIMED', 'UNCLAIMED', 'VOIDED'] as const;
const STATUS_COLOR: Record<string, string> = { CLAIMED: 'teal', UNCLAIMED: 'yellow', VOIDED: 'gray', OPEN: 'blue', PENDING: 'blue' };

/** Transactions: search by store, day, status and receipt code; one sale's cart, points and redemptions; void. */
export default function TransactionsScreen() {
  return (
    <Routes>
      <Route index element={<TransactionSearch />} />
      <Route path=":transactionId" element={<TransactionDetail />} />
    </Routes>
  );
}

function TransactionSearch() {
  const { programId } = useProgram();
  const [params, setParams] = useSearchParams();
  const filters = {
    store: params.get('store') ?? '',
    day: params.get('day') ?? '',
    status: params.get('status') ?? '',
    receiptCode: params.get('receiptCode') ?? '',
  };
  const [draft, setDraft] = useState(filters);
  const pages = useCursorPages(`${programId}|${params.toString()}`);
  const stores = useQuery({
    queryKey: ['stores', programId],
    enabled: !!programId,
    queryFn: () => unwrap(api.GET('/admin/v1/programs/{programId}/stores', { params: { path: { programId: programId! } } })),
  });
  const list = useQuery({
    queryKey: ['transactions', programId, params.toString(), pages.cursor],
    enabled: !!programId,
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/programs/{programId}/transactions', {
          params: {
            path: { programId: programId! },
            query: {
              limit: '25',
              ...(filters.store ? { storeExternalId: filters.store } : {}),
              ...(filters.day ? { from: filters.day, to: filters.day } : {}),
              ...(filters.status ? { status: filters.status as (typeof STATUSES)[number] } : {}),
              ...(filters.receiptCode ? { receiptCode: filters.receiptCode } : {}),
              ...(pages.cursor ? { cursor: pages.cursor } : {}),
            },
          },
        }),
      ),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(Object.fromEntries(Object.entries(draft).filter(([, v]) => v.trim() !== '')));
  };
  return (
    <Stack>
      <Title order={2}>Transactions</Title>
      <form onSubmit={submit} aria-label="Find transactions">
        <Group align="flex-end">
          <Select
            label="Store"
            placeholder="Any store"
            clearable
            data={(stores.data ?? []).map((s) => ({ value: s.externalId, label: `${s.externalId} · ${s.name}` }))}
            value={draft.store || null}
            onChange={(v) => setDraft({ ...draft, store: v ?? '' })}
            w={220}
            comboboxProps={{ withinPortal: true }}
          />
          <TextInput label="Day (UTC)" type="date" value={draft.day} onChange={(e) => setDraft({ ...draft, day: e.currentTarget.value })} w={170} />
          <Select
            label="Status"
            placeholder="Any status"
            clearable
            data={[...STATUSES]}
            value={draft.status || null}
            onChange={(v) => setDraft({ ...draft, status: v ?? '' })}
            w={160}
            comboboxProps={{ withinPortal: true }}
          />
          <TextInput label="Receipt code" value={draft.receiptCode} onChange={(e) => setDraft({ ...draft, receiptCode: e.currentTarget.value })} w={220} />
          <Button type="submit">Search</Button>
        </Group>
      </form>
      <DataTable
        label="Transactions"
        what="transactions"
        query={list}
        rows={list.data?.items}
        rowKey={(t) => t.id}
        empty={{ title: 'No transactions match', hint: 'Widen the search: clear the day or the status. Sales appear here as soon as a POS sends them.' }}
        cursor={{ pages, nextCursor: list.data?.nextCursor }}
        minWidth={760}
        striped
        highlightOnHover
        columns={[
          { key: 'when', header: 'When', cell: (t) => <Link to={`/transactions/${t.id}`}>{when(t.createdAt)}</Link> },
          { key: 'store', header: 'Store', cell: (t) => t.storeExternalId },
          { key: 'receipt', header: 'Receipt code', cell: (t) => <Code>{t.receiptCode}</Code> },
          { key: 'status', header: 'Status', cell: (t) => <StatusBadge status={t.status} /> },
          { key: 'subtotal', header: 'Subtotal', cell: (t) => money(t.subtotalCents) },
          { key: 'earned', header: 'Earned', cell: (t) => t.pointsEarned },
          { key: 'redeemed', header: 'Redeemed', cell: (t) => t.pointsRedeemed },
        ]}
      />
    </Stack>
  );
}

function TransactionDetail() {
  const { transactionId = '' } = useParams();
  const { programId } = useProgram();
  const queryClient = useQueryClient();
  const [opened, { open, close }] = useDisclosure(false);
  const [reason, setReason] = useState('');
  const detail = useQuery({
    queryKey: ['transaction', programId, transactionId],
    enabled: !!programId,
    queryFn: () =>
      unwrap(api.GET('/admin/v1/programs/{programId}/transactions/{transactionId}', { params: { path: { programId: programId!, transactionId } } })),
  });
  const voiding = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/admin/v1/programs/{programId}/transactions/{transactionId}/void', {
          params: { path: { programId: programId!, transactionId } },
          body: reason.trim() ? { reason } : {},
        }),
      ),
    onSuccess: async (t) => {
      close();
      queryClient.setQueryData(['transaction', programId, transactionId], t);
      await queryClient.invalidateQueries({ queryKey: ['transactions', programId] });
    },
  });
  if (!programId || detail.isPending) return <Loading what="the transaction" />;
  if (detail.error) return <ErrorState error={detail.error} what="the transaction" retry={() => void detail.refetch()} />;
  const t = detail.data;
  const cart = t.cart as {
    lines?: { name?: string; productId?: string; quantity?: number; amountCents?: number; kind?: string; incentiveId?: string | null }[];
  } | null;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>
          Sale {t.posTransactionId} <StatusBadge status={t.status} variant="filled" />
        </Title>
        <Group>
          <Can capability="support">
            {t.status !== 'VOIDED' ? (
              <Button color="red" variant="light" onClick={open}>
                Void…
              </Button>
            ) : null}
          </Can>
          <Button component={Link} to="/transactions" variant="subtle">
            Back to search
          </Button>
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Stat label="Store" value={t.storeExternalId} />
        <Stat label="Created" value={when(t.createdAt)} />
        <Stat label="Receipt code" value={t.receiptCode} />
        <Stat label="Guest" value={t.guestId ? <Link to={`/guests/${t.guestId}`}>open guest</Link> : 'none (unclaimed)'} />
        <Stat label="Subtotal" value={money(t.subtotalCents)} />
        <Stat label="Points earned" value={String(t.pointsEarned)} />
        <Stat label="Points redeemed" value={String(t.pointsRedeemed)} />
        <Stat label="POS" value={`${t.posVendor} · terminal ${t.terminal}`} />
      </SimpleGrid>
      <Card withBorder component="section" aria-label="Cart">
        <Title order={4} mb="xs">
          Cart
        </Title>
        {cart?.lines?.length ? (
          <DataTable
            label="Cart lines"
            rows={cart.lines}
            rowKey={(_, i) => String(i)}
            columns={[
              { key: 'item', header: 'Item', cell: (l) => l.name ?? '—' },
              { key: 'product', header: 'Product', cell: (l) => l.productId },
              { key: 'type', header: 'Type', cell: (l) => `${l.kind}${l.incentiveId ? ` · ${l.incentiveId}` : ''}` },
              { key: 'qty', header: 'Qty', cell: (l) => l.quantity },
              { key: 'amount', header: 'Amount', cell: (l) => (l.amountCents === undefined ? '—' : money(l.amountCents)) },
            ]}
          />
        ) : t.cart === null ? (
          <Text c="dimmed" size="sm">
            No basket yet: the POS has identified the guest but not sent the sale.
          </Text>
        ) : (
          <Code block>{JSON.stringify(t.cart, null, 2)}</Code>
        )}
      </Card>
      <RuleResultsCard results={t.ruleResults} />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder component="section" aria-label="Redemptions">
          <Title order={4} mb="xs">
            Rewards and offers redeemed
          </Title>
          {t.redemptions.length === 0 ? (
            <Text c="dimmed" size="sm">
              None.
            </Text>
          ) : (
            t.redemptions.map((r) => (
              <Text key={`${r.incentiveId}-${r.kind}`} size="sm">
                <Link to={`/rewards/${r.incentiveId}`}>{r.incentiveId}</Link> × {r.quantity} · {r.points} points{r.voidedAt ? ' · voided' : ''}
              </Text>
            ))
          )}
        </Card>
        <Card withBorder component="section" aria-label="Points moved">
          <Title order={4} mb="xs">
            Points moved
          </Title>
          {t.ledger.length === 0 ? (
            <Text c="dimmed" size="sm">
              None.
            </Text>
          ) : (
            t.ledger.map((e) => (
              <Text key={e.id} size="sm">
                {when(e.createdAt)} · {e.kind} {e.points > 0 ? `+${e.points}` : e.points} → {e.balanceAfter}
                {e.reason ? ` · ${e.reason}` : ''}
              </Text>
            ))
          )}
        </Card>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder component="section" aria-label="What the POS was answered">
          <Title order={4} mb="xs">
            What the POS was answered
          </Title>
          {t.posAnswer ? (
            <Code block>{JSON.stringify(t.posAnswer, null, 2)}</Code>
          ) : (
            <Text c="dimmed" size="sm">
              No CLAIMED answer: the sale was not claimed at the till.
            </Text>
          )}
        </Card>
        <Card withBorder component="section" aria-label="Events">
          <Title order={4} mb="xs">
            Events
          </Title>
          {t.events.length === 0 ? (
            <Text c="dimmed" size="sm">
              None announced.
            </Text>
          ) : (
            t.events.map((e) => (
              <Text key={e.id} size="sm">
                {when(e.at)} · <Code>{e.type}</Code> · {e.dispatchedAt ? `sent to webhooks ${when(e.dispatchedAt)}` : 'not yet sent to webhooks'}
              </Text>
            ))
          )}
        </Card>
      </SimpleGrid>
      <Modal opened={opened} onClose={close} title="Void this sale?">
        <Stack>
          <Text size="sm">
            Voiding takes back the {t.pointsEarned} points it earned and gives back the {t.pointsRedeemed} it redeemed, exactly as a void from the POS. It
            cannot be undone.
          </Text>
          <Textarea label="Reason (kept in the audit log)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          {voiding.error ? <Alert color="red">{(voiding.error as Error).message}</Alert> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Keep the sale
            </Button>
            <Button color="red" loading={voiding.isPending} onClick={() => voiding.mutate()}>
              Void the sale
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function StatusBadge({ status, variant = 'light' }: { status: string; variant?: 'light' | 'filled' }) {
  return (
    <Badge variant={variant} color={STATUS_COLOR[status]}>
      {status}
    </Badge>
  );
}

type RuleResults = NonNullable<Json<'/admin/v1/programs/{programId}/transactions/{transactionId}', 'get'>['ruleResults']>;

const shown = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** What the last evaluation decided: per incentive, applied or not, and each rule's verdict with the server's reason. */
export function RuleResultsCard({ results }: { results: RuleResults | null }) {
  return (
    <Card withBorder component="section" aria-label="Rule results">
      <Title order={4} mb="xs">
        Rule results
      </Title>
      {results === null ? (
        <Text c="dimmed" size="sm">
          Not evaluated yet: the POS has not validated or updated this sale with its basket.
        </Text>
      ) : results.incentives.length === 0 ? (
        <Text c="dimmed" size="sm">
          No reward or offer in the basket ({results.stage}, {when(results.at)}): the sale only earns points.
        </Text>
      ) : (
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            As evaluated by {results.stage === 'validate' ? 'a validate (dry run)' : `the ${results.stage} update`} at {when(results.at)}.
          </Text>
          {results.incentives.map((i) => (
            <Stack key={i.incentiveId} gap={4}>
              <Group gap="xs">
                <Link to={`/rewards/${i.incentiveId}`}>{i.incentiveId}</Link>
                <Text size="sm">
                  {i.kind.toLowerCase()} × {i.quantity}
                  {i.points ? ` · ${i.points} points` : ''}
                </Text>
                <Badge color={i.applied ? 'teal' : 'red'} variant="light">
                  {i.applied ? 'applied' : 'not applied'}
                </Badge>
              </Group>
              <DataTable
                label={`Rules of ${i.incentiveId}`}
                rows={i.rules}
                rowKey={(r, n) => `${r.ruleId}-${n}`}
                empty={{ title: 'No rules: always eligible' }}
                columns={[
                  { key: 'rule', header: 'Rule', cell: (r) => <Code>{r.ruleId}</Code> },
                  {
                    key: 'verdict',
                    header: 'Verdict',
                    cell: (r) =>
                      r.passed ? (
                        <Badge color="teal" variant="light">
                          passed
                        </Badge>
                      ) : (
                        <Badge color="red" variant="light">
                          {r.failure?.code ?? 'failed'}
                        </Badge>
                      ),
                  },
                  {
                    key: 'why',
                    header: 'Why',
                    cell: (r) => (r.failure ? `${r.failure.message} (was ${shown(r.failure.currentValue)}, needs ${shown(r.failure.targetValue)})` : ''),
                  },
                ]}
              />
            </Stack>
          ))}
        </Stack>
      )}
    </Card>
  );
}
