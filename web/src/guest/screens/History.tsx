import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, ApiError, bearer, unwrap } from '../api';
import { dateTime, points } from '../format';
import { useGuest } from '../session';
import { Empty, ErrorState, Loading } from '../states';

/** The guest's visits, newest first, with the points each earned and redeemed. */
export function History() {
  const { program, session, signOut } = useGuest();
  const history = useInfiniteQuery({
    queryKey: [program, session.token, 'transactions'],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/app/v1/{program}/transactions', { params: { path: { program }, query: pageParam ? { cursor: pageParam } : {} }, ...bearer(session.token) }),
      ),
    getNextPageParam: (page) => page.nextCursor,
  });
  const unauthorized = history.error instanceof ApiError && history.error.statusCode === 401;
  useEffect(() => {
    if (unauthorized) signOut(true);
  }, [unauthorized, signOut]);

  if (history.isPending) return <Loading what="your history" />;
  if (history.error) return <ErrorState title="Your history could not be loaded" error={history.error} onRetry={() => void history.refetch()} />;
  const items = history.data.pages.flatMap((p) => p.items);
  return (
    <Stack>
      <Title order={2}>History</Title>
      {items.length === 0 && <Empty title="No visits yet">Show your code at the till, or scan the QR code on a receipt, and your visits appear here.</Empty>}
      {items.map((t) => (
        <Card withBorder key={t.id} component="article" aria-label={`${t.store.name}, ${dateTime(t.createdAt)}`}>
          <Group justify="space-between" wrap="nowrap">
            <div>
              <Text fw={600}>{t.store.name}</Text>
              <Text size="sm" c="dimmed">
                {dateTime(t.createdAt)}
              </Text>
            </div>
            <Badge variant="light" color={t.status === 'VOIDED' ? 'gray' : 'teal'}>
              {t.status}
            </Badge>
          </Group>
          <Group gap="md" mt={4}>
            {t.pointsEarned > 0 && <Text size="sm">+{points(t.pointsEarned)}</Text>}
            {t.pointsRedeemed > 0 && <Text size="sm">−{points(t.pointsRedeemed)}</Text>}
          </Group>
        </Card>
      ))}
      {history.hasNextPage && (
        <Button variant="light" onClick={() => void history.fetchNextPage()} loading={history.isFetchingNextPage}>
          Show more
        </Button>
      )}
    </Stack>
  );
}
