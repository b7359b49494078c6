import { Alert, Anchor, Button, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { api, ApiError, bearer, type GuestSession, sessions, unwrap } from './api';
import { points } from './format';

/**
 * The signed-in guest claims the receipt's points. The claim's outcome (added, already claimed,
 * too late, voided) is the server's; this form shows its words.
 */
export function ClaimForm({
  program,
  receiptCode,
  pointsToEarn,
  session,
  onClaimed,
  onSignedOut,
}: {
  program: string;
  receiptCode: string;
  pointsToEarn: number;
  session: GuestSession;
  onClaimed: (claimed: { pointsEarned: number; balance: number }) => void;
  onSignedOut: () => void;
}) {
  const claim = useMutation({
    mutationFn: () => unwrap(api.POST('/app/v1/{program}/receipts/claim', { params: { path: { program } }, body: { receiptCode }, ...bearer(session.token) })),
    onSuccess: (claimed) => onClaimed(claimed),
    onError: (e) => {
      if (e instanceof ApiError && e.statusCode === 401) signOut();
    },
  });
  const signOut = () => {
    sessions.clear(program);
    onSignedOut();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    claim.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="Claim the points">
      <Stack gap="sm">
        <Text>
          Signed in as <b>{session.name}</b>.{' '}
          <Anchor component="button" type="button" onClick={signOut}>
            Not you? Sign out
          </Anchor>
        </Text>
        {claim.error && (
          <Alert color="red" role="alert" title="The points could not be added">
            {claim.error.message}
          </Alert>
        )}
        <Button type="submit" size="md" loading={claim.isPending} fullWidth>
          Claim {points(pointsToEarn)}
        </Button>
      </Stack>
    </form>
  );
}
