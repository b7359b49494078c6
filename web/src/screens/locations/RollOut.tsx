import { Alert, Anchor, Badge, Button, Card, Group, List, Modal, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useAuth } from '../../auth/auth';
import { cstoreApi, type PilotBlocker, type RollOut, type RollOutOutcome, useCstoreMutation, useRollOutReadiness } from '../../cstore/api';
import { ErrorState, Loading } from '../../shell/states';

/** Where to go for each blocker the server names; the reason itself is the server's. */
const NEXT_STEP: Record<PilotBlocker['code'], { label: string; to: (locationId: string) => string }> = {
  pilot_not_synced: { label: 'Open the location and Sync now', to: (id) => `/locations/${id}` },
  pilot_changes_pending: { label: 'Review the pending changes', to: (id) => `/register-updates/${id}` },
  pilot_nothing_accepted: { label: 'Review and accept changes', to: (id) => `/register-updates/${id}` },
  pilot_batch_failed: { label: 'See the refused batch and send it again', to: (id) => `/register-updates/${id}?tab=history` },
  pilot_batch_not_applied: { label: 'Check the store’s POS agent; see the batches', to: (id) => `/register-updates/${id}?tab=history` },
};

/** Per pilot location: what the server says is missing, and a link to where it gets done. */
export function Blockers({ blockers, onNavigate }: { blockers: PilotBlocker[]; onNavigate?: () => void }) {
  return (
    <List spacing="xs" aria-label="What the pilot still misses">
      {blockers.map((b) => {
        const next = NEXT_STEP[b.code];
        return (
          <List.Item key={`${b.locationId}-${b.code}`}>
            <Text size="sm" fw={600}>
              {b.name}
            </Text>
            <Text size="sm">{b.reason}</Text>
            <Anchor component={Link} to={next.to(b.locationId)} size="sm" onClick={onNavigate}>
              {next.label} at {b.name}
            </Anchor>
          </List.Item>
        );
      })}
    </List>
  );
}

/**
 * Roll-out: whether the pilot is ready (GET …/rollout), the button, and the answer — the locations
 * turned live, or the refusal with each pilot location's blockers.
 */
export function RollOutCard({ programId, hasLocations, liveCount }: { programId: string | null; hasLocations: boolean; liveCount: number }) {
  const { can } = useAuth();
  const readiness = useRollOutReadiness(programId);
  const [outcome, setOutcome] = useState<RollOutOutcome | null>(null);
  const roll = useCstoreMutation(() => cstoreApi.rollOut(programId!));
  if (!hasLocations) return null;
  const r = readiness.data;
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <Title order={4}>Roll-out</Title>
          {r ? (
            <Badge color={r.ready ? 'green' : 'yellow'} variant="light">
              {r.ready ? 'ready' : r.pilot.length === 0 ? (liveCount > 0 ? 'rolled out' : 'no pilot') : 'waiting for the pilot'}
            </Badge>
          ) : null}
        </Group>
        {can('manage') && r && r.pilot.length > 0 ? (
          <Button
            variant="light"
            loading={roll.isPending}
            onClick={() => roll.mutate(undefined, { onSuccess: setOutcome })}
            title="The pilot and every other licensed location with an outlet id go live"
          >
            Roll out to all locations
          </Button>
        ) : null}
      </Group>
      {readiness.isPending ? (
        <Loading what="the roll-out readiness" />
      ) : readiness.isError ? (
        <ErrorState error={readiness.error} retry={() => void readiness.refetch()} what="the roll-out readiness" />
      ) : r!.pilot.length === 0 ? (
        <Text size="sm" c="dimmed">
          {liveCount > 0 ? `${liveCount} location${liveCount === 1 ? ' is' : 's are'} live. ` : ''}No location is in pilot: to roll out to locations licensed
          since, put one in pilot, sync it and review its promotions first.
        </Text>
      ) : r!.ready ? (
        <Text size="sm">
          The pilot’s promotions were reviewed and confirmed: every pilot location synced, has nothing pending, and its register applied what was accepted.
        </Text>
      ) : (
        <Stack gap="xs">
          <Text size="sm">Roll-out waits until the pilot’s promotions were reviewed and confirmed:</Text>
          <Blockers blockers={r!.blockers} />
        </Stack>
      )}
      <Modal opened={outcome !== null} onClose={() => setOutcome(null)} title="Roll-out">
        {outcome && 'done' in outcome ? <RollOutResult result={outcome.done} /> : null}
        {outcome && 'refused' in outcome ? (
          <Stack gap="sm">
            <Alert color="yellow" title="Roll-out refused: the pilot is not ready">
              Nothing was turned live. Each pilot location below still needs the step shown; then roll out again.
            </Alert>
            <Blockers blockers={outcome.refused.blockers} onNavigate={() => setOutcome(null)} />
          </Stack>
        ) : null}
      </Modal>
    </Card>
  );
}

function RollOutResult({ result }: { result: RollOut }) {
  return (
    <Stack gap="xs">
      <Text>
        {result.turnedLive.length} location{result.turnedLive.length === 1 ? '' : 's'} turned live; {result.alreadyLive.length} already live.
      </Text>
      {result.skipped.length ? (
        <Alert color="yellow" title="Skipped">
          {result.skipped.map((s) => (
            <Text size="sm" key={s.locationId}>
              {s.name}: {s.reason}
            </Text>
          ))}
        </Alert>
      ) : null}
    </Stack>
  );
}
