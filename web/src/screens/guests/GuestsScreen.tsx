import { Alert, Button, Card, Grid, Group, NumberInput, Select, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { Link, Route, Routes, useParams, useSearchParams } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { Can } from '../../auth/auth';
import { useProgram } from '../../shell/program';
import { Empty, ErrorState, Loading, when } from '../../shell/states';
import { CursorPager, useCursorPages } from '../cursor';

/** Guests: search, balance and ledger with reasons, adjust points with a reason, claim a missed sale. */
export default function GuestsScreen() {
  return (
    <Routes>
      <Route index element={<GuestSearch />} />
      <Route path=":guestId" element={<GuestDetail />} />
    </Routes>
  );
}

const BY = [
  { value: 'email', label: 'E-mail' },
  { value: 'id', label: 'Loyalty id' },
  { value: 'receiptCode', label: 'Receipt code' },
  { value: 'q', label: 'Part of name or e-mail' },
] as const;
type By = (typeof BY)[number]['value'];

function GuestSearch() {
  const { programId } = useProgram();
  const [params, setParams] = useSearchParams();
  const by = (params.get('by') as By | null) ?? 'q';
  const text = params.get('text') ?? '';
  const [draftBy, setDraftBy] = useState<By>(by);
  const [draftText, setDraftText] = useState(text);
  const pages = useCursorPages(`${programId}|${by}|${text}`);
  const list = useQuery({
    queryKey: ['guests', programId, by, text, pages.cursor],
    enabled: !!programId,
    queryFn: () =>
      unwrap(
        api.GET('/admin/v1/programs/{programId}/guests', {
          params: { path: { programId: programId! }, query: { ...(text ? { [by]: text } : {}), ...(pages.cursor ? { cursor: pages.cursor } : {}), limit: '25' } },
        }),
      ),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(draftText.trim() ? { by: draftBy, text: draftText.trim() } : {});
  };
  return (
    <Stack>
      <Title order={2}>Guests</Title>
      <form onSubmit={submit} aria-label="Find a guest">
        <Group align="flex-end">
          <Select label="Search by" data={[...BY]} value={draftBy} onChange={(v) => v && setDraftBy(v as By)} allowDeselect={false} w={220} comboboxProps={{ withinPortal: true }} />
          <TextInput label="Search for" value={draftText} onChange={(e) => setDraftText(e.currentTarget.value)} w={{ base: '100%', sm: 340 }} placeholder="grete@example.com, a loyalty id, the 16 characters on a receipt…" />
          <Button type="submit">Search</Button>
        </Group>
      </form>
      {list.isPending ? (
        <Loading what="guests" />
      ) : list.error ? (
        <ErrorState error={list.error} what="guests" retry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <Empty title={text ? 'No guest matches' : 'No guests yet'}>
          {text ? 'Check the spelling, or search by another field: a receipt code finds the guest who claimed that sale.' : 'Guests sign up in the app or are enrolled at the counter.'}
        </Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={600}>
            <Table striped highlightOnHover aria-label="Guests">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>E-mail</Table.Th>
                  <Table.Th>Balance</Table.Th>
                  <Table.Th>Last activity</Table.Th>
                  <Table.Th>Joined</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((g) => (
                  <Table.Tr key={g.id}>
                    <Table.Td>
                      <Link to={`/guests/${g.id}`}>{g.name}</Link>
                    </Table.Td>
                    <Table.Td>{g.email ?? '—'}</Table.Td>
                    <Table.Td>{g.balance.toLocaleString()}</Table.Td>
                    <Table.Td>{when(g.lastActivityAt)}</Table.Td>
                    <Table.Td>{when(g.createdAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <CursorPager pages={pages} nextCursor={list.data.nextCursor} label="Guests" />
        </>
      )}
    </Stack>
  );
}

function GuestDetail() {
  const { guestId = '' } = useParams();
  const { programId } = useProgram();
  const pages = useCursorPages(`${programId}|${guestId}`);
  const detail = useQuery({
    queryKey: ['guest', programId, guestId, pages.cursor],
    enabled: !!programId,
    queryFn: () =>
      unwrap(api.GET('/admin/v1/programs/{programId}/guests/{guestId}', { params: { path: { programId: programId!, guestId }, query: { limit: '20', ...(pages.cursor ? { cursor: pages.cursor } : {}) } } })),
  });
  if (!programId || detail.isPending) return <Loading what="the guest" />;
  if (detail.error) return <ErrorState error={detail.error} what="the guest" retry={() => void detail.refetch()} />;
  const { guest, ledger, tier } = detail.data;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{guest.name}</Title>
        <Group>
          <Button component={Link} to={`/settings/audit?entityType=guest&entityId=${guest.id}`} variant="subtle">
            Audit log of this guest
          </Button>
          <Button component={Link} to="/guests" variant="subtle">
            Back to search
          </Button>
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 5 }}>
        <Figure label="Balance" value={`${guest.balance.toLocaleString()} points`} />
        <Figure label="Tier" value={tier ? `${tier.name}${tier.next ? ` · ${tier.next.pointsToGo} to ${tier.next.name}` : ''}` : 'no tiers'} />
        <Figure label="E-mail" value={guest.email ?? '—'} />
        <Figure label="Last activity" value={when(guest.lastActivityAt)} />
        <Figure label="Loyalty id" value={guest.id} />
      </SimpleGrid>
      <Grid>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Card withBorder component="section" aria-label="Ledger">
            <Title order={4} mb="xs">
              Points ledger
            </Title>
            {ledger.items.length === 0 ? (
              <Empty title="No points moved yet">Sales, claims, adjustments and expiry show up here, newest first.</Empty>
            ) : (
              <Table.ScrollContainer minWidth={560}>
                <Table aria-label="Ledger entries">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>When</Table.Th>
                      <Table.Th>Kind</Table.Th>
                      <Table.Th>Points</Table.Th>
                      <Table.Th>Balance after</Table.Th>
                      <Table.Th>Reason / sale</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {ledger.items.map((e) => (
                      <Table.Tr key={e.id}>
                        <Table.Td>{when(e.createdAt)}</Table.Td>
                        <Table.Td>{e.kind}</Table.Td>
                        <Table.Td c={e.points < 0 ? 'red' : undefined}>{e.points > 0 ? `+${e.points}` : e.points}</Table.Td>
                        <Table.Td>{e.balanceAfter}</Table.Td>
                        <Table.Td>
                          {e.reason ?? ''}
                          {e.transactionId ? (
                            <>
                              {e.reason ? ' · ' : ''}
                              <Link to={`/transactions/${e.transactionId}`}>sale</Link>
                            </>
                          ) : null}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
            <CursorPager pages={pages} nextCursor={ledger.nextCursor} label="Ledger" />
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Can capability="support">
            <Stack>
              <AdjustForm programId={programId} guestId={guest.id} />
              <ClaimForm programId={programId} guestId={guest.id} />
            </Stack>
          </Can>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600} style={{ wordBreak: 'break-all' }}>
        {value}
      </Text>
    </Card>
  );
}

function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError && error.details?.field === field ? error.message : undefined;
}

/** Adjust points by hand: the reason is mandatory and goes to the ledger and the audit log. */
export function AdjustForm({ programId, guestId }: { programId: string; guestId: string }) {
  const queryClient = useQueryClient();
  const [points, setPoints] = useState<number | ''>('');
  const [reason, setReason] = useState('');
  const adjust = useMutation({
    mutationFn: () => unwrap(api.POST('/admin/v1/programs/{programId}/guests/{guestId}/adjustments', { params: { path: { programId, guestId } }, body: { points: Number(points), reason } })),
    onSuccess: async (r) => {
      notifications.show({ color: 'teal', message: `Adjusted by ${r.entry.points}; balance now ${r.guest.balance}` });
      setPoints('');
      setReason('');
      await queryClient.invalidateQueries({ queryKey: ['guest', programId, guestId] });
    },
  });
  return (
    <Card withBorder component="form" aria-label="Adjust points" onSubmit={(e: FormEvent) => (e.preventDefault(), adjust.mutate())}>
      <Title order={4} mb="xs">
        Adjust points
      </Title>
      <Stack gap="xs">
        <NumberInput label="Points (negative takes away)" required allowDecimal={false} value={points} onChange={(v) => setPoints(v === '' ? '' : Number(v))} error={fieldError(adjust.error, 'points')} />
        <Textarea label="Reason" description="Required; kept in the ledger and the audit log" required minLength={3} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={fieldError(adjust.error, 'reason')} />
        <Button type="submit" loading={adjust.isPending} disabled={points === '' || points === 0 || reason.trim().length < 3}>
          Adjust
        </Button>
      </Stack>
    </Card>
  );
}

/** Claim a sale the guest forgot to identify in, by the code on the receipt. */
export function ClaimForm({ programId, guestId }: { programId: string; guestId: string }) {
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const [reason, setReason] = useState('');
  const claim = useMutation({
    mutationFn: () => unwrap(api.POST('/admin/v1/programs/{programId}/guests/{guestId}/claims', { params: { path: { programId, guestId } }, body: { receiptCode: code, ...(reason.trim() ? { reason } : {}) } })),
    onSuccess: async (r) => {
      notifications.show({ color: 'teal', message: `Claimed ${r.claim.pointsEarned} points; balance now ${r.guest.balance}` });
      setCode('');
      setReason('');
      await queryClient.invalidateQueries({ queryKey: ['guest', programId, guestId] });
    },
  });
  return (
    <Card withBorder component="form" aria-label="Claim a missed sale" onSubmit={(e: FormEvent) => (e.preventDefault(), claim.mutate())}>
      <Title order={4} mb="xs">
        Claim a missed sale
      </Title>
      <Stack gap="xs">
        <TextInput label="Receipt code" description="The 16 characters on the receipt, or its QR link" required value={code} onChange={(e) => setCode(e.currentTarget.value)} error={fieldError(claim.error, 'receiptCode')} />
        <TextInput label="Reason (optional)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        {claim.error && !fieldError(claim.error, 'receiptCode') ? (
          <Alert color="red" role="alert">
            {(claim.error as Error).message}
          </Alert>
        ) : null}
        <Button type="submit" loading={claim.isPending} disabled={code.trim() === ''}>
          Claim
        </Button>
      </Stack>
    </Card>
  );
}
