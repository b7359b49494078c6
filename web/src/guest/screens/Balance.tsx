import { Badge, Card, Group, List, Stack, Text, Title } from '@mantine/core';
import { api, bearer, unwrap } from '../api';
import { date, points } from '../format';
import { useGuest, useGuestQuery } from '../session';
import { ErrorState, Loading } from '../states';

/** Balance, what the pre-selected rewards hold back, when points expire, and the tier. */
export function Balance() {
  const { program, session } = useGuest();
  const balance = useGuestQuery({
    queryKey: ['balance'],
    queryFn: () => unwrap(api.GET('/app/v1/{program}/balance', { params: { path: { program } }, ...bearer(session.token) })),
  });
  if (balance.isPending) return <Loading what="your balance" />;
  if (balance.error) return <ErrorState title="Your balance could not be loaded" error={balance.error} onRetry={() => void balance.refetch()} />;
  const b = balance.data;
  return (
    <Stack>
      <Title order={2}>Your points</Title>
      <Card withBorder component="section" aria-label="Balance">
        <Text fz={36} fw={700}>
          {points(b.balance)}
        </Text>
        {b.pointsReserved > 0 && (
          <Text c="dimmed">
            {points(b.pointsReserved)} held for your selected rewards; {points(b.available)} available.
          </Text>
        )}
        {b.tier && (
          <Group gap="xs" mt="xs">
            <Badge variant="light">{b.tier.name}</Badge>
            {b.tier.next && (
              <Text size="sm">
                {points(b.tier.next.pointsToGo)} to {b.tier.next.name}
              </Text>
            )}
          </Group>
        )}
      </Card>
      <Card withBorder component="section" aria-label="Expiry">
        <Title order={3} size="h4" mb="xs">
          When your points expire
        </Title>
        {b.buckets.length === 0 ? (
          <Text c="dimmed">No points yet. Show your code at the till or scan a receipt's QR code to collect some.</Text>
        ) : (
          <List spacing={4}>
            {b.buckets.map((bucket, i) => (
              <List.Item key={i}>
                {points(bucket.points)} {bucket.expiresAt === null ? 'do not expire' : bucket.due ? 'are expiring now' : `expire on ${date(bucket.expiresAt)}`}
              </List.Item>
            ))}
          </List>
        )}
      </Card>
    </Stack>
  );
}
