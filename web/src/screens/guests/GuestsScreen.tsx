import { Alert, Button, Card, Grid, Group, NumberInput, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { Link, Route, Routes, useParams, useSearchParams } from 'react-router';
import { api, fieldError, unwrap } from '../../api/client';
import { Can } from '../../auth/auth';
import { useProgram } from '../../shell/program';
import { useCursorPages } from '../../shell/cursor';
import { DataTable } from '../../shell/DataTable';
import { Stat } from '../../shell/Stat';
import { ErrorState, Loading, when } from '../../shell/states';

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
          params: {
            path: { programId: programId! },
            query: { ...(text ? { [by]: text } : {}), ...(pages.cursor ? { cursor: pages.cursor } : {}), limit: '25' },
          },
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
          <Select
            label="Search by"
            data={[...BY]}
            value={draftBy}
            onChange={(v) => v && setDraftBy(v as By)}
            allowDeselect={false}
            w={220}
            comboboxProps={{ withinPortal: true }}
          />
          <TextInput
            label="Search for"
            value={draftText}
            onChange={(e) => setDraftText(e.currentTarget.value)}
            w={{ base: '100%', sm: 340 }}
            placeholder="grete@example.com, a loyalty id, the 16 characters on a receipt…"
          />
          <Button type="submit">Search</Button>
        </Group>
      </form>
      <DataTable
        label="Guests"
        what="guests"
        query={list}
        rows={list.data?.items}
        rowKey={(g) => g.id}
        empty={
          text
            ? { title: 'No guest matches', hint: 'Check the spelling, or search by another field: a receipt code finds the guest who claimed that sale.' }
            : { title: 'No guests yet', hint: 'Guests sign up in the app or are enrolled at the counter.' }
        }
        cursor={{ pages, nextCursor: list.data?.nextCursor }}
        minWidth={600}
        striped
        highlightOnHover
        columns={[
          { key: 'name', header: 'Name', cell: (g) => <Link to={`/guests/${g.id}`}>{g.name}</Link> },
          { key: 'email', header: 'E-mail', cell: (g) => g.email ?? '—' },
          { key: 'balance', header: 'Balance', cell: (g) => g.balance.toLocaleString() },
          { key: 'activity', header: 'Last activity', cell: (g) => when(g.lastActivityAt) },
          { key: 'joined', header: 'Joined', cell: (g) => when(g.createdAt) },
        ]}
      />
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
      unwrap(
        api.GET('/admin/v1/programs/{programId}/guests/{guestId}', {
          params: { path: { programId: programId!, guestId }, query: { limit: '20', ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
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
        <Stat label="Balance" value={`${guest.balance.toLocaleString()} points`} />
        <Stat label="Tier" value={tier ? `${tier.name}${tier.next ? ` · ${tier.next.pointsToGo} to ${tier.next.name}` : ''}` : 'no tiers'} />
        <Stat label="E-mail" value={guest.email ?? '—'} />
        <Stat label="Last activity" value={when(guest.lastActivityAt)} />
        <Stat label="Loyalty id" value={guest.id} />
      </SimpleGrid>
      <Grid>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Card withBorder component="section" aria-label="Ledger">
            <Title order={4} mb="xs">
              Points ledger
            </Title>
            <DataTable
              label="Ledger entries"
              rows={ledger.items}
              rowKey={(e) => e.id}
              empty={{ title: 'No points moved yet', hint: 'Sales, claims, adjustments and expiry show up here, newest first.' }}
              cursor={{ pages, nextCursor: ledger.nextCursor }}
              minWidth={560}
              columns={[
                { key: 'when', header: 'When', cell: (e) => when(e.createdAt) },
                { key: 'kind', header: 'Kind', cell: (e) => e.kind },
                {
                  key: 'points',
                  header: 'Points',
                  cell: (e) =>
                    e.points < 0 ? (
                      <Text span c="red" inherit>
                        {e.points}
                      </Text>
                    ) : (
                      `+${e.points}`
                    ),
                },
                { key: 'after', header: 'Balance after', cell: (e) => e.balanceAfter },
                {
                  key: 'why',
                  header: 'Reason / sale',
                  cell: (e) => (
                    <>
                      {e.reason ?? ''}
                      {e.transactionId ? (
                        <>
                          {e.reason ? ' · ' : ''}
                          <Link to={`/transactions/${e.transactionId}`}>sale</Link>
                        </>
                      ) : null}
                    </>
                  ),
                },
              ]}
            />
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

/** Adjust points by hand: the reason is mandatory and goes to the ledger and the audit log. */
export function AdjustForm({ programId, guestId }: { programId: string; guestId: string }) {
  const queryClient = useQueryClient();
  const [points, setPoints] = useState<number | ''>('');
  const [reason, setReason] = useState('');
  const adjust = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/admin/v1/programs/{programId}/guests/{guestId}/adjustments', {
          params: { path: { programId, guestId } },
          body: { points: Number(points), reason },
        }),
      ),
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
        <NumberInput
          label="Points (negative takes away)"
          required
          allowDecimal={false}
          value={points}
          onChange={(v) => setPoints(v === '' ? '' : Number(v))}
          error={fieldError(adjust.error, 'points')}
        />
        <Textarea
          label="Reason"
          description="Required; kept in the ledger and the audit log"
          required
          minLength={3}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={fieldError(adjust.error, 'reason')}
        />
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
    mutationFn: () =>
      unwrap(
        api.POST('/admin/v1/programs/{programId}/guests/{guestId}/claims', {
          params: { path: { programId, guestId } },
          body: { receiptCode: code, ...(reason.trim() ? { reason } : {}) },
        }),
      ),
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
        <TextInput
          label="Receipt code"
          description="The 16 characters on the receipt, or its QR link"
          required
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          error={fieldError(claim.error, 'receiptCode')}
        />
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
