import { Alert, Badge, Button, Card, Center, Image, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, bearer, type paths, unwrap } from '../api';
import { dateTime } from '../format';
import { useGuest, useGuestQuery } from '../session';
import { ErrorState, Loading } from '../states';

type Created = paths['/app/v1/{program}/codes']['post']['responses'][201]['content']['application/json'];

const STATUS_TEXT = { active: 'Show this to the cashier', used: 'Used at the till', expired: 'Expired: get a new code' } as const;

/**
 * A one-time code for the cashier, as digits and as a QR image, carrying the pre-selected rewards.
 * Its status (active, used, expired) is polled from the server, never worked out from the clock here.
 */
export function Code() {
  const { program, session } = useGuest();
  const path = { params: { path: { program } }, ...bearer(session.token) };
  const selection = useGuestQuery({ queryKey: ['selection'], queryFn: () => unwrap(api.GET('/app/v1/{program}/selection', path)) });
  const create = useMutation({ mutationFn: () => unwrap(api.POST('/app/v1/{program}/codes', { ...path, body: {} })) });

  if (selection.isPending) return <Loading what="your selection" />;
  if (selection.error) return <ErrorState title="Your selection could not be loaded" error={selection.error} onRetry={() => void selection.refetch()} />;
  const selected = selection.data.incentives;

  return (
    <Stack>
      <Title order={2}>Your code</Title>
      <Text>
        {selected.length > 0 ? (
          <>
            Selected: <b>{selected.map((i) => i.name).join(', ')}</b>.{' '}
          </>
        ) : (
          <>No reward selected: the code collects points. </>
        )}
        <Link to={`/g/${program}/rewards`}>Change</Link>
      </Text>
      {create.error && (
        <Alert color="red" role="alert" title="No code this time">
          {create.error.message} Check your selection, or try again.
        </Alert>
      )}
      {create.data ? <ShownCode created={create.data} /> : null}
      <Button size="md" onClick={() => create.mutate()} loading={create.isPending} variant={create.data ? 'light' : 'filled'}>
        {create.data ? 'Get a new code' : 'Show my code'}
      </Button>
    </Stack>
  );
}

function ShownCode({ created }: { created: Created }) {
  const { program, session } = useGuest();
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void QRCode.toString(created.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then(
      (svg) => live && setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`),
    );
    return () => {
      live = false;
    };
  }, [created.code]);
  const status = useGuestQuery({
    queryKey: ['code', created.code],
    queryFn: () => unwrap(api.GET('/app/v1/{program}/codes/{code}', { params: { path: { program, code: created.code } }, ...bearer(session.token) })),
    refetchInterval: (q) => (q.state.data?.status === 'active' || !q.state.data ? 5_000 : false),
  });
  const state = status.data?.status ?? created.status;
  return (
    <Card withBorder component="section" aria-label="One-time code">
      <Stack align="center" gap="xs">
        <Badge color={state === 'active' ? 'teal' : 'gray'} size="lg">
          {STATUS_TEXT[state]}
        </Badge>
        <Text fz={44} fw={700} ff="monospace" lts={6} data-testid="one-time-code" aria-label={`One-time code ${created.code.split('').join(' ')}`}>
          {created.code}
        </Text>
        <Center>{qr ? <Image src={qr} alt={`QR code of ${created.code}`} w={220} h={220} /> : <Loading what="the QR code" />}</Center>
        <Text size="sm" c="dimmed">
          {state === 'active' ? `Works once, until ${dateTime(created.expiresAt)}.` : 'Get a new code for your next order.'}
        </Text>
      </Stack>
    </Card>
  );
}
