import { Alert, Badge, Button, Card, Code, Group, Modal, Select, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link, Route, Routes, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Can } from '../../auth/auth';
import { useProgram } from '../../shell/program';
import { Empty, ErrorState, Loading, money, when } from '../../shell/states';
import { CursorPager, useCursorPages } from '../cursor';

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
  const filters = { store: params.get('store') ?? '', day: params.get('day') ?? '', status: params.get('status') ?? '', receiptCode: params.get('receiptCode') ?? '' };
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
          <Select label="Status" placeholder="Any status" clearable data={[...STATUSES]} value={draft.status || null} onChange={(v) => setDraft({ ...draft, status: v ?? '' })} w={160} comboboxProps={{ withinPortal: true }} />
          <TextInput label="Receipt code" value={draft.receiptCode} onChange={(e) => setDraft({ ...draft, receiptCode: e.currentTarget.value })} w={220} />
          <Button type="submit">Search</Button>
        </Group>
      </form>
      {list.isPending ? (
        <Loading what="transactions" />
      ) : list.error ? (
        <ErrorState error={list.error} what="transactions" retry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <Empty title="No transactions match">Widen the search: clear the day or the status. Sales appear here as soon as a POS sends them.</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover aria-label="Transactions">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Store</Table.Th>
                  <Table.Th>Receipt code</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Subtotal</Table.Th>
                  <Table.Th>Earned</Table.Th>
                  <Table.Th>Redeemed</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((t) => (
                  <Table.Tr key={t.id}>
                    <Table.Td>
                      <Link to={`/transactions/${t.id}`}>{when(t.createdAt)}</Link>
                    </Table.Td>
                    <Table.Td>{t.storeExternalId}</Table.Td>
                    <Table.Td>
                      <Code>{t.receiptCode}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={STATUS_COLOR[t.status]}>
                        {t.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{money(t.subtotalCents)}</Table.Td>
                    <Table.Td>{t.pointsEarned}</Table.Td>
                    <Table.Td>{t.pointsRedeemed}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <CursorPager pages={pages} nextCursor={list.data.nextCursor} label="Transactions" />
        </>
      )}
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
    queryFn: () => unwrap(api.GET('/admin/v1/programs/{programId}/transactions/{transactionId}', { params: { path: { programId: programId!, transactionId } } })),
  });
  const voiding = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/admin/v1/programs/{programId}/transactions/{transactionId}/void', { params: { path: { programId: programId!, transactionId } }, body: reason.trim() ? { reason } : {} })),
    onSuccess: async (t) => {
      close();
      queryClient.setQueryData(['transaction', programId, transactionId], t);
      await queryClient.invalidateQueries({ queryKey: ['transactions', programId] });
    },
  });
  if (!programId || detail.isPending) return <Loading what="the transaction" />;
  if (detail.error) return <ErrorState error={detail.error} what="the transaction" retry={() => void detail.refetch()} />;
  const t = detail.data;
  const cart = t.cart as { lines?: { name?: string; productId?: string; quantity?: number; amountCents?: number; kind?: string; incentiveId?: string | null }[] } | null;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>
          Sale {t.posTransactionId} <Badge color={STATUS_COLOR[t.status]}>{t.status}</Badge>
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
        <Fact label="Store" value={t.storeExternalId} />
        <Fact label="Created" value={when(t.createdAt)} />
        <Fact label="Receipt code" value={t.receiptCode} />
        <Fact label="Guest" value={t.guestId ? <Link to={`/guests/${t.guestId}`}>open guest</Link> : 'none (unclaimed)'} />
        <Fact label="Subtotal" value={money(t.subtotalCents)} />
        <Fact label="Points earned" value={String(t.pointsEarned)} />
        <Fact label="Points redeemed" value={String(t.pointsRedeemed)} />
        <Fact label="POS" value={`${t.posVendor} · terminal ${t.terminal}`} />
      </SimpleGrid>
      <Card withBorder component="section" aria-label="Cart">
        <Title order={4} mb="xs">
          Cart
        </Title>
        {cart?.lines?.length ? (
          <Table aria-label="Cart lines">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Item</Table.Th>
                <Table.Th>Product</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Qty</Table.Th>
                <Table.Th>Amount</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {cart.lines.map((l, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{l.name ?? '—'}</Table.Td>
                  <Table.Td>{l.productId}</Table.Td>
                  <Table.Td>{l.kind}{l.incentiveId ? ` · ${l.incentiveId}` : ''}</Table.Td>
                  <Table.Td>{l.quantity}</Table.Td>
                  <Table.Td>{l.amountCents === undefined ? '—' : money(l.amountCents)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Code block>{JSON.stringify(t.cart, null, 2)}</Code>
        )}
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder component="section" aria-label="Redemptions">
          <Title order={4} mb="xs">
            Rewards and offers redeemed
          </Title>
          {t.redemptions.length === 0 ? (
            <Text c="dimmed" size="sm">None.</Text>
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
            <Text c="dimmed" size="sm">None.</Text>
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
          {t.posAnswer ? <Code block>{JSON.stringify(t.posAnswer, null, 2)}</Code> : <Text c="dimmed" size="sm">No CLAIMED answer: the sale was not claimed at the till.</Text>}
        </Card>
        <Card withBorder component="section" aria-label="Events">
          <Title order={4} mb="xs">
            Events
          </Title>
          {t.events.length === 0 ? (
            <Text c="dimmed" size="sm">None announced.</Text>
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
            Voiding takes back the {t.pointsEarned} points it earned and gives back the {t.pointsRedeemed} it redeemed, exactly as a void from the POS. It cannot be undone.
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

function Fact({ label, value }: { label: string; value: ReactNode }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} component="div">
        {value}
      </Text>
    </Card>
  );
}
