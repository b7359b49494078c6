import { Alert, Badge, Button, Card, Group, List, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, bearer, type paths, unwrap } from '../api';
import { points } from '../format';
import { useGuest, useGuestQuery } from '../session';
import { Empty, ErrorState, Loading } from '../states';

type Incentive = paths['/app/v1/{program}/incentives']['get']['responses'][200]['content']['application/json']['rewards'][number];

/**
 * Rewards and offers as the server judges them for this guest now: eligible or not, with the
 * failing rules in the server's words. Selecting one pre-selects it for the next code.
 */
export function Rewards() {
  const { program, session } = useGuest();
  const navigate = useNavigate();
  const client = useQueryClient();
  const path = { params: { path: { program } }, ...bearer(session.token) };
  // The code is shown at the till: the POS will send channel Restaurant.
  const incentives = useGuestQuery({
    queryKey: ['incentives'],
    queryFn: () =>
      unwrap(api.GET('/app/v1/{program}/incentives', { params: { path: { program }, query: { channel: 'Restaurant' } }, ...bearer(session.token) })),
  });
  const selection = useGuestQuery({ queryKey: ['selection'], queryFn: () => unwrap(api.GET('/app/v1/{program}/selection', path)) });
  const select = useMutation({
    mutationFn: (body: { rewardIds: string[]; offerId: string | null }) => unwrap(api.PUT('/app/v1/{program}/selection', { ...path, body })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: [program] });
      void navigate(`/g/${program}/code`);
    },
  });

  const clear = useMutation({
    mutationFn: () => unwrap(api.DELETE('/app/v1/{program}/selection', path)),
    onSuccess: () => client.invalidateQueries({ queryKey: [program] }),
  });

  const failed = incentives.error ?? selection.error;
  if (failed)
    return <ErrorState title="Your rewards could not be loaded" error={failed} onRetry={() => (void incentives.refetch(), void selection.refetch())} />;
  if (!incentives.data || !selection.data) return <Loading what="your rewards" />;
  const chosen = selection.data;

  const card = (i: Incentive) => {
    const selected = i.kind === 'REWARD' ? chosen.rewardIds.includes(i.id) : chosen.offerId === i.id;
    const choose = () => select.mutate(i.kind === 'REWARD' ? { rewardIds: [i.id], offerId: chosen.offerId } : { rewardIds: chosen.rewardIds, offerId: i.id });
    return (
      <Card withBorder key={i.id} component="article" aria-label={i.name}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div>
            <Text fw={600}>{i.name}</Text>
            {i.pointCost > 0 && <Text size="sm">{points(i.pointCost)}</Text>}
          </div>
          {selected ? (
            <Badge color="teal">Selected</Badge>
          ) : i.eligible ? (
            <Badge variant="light">Available</Badge>
          ) : (
            <Badge color="gray">Not available now</Badge>
          )}
        </Group>
        {!i.eligible && i.failures.length > 0 && (
          <List size="sm" mt="xs" c="dimmed" aria-label={`Why ${i.name} is not available`}>
            {i.failures.map((f) => (
              <List.Item key={`${f.ruleId}:${f.code}`}>{f.message}</List.Item>
            ))}
          </List>
        )}
        {i.eligible && i.checkedAtOrder.length > 0 && (
          <Text size="xs" c="dimmed" mt={4}>
            Some conditions (like the order itself) are checked at the till.
          </Text>
        )}
        {i.eligible && !selected && (
          <Button
            mt="sm"
            variant="light"
            onClick={choose}
            loading={select.isPending && select.variables?.rewardIds.includes(i.id)}
            aria-label={`Select ${i.name}`}
          >
            Select
          </Button>
        )}
      </Card>
    );
  };

  const { rewards, offers } = incentives.data;
  return (
    <Stack>
      <Title order={2}>Rewards</Title>
      {(select.error ?? clear.error) && (
        <Alert color="red" role="alert" title="The selection could not be changed">
          {(select.error ?? clear.error)!.message}
        </Alert>
      )}
      {chosen.incentives.length > 0 && (
        <Alert color="teal" title="Selected for your next visit">
          {chosen.incentives.map((i) => i.name).join(', ')}. Show your code at the till to use {chosen.incentives.length === 1 ? 'it' : 'them'}.
          <Group mt="xs">
            <Button size="xs" onClick={() => void navigate(`/g/${program}/code`)}>
              Show my code
            </Button>
            <Button size="xs" variant="subtle" onClick={() => clear.mutate()} loading={clear.isPending}>
              Clear selection
            </Button>
          </Group>
        </Alert>
      )}
      {rewards.length === 0 ? (
        <Empty title="No rewards yet">This program has no rewards to redeem right now. Check back after your next visit.</Empty>
      ) : (
        rewards.map(card)
      )}
      {offers.length > 0 && (
        <>
          <Title order={2}>Offers</Title>
          {offers.map(card)}
        </>
      )}
    </Stack>
  );
}
