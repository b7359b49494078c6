import { Alert, Button, Card, Container, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type paths, sessions, unwrap } from './api';
import { ClaimForm } from './ClaimForm';
import { dateTime, points } from './format';
import { SignInForm } from './SignInForm';
import { ErrorState, Loading } from './states';

/**
 * `/r/{receiptCode}`: the page the receipt's QR opens. What the receipt earns (as the server looked
 * it up), sign-in with an e-mail code, then the claim; afterwards, the way into the guest app.
 */
export function ReceiptPage() {
  const { receiptCode = '' } = useParams();
  const lookup = useQuery({
    queryKey: ['receipt', receiptCode],
    queryFn: () => unwrap(api.GET('/app/v1/receipts/{receiptCode}', { params: { path: { receiptCode } } })),
  });

  return (
    <Container size="xs" py="md" component="main">
      {lookup.isPending && <Loading what="your receipt" />}
      {lookup.error && <ErrorState title="The receipt could not be loaded" error={lookup.error} onRetry={() => void lookup.refetch()} />}
      {lookup.data && !lookup.data.claimable && (
        <Stack>
          <Title order={1} size="h2">
            This receipt cannot be claimed
          </Title>
          <Alert color="yellow" title="Nothing to collect here">
            The code is unknown, the receipt was already claimed, or its claim window has closed. Check the code printed on your receipt (16 letters and
            digits): each receipt earns points once.
          </Alert>
        </Stack>
      )}
      {lookup.data?.claimable && <Claimable receipt={lookup.data} />}
    </Container>
  );
}

type Lookup = paths['/app/v1/receipts/{receiptCode}']['get']['responses'][200]['content']['application/json'];
type Receipt = Extract<Lookup, { claimable: true }>;

function Claimable({ receipt }: { receipt: Receipt }) {
  const slug = receipt.program.slug;
  const [session, setSession] = useState(() => sessions.get(slug));
  const [signedOut, setSignedOut] = useState(false);
  const [claimed, setClaimed] = useState<{ pointsEarned: number; balance: number } | null>(null);
  const zone = receipt.store.timeZone;

  return (
    <Stack>
      <Title order={1} size="h2">
        {receipt.program.name}
      </Title>
      <Card withBorder padding="md" aria-label="Your receipt" component="section">
        <Text>This receipt earns</Text>
        <Text fz={32} fw={700}>
          {points(receipt.pointsToEarn)}
        </Text>
        <SimpleGrid cols={2} spacing={4} mt="xs" component="dl">
          <Text component="dt" c="dimmed">
            Store
          </Text>
          <Text component="dd" m={0}>
            {receipt.store.name}
          </Text>
          <Text component="dt" c="dimmed">
            Date
          </Text>
          <Text component="dd" m={0}>
            {dateTime(receipt.saleAt, zone)}
          </Text>
          <Text component="dt" c="dimmed">
            Receipt
          </Text>
          <Text component="dd" m={0}>
            {receipt.receiptCode}
          </Text>
          <Text component="dt" c="dimmed">
            Claim by
          </Text>
          <Text component="dd" m={0}>
            {dateTime(receipt.claimableUntil, zone)}
          </Text>
        </SimpleGrid>
      </Card>
      <Card withBorder padding="md" component="section" aria-label={claimed ? 'Points added' : 'Collect the points'}>
        {claimed ? (
          <Stack gap="sm">
            <Alert color="green" title={`${points(claimed.pointsEarned)} added`} role="status">
              Your balance: {points(claimed.balance)}.
            </Alert>
            <Group grow>
              <Button component={Link} to={`/g/${slug}/rewards`}>
                See your rewards
              </Button>
            </Group>
          </Stack>
        ) : session ? (
          <ClaimForm
            program={slug}
            receiptCode={receipt.receiptCode}
            pointsToEarn={receipt.pointsToEarn}
            session={session}
            onClaimed={setClaimed}
            onSignedOut={() => (setSession(null), setSignedOut(true))}
          />
        ) : (
          <Stack gap="sm">
            {signedOut && <Text c="dimmed">You are signed out. Sign in again to collect the points.</Text>}
            <SignInForm program={slug} intro="Sign in or join with your e-mail to collect the points." onSignedIn={setSession} />
          </Stack>
        )}
      </Card>
    </Stack>
  );
}
