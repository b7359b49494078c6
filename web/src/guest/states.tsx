import { Alert, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ApiError } from './api';

/** A spinner that says what is coming. */
export function Loading({ what }: { what: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text>Loading {what}…</Text>
      </Group>
    </Center>
  );
}

/** A failure in the server's words, with what to do next. */
export function ErrorState({ error, onRetry, title = 'That did not work' }: { error: unknown; onRetry?: () => void; title?: string }) {
  const message = error instanceof Error ? error.message : 'Something went wrong.';
  const offline = error instanceof ApiError && error.statusCode === 0;
  return (
    <Alert color="red" title={title} role="alert">
      <Stack gap="xs">
        <Text size="sm">{message}</Text>
        {onRetry && (
          <Group>
            <Button size="xs" variant="light" color="red" onClick={onRetry}>
              {offline ? 'Try again' : 'Reload'}
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

/** Nothing to show yet, and how to change that. */
export function Empty({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Alert color="gray" title={title}>
      <Text size="sm">{children}</Text>
    </Alert>
  );
}
