import { Alert, Button, Center, Group, Loader, Pagination, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

/** Loading: says what is loading. */
export function Loading({ what }: { what: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">Loading {what}…</Text>
      </Group>
    </Center>
  );
}

/** An error with the server's own message and what to do next. */
export function ErrorState({ error, retry, what }: { error: unknown; retry?: () => void; what: string }) {
  const e = error as Error;
  const hint =
    e instanceof ApiError && e.statusCode === 403
      ? 'Your role may not do this; ask an owner.'
      : e instanceof ApiError && e.statusCode === 404
        ? 'It may have been removed, or belong to a program you cannot see.'
        : e instanceof ApiError && e.statusCode < 500
          ? 'Correct the highlighted input and try again.'
          : 'Check that the Tillpoint server is running, then try again.';
  return (
    <Alert color="red" title={`Could not load ${what}`} role="alert">
      <Stack gap="xs">
        <Text size="sm">{e?.message ?? String(error)}</Text>
        <Text size="sm">{hint}</Text>
        {retry ? (
          <Group>
            <Button size="xs" variant="light" onClick={retry}>
              Try again
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Alert>
  );
}

/** Nothing here yet, and what to do about it. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Stack align="center" py="xl" gap="xs">
      <Text fw={600}>{title}</Text>
      {children ? (
        <Text c="dimmed" size="sm" ta="center" maw={520}>
          {children}
        </Text>
      ) : null}
    </Stack>
  );
}

/** Client-side pages of a list the server answers whole (with its own cap). */
export function usePage<T>(rows: T[], page: number, size = 25): { items: T[]; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const p = Math.min(page, pages);
  return { items: rows.slice((p - 1) * size, p * size), pages };
}

export function Pager({ page, pages, onChange, label }: { page: number; pages: number; onChange: (p: number) => void; label: string }) {
  if (pages <= 1) return null;
  return (
    <Group justify="center" mt="sm">
      <Pagination
        total={pages}
        value={page}
        onChange={onChange}
        aria-label={`${label} pages`}
        getControlProps={(control) => ({ 'aria-label': `${control} page` })}
      />
    </Group>
  );
}

/** 2026-12-01T08:00:00.000Z → a short local date-time. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function money(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}
